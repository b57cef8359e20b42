/**
 * The one message protocol between the extension host and the flame graph webview, split by direction.
 *
 * Every message names the trace it concerns: a panel shows one trace, and a message for another (sent before the
 * panel switched, or delivered after it was reused) is dropped by the receiver instead of being applied to the wrong
 * trace. Requests carry a `requestId` that the reply repeats. The host trusts nothing it receives: every message goes
 * through `parseFromWebview`, which checks each field and rejects unknown ones.
 *
 * Browser-safe like all of src/shared, so the host and the flame graph page both include it.
 */
import type { SpanCost } from './cost';
import type { SpanEvaluation } from './evaluations';
import type { SpanFinding } from './findings';
import type { TraceSnapshot } from './flame/snapshot';
import { isSpanId, isTraceId } from './ids';
import type { ResolutionRule } from './resolutionRules';
import type { ServerLane } from './serverLanes';
import type { TranscriptMessage } from './transcript';

/** The rule that resolved a span to source, shown in the UI ("found by: stack trace"). */
export type JumpRule = ResolutionRule;

export type JumpToCodeOutcome =
  | { readonly found: true; readonly rule: JumpRule; readonly file: string; readonly line: number }
  | { readonly found: false };

/** Attribute values as display text: they can be bigint, bytes or maps, none of which survive JSON. */
export type DisplayAttributes = readonly (readonly [key: string, value: string])[];

export interface SpanDetails {
  readonly spanId: string;
  readonly attributes: DisplayAttributes;
  readonly resource: DisplayAttributes;
  readonly events: readonly {
    readonly name: string;
    /** Milliseconds from the span start. */
    readonly offsetMs: number;
    readonly attributes: DisplayAttributes;
  }[];
  /** For LLM spans that recorded their conversation: the chat, input then output. */
  readonly transcript?: readonly TranscriptMessage[];
  /** Log records correlated with the span, by time; absent when it has none. */
  readonly logs?: readonly SpanLog[];
  /** A model call's cost; absent for other spans and calls that report no tokens. */
  readonly cost?: SpanCost;
  /**
   * For an LLM call, what its model server was doing during the prefill, as one line of text
   * (`queue 14 waiting · KV cache 97% · 2 preemptions during prefill`); absent without samples then.
   */
  readonly modelServer?: string;
}

/** The model server's line as the details show it, when it is one (text only, bounded); else undefined. */
export function modelServerText(details: SpanDetails): string | undefined {
  const text: unknown = details.modelServer;
  return typeof text === 'string' && text !== '' && text.length <= MAX_TEXT_LENGTH ? text : undefined;
}

/**
 * `details` with the model-server line of `update`, or undefined when `update` is about another span. `null` removes
 * the line (its samples left the store).
 */
export function withModelServer(details: SpanDetails, update: SpanModelServerUpdate): SpanDetails | undefined {
  if (update.spanId !== details.spanId) return undefined;
  const { modelServer: _dropped, ...rest } = details;
  return update.modelServer === null ? rest : { ...rest, modelServer: update.modelServer };
}

/** One log record of a span, as display text. */
export interface SpanLog {
  /** Milliseconds from the span start. */
  readonly offsetMs: number;
  /** Severity text or name ('' when unspecified). */
  readonly severity: string;
  /** The event name ('' for a plain log line). */
  readonly event: string;
  /** The body as display text ('' when empty). */
  readonly body: string;
  readonly attributes: DisplayAttributes;
}

/** A reply to the request with the same `requestId`. */
export type Reply<T> =
  | { readonly requestId: number; readonly ok: true; readonly result: T }
  | { readonly requestId: number; readonly ok: false; readonly error: string };

/** Host → webview. */
export type ToWebview =
  /**
   * The answer to `ready`: the page's HTML carries no span data, so its first snapshot comes here, posted with its
   * typed arrays (sent as binary by VS Code, not as JSON).
   */
  | {
      readonly type: 'init';
      readonly traceId: string;
      readonly snapshot: TraceSnapshot;
      /** Requested selection; null to keep the one the page restores from its state. */
      readonly selectedSpanId: string | null;
    }
  /** The trace changed (live spans): a full snapshot, applied only when newer than the shown one; zoom and selection stay. */
  | { readonly type: 'update'; readonly traceId: string; readonly snapshot: TraceSnapshot }
  | { readonly type: 'select'; readonly traceId: string; readonly spanId: string }
  /** The trace left the store (evicted or cleared). */
  | { readonly type: 'traceRemoved'; readonly traceId: string }
  /** Log records of the trace arrived or went (they are not in the snapshot): the page asks for its selection's details again. */
  | { readonly type: 'logsChanged'; readonly traceId: string }
  /** The trace's findings, all of them, after `init` and whenever they change (they are not in the snapshot). */
  | { readonly type: 'findings'; readonly traceId: string; readonly findings: readonly SpanFinding[] }
  /**
   * The trace's evaluation results (`gen_ai.evaluation.result` events, from the judge or the app), all of them, after
   * `init` and whenever they change; like findings, they are not in the snapshot.
   */
  | { readonly type: 'evaluations'; readonly traceId: string; readonly evaluations: readonly SpanEvaluation[] }
  /**
   * The model servers active in the trace's time window, one lane each (none when no server is): after `init`, and
   * again when their samples in that window change. A sample stands for at most `staleAfterMs` after its time.
   */
  | {
      readonly type: 'modelServers';
      readonly traceId: string;
      readonly lanes: readonly ServerLane[];
      readonly staleAfterMs: number;
    }
  /**
   * The model-server line of the span whose details the page last asked for changed (samples of its call's time
   * arrived or left after the reply): the page updates that row while the span is still selected, else ignores it.
   */
  | SpanModelServerUpdate
  | ({ readonly type: 'spanDetails'; readonly traceId: string } & Reply<SpanDetails>)
  | ({ readonly type: 'jumpToCodeResult'; readonly traceId: string } & Reply<JumpToCodeOutcome>);

