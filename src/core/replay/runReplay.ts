/**
 * Runs a replay document through a model route, once or N times, each run traced in the `ai-trace-lens replay`
 * service and linked to the span it replays (core/modelRoutes/tracedCall.ts).
 */
import type { Span } from '../model';
import {
  sendTraced,
  type TracedCallContext,
  type TracedCallOptions,
  type TracedCallResult,
} from '../modelRoutes/tracedCall';
import type { HttpModelRoute } from '../modelRoutes/routes';
import { analyzeSpan } from '../semantics/analyze';
import type { ModelRequest } from '../modelRoutes/modelRequest';
import { exactWireRequest } from './exactRequest';
import type { ReplayDocument } from './replayDocument';
import type { RunOutcome } from './runsSummary';

/** The service, scope and attribute that mark a replay: the attribute holds the id of the span replayed. */
export const REPLAY_SERVICE = 'ai-trace-lens replay';
export const REPLAY_SCOPE = 'ai-trace-lens.replay';
export const REPLAY_OF_ATTRIBUTE = 'ai_trace_lens.replay.of';

/** Runs of Replay ×N at once: enough to see variance quickly, few enough not to trip a provider's rate limit. */
export const REPLAY_CONCURRENCY = 4;

/**
 * What marks a run of `document` as its replay (service, root span name and the link to the span replayed), and for a
 * gateway call, the body it sent, edits applied (exactRequest.ts).
 */
export function replayCallOptions(document: ReplayDocument): TracedCallOptions {
  const { traceId, spanId, name } = document.replayOf;
  const recorded = document.gatewayRequest;
  return {
    service: REPLAY_SERVICE,
    scope: REPLAY_SCOPE,
    name: `replay ${name}`,
    linkTo: { traceId, spanId, attribute: REPLAY_OF_ATTRIBUTE },
    ...(recorded && { wireRequest: (routed: ModelRequest) => exactWireRequest(routed, recorded) }),
  };
}

export async function runReplay(
  document: ReplayDocument,
  route: HttpModelRoute,
  context: TracedCallContext,
): Promise<TracedCallResult> {
  return sendTraced(route, document, replayCallOptions(document), context);
}

/** A run's answer and the figures its call span recorded. */
export function runOutcome(result: Pick<TracedCallResult, 'text' | 'error' | 'traceId' | 'callSpan'>): RunOutcome {
  const span: Span | undefined = result.callSpan;
  const info = span === undefined ? undefined : analyzeSpan(span);
  return {
    text: result.text,
    error: result.error,
    traceId: result.traceId,
    durationMs: span === undefined ? 0 : Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
    ttftMs: info?.ttftMs,
    inputTokens: info?.inputTokens,
    outputTokens: info?.outputTokens,
  };
}

/**
 * Runs `run` `count` times, at most `concurrency` at once; outcomes in run order. `onDone` is told after each run, for
 * progress.
 */
export async function runConcurrently<T>(
  count: number,
  concurrency: number,
  run: () => Promise<T>,
  onDone: () => void = () => {},
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await run();
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/**
 * The most runs Replay ×N asks at once: each run is a paid call, and fifty already show how answers spread; the bound
 * keeps a typo (500) from spending a budget.
 */
export const MAX_REPLAY_RUNS = 50;
export const DEFAULT_REPLAY_RUNS = 5;
