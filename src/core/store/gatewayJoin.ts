/**
 * Which app model call a gateway call made without `traceparent` belongs to. Such a call arrives as a trace of its
 * own (one gateway span, no parent); it joins an app's LLM span only when exactly one stored app model call contains
 * it in time and asked for the same model, and that call shows no gateway span yet. Otherwise it stays a trace of
 * its own: a guess between two concurrent calls would show one call's figures on the other.
 *
 * The gateway and the app run on the same machine, but do not read its clock the same way: OpenTelemetry JS stamps
 * spans from a monotonic clock anchored at its process's start (`performance.timeOrigin`), which drifts from the wall
 * clock the gateway reads by a few milliseconds. Containment allows that much (`CLOCK_SKEW_NANOS`); a call whose ends
 * both lie that close to two app calls is ambiguous and stays apart.
 */
import type { AiSpanInfo } from '../semantics/types';
import type { StoredSpan } from './storedSpan';
import type { StoredTrace } from './storedTrace';

/** How far the app's clock and the gateway's may disagree: measured drifts are milliseconds, this allows 25. */
export const CLOCK_SKEW_NANOS = 25_000_000n;

/**
 * The same model: the app's call names the model it asked for or, OpenInference without its request parameters, only
 * the one it was answered by; either matches the gateway's request or response model.
 */
function sameModel(call: AiSpanInfo, gateway: AiSpanInfo): boolean {
  const matches = (model: string | undefined) =>
    model !== undefined && (model === gateway.requestModel || model === gateway.responseModel);
  return matches(call.requestModel) || matches(call.responseModel);
}

/** Whether the app model call `call` could be the call `gateway` recorded: it contains it and names its model. */
export function couldBeSameCall(call: StoredSpan, gateway: StoredSpan): boolean {
  return (
    call.span.startTimeUnixNano - CLOCK_SKEW_NANOS <= gateway.span.startTimeUnixNano &&
    gateway.span.endTimeUnixNano <= call.span.endTimeUnixNano + CLOCK_SKEW_NANOS &&
    sameModel(call.own, gateway.own)
  );
}

export interface JoinTarget {
  readonly trace: StoredTrace;
  readonly call: StoredSpan;
}

/**
 * The app model call `gateway` joins: the only one in `traces` that could be its call, when that one shows no
 * gateway span yet; undefined when none or several could be. `traces` are committed (their summaries' time ranges
 * and gateway links are current).
 */
export function joinTarget(gateway: StoredSpan, traces: Iterable<StoredTrace>): JoinTarget | undefined {
  const start = gateway.span.startTimeUnixNano;
  const end = gateway.span.endTimeUnixNano;
  let found: JoinTarget | undefined;
  for (const trace of traces) {
    const summary = trace.summary;
    // Every span of a trace lies within its summary's range: most traces are ruled out without a look at their spans.
    if (summary.startTimeUnixNano - CLOCK_SKEW_NANOS > start || summary.endTimeUnixNano + CLOCK_SKEW_NANOS < end)
      continue;
    for (const call of trace.appModelCalls()) {
      if (!couldBeSameCall(call, gateway)) continue;
      if (found !== undefined) return undefined;
      found = { trace, call };
    }
  }
  return found !== undefined && !found.trace.showsGateway(found.call) ? found : undefined;
}