export interface SpanModelServerUpdate {
  readonly type: 'spanModelServer';
  readonly traceId: string;
  readonly spanId: string;
  /** As `SpanDetails.modelServer`; null when there is none any more. */
  readonly modelServer: string | null;
}

/** Webview → host. */
export type FromWebview =
  /** The page has loaded and listens: the host sends the trace (`init`) and what it queued until now. */
  | { readonly type: 'ready'; readonly traceId: string }
  | { readonly type: 'selectSpan'; readonly traceId: string; readonly spanId: string }
  /** Opens the span in the editor-side details document. */
  | { readonly type: 'openSpanDetails'; readonly traceId: string; readonly spanId: string }
  /** Opens a model call's request to edit and replay (Replay LLM Call…). */
  | { readonly type: 'replaySpan'; readonly traceId: string; readonly spanId: string }
  /** Grades a model call with a judge model (Evaluate with a Judge Model…). */
  | { readonly type: 'evaluateSpan'; readonly traceId: string; readonly spanId: string }
  | {
      readonly type: 'jumpToCode';
      readonly traceId: string;
      readonly spanId: string;
      /** Open beside the flame graph rather than in the active group. */
      readonly toSide: boolean;
      readonly requestId: number;
    }
  | {
      readonly type: 'requestSpanDetails';
      readonly traceId: string;
      readonly spanId: string;
      readonly requestId: number;
    }
  /** An uncaught error in the webview, for the extension's log. */
  | { readonly type: 'reportError'; readonly traceId: string; readonly message: string };

/** The reply message that answers each request of the page. */
export const REPLY_TYPES = {
  requestSpanDetails: 'spanDetails',
  jumpToCode: 'jumpToCodeResult',
} as const satisfies Record<Extract<FromWebview, { requestId: number }>['type'], ToWebview['type']>;

export type RequestType = keyof typeof REPLY_TYPES;
/** What a successful reply to a request of type `T` carries. */
export type ResultOf<T extends RequestType> = Extract<ToWebview, { type: (typeof REPLY_TYPES)[T]; ok: true }>['result'];

export type ToWebviewType = ToWebview['type'];
export type FromWebviewType = FromWebview['type'];

/** Longest text field accepted from the webview. */
export const MAX_TEXT_LENGTH = 4096;

type FieldCheck = (value: unknown) => boolean;

const isBoolean: FieldCheck = (value) => typeof value === 'boolean';
const isRequestId: FieldCheck = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const isText: FieldCheck = (value) => typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;

/** One check per field of each message, typed so that a field added to `FromWebview` and not here fails to compile. */
type Schema = {
  readonly [T in FromWebviewType]: {
    readonly [K in Exclude<keyof Extract<FromWebview, { type: T }>, 'type'>]-?: FieldCheck;
  };
};

const SCHEMA: Schema = {
  ready: { traceId: isTraceId },
  selectSpan: { traceId: isTraceId, spanId: isSpanId },
  openSpanDetails: { traceId: isTraceId, spanId: isSpanId },
  replaySpan: { traceId: isTraceId, spanId: isSpanId },
  evaluateSpan: { traceId: isTraceId, spanId: isSpanId },
  jumpToCode: { traceId: isTraceId, spanId: isSpanId, toSide: isBoolean, requestId: isRequestId },
  requestSpanDetails: { traceId: isTraceId, spanId: isSpanId, requestId: isRequestId },
  reportError: { traceId: isTraceId, message: isText },
};

function isMessageType(type: unknown): type is FromWebviewType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(SCHEMA, type);
}

/** The message if it is exactly one of `FromWebview` (right type tag, every field valid, no other field), else undefined. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const type = message.type;
  if (!isMessageType(type)) return undefined;
  const fields: Readonly<Record<string, FieldCheck>> = SCHEMA[type];
  const keys = Object.keys(message);
  if (keys.length !== Object.keys(fields).length + 1) return undefined;
  for (const key of keys) {
    if (key === 'type') continue;
    const check = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (check === undefined || !check(message[key])) return undefined;
  }
  return message as unknown as FromWebview;
}
