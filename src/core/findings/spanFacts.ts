/**
 * What the rules read of a span beyond core/semantics' AiSpanInfo: finish reasons, whether and how a call failed, and
 * the text of tool arguments and results. The semantics expose none of these, so they are read from the attributes
 * here, only for the spans a rule looks at (LLM and tool calls), never for every span.
 */
import { StatusCode, type AttributeMap, type AttributeValue, type Span } from '../model';
import { readNonNegative, readString } from '../semantics/attributes';
import { TOOL_ARGUMENTS_KEYS, TOOL_RESULT_KEYS } from '../semantics/extract';

/** OTel GenAI (and the gateway), the AI SDK, OpenLLMetry's indexed completions. */
const FINISH_REASON_KEYS = [
  'gen_ai.response.finish_reasons',
  'ai.response.finishReason',
  'gen_ai.completion.0.finish_reason',
];

/** OpenAI `length`, Anthropic `max_tokens`, Gemini `MAX_TOKENS`, Bedrock `max_tokens`, the AI SDK `length`. */
const TRUNCATING_REASONS = new Set(['length', 'max_tokens', 'max_output_tokens']);

/** The first finish reason that means the answer was cut at the output limit, as recorded; else undefined. */
export function truncatingFinishReason(span: Span): string | undefined {
  const attributes = span.attributes;
  for (const key of FINISH_REASON_KEYS) {
    const value = attributes.get(key);
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      if (isTruncating(value)) return value as string;
      continue;
    }
    for (const reason of value) if (isTruncating(reason)) return reason as string;
  }
  return undefined;
}

const isTruncating = (reason: AttributeValue): boolean =>
  typeof reason === 'string' && TRUNCATING_REASONS.has(reason.toLowerCase());

/**
 * A tool call's arguments and result, under the keys of core/semantics' `toolCallOf`. Read here with plain look-ups
 * because it runs for every tool span of every evaluated trace (the lists bound once: an imported binding is a
 * property read under CommonJS).
 */
const ARGUMENTS_KEYS = TOOL_ARGUMENTS_KEYS;
const RESULT_KEYS = TOOL_RESULT_KEYS;
export const toolArgumentsOf = (attributes: AttributeMap) => firstValue(attributes, ARGUMENTS_KEYS);
export const toolResultOf = (attributes: AttributeMap) => firstValue(attributes, RESULT_KEYS);

function firstValue(attributes: AttributeMap, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const value = attributes.get(key);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** A failed call: an error status, or OTel's `error.type` set. */
export function hasFailed(span: Span): boolean {
  return span.status.code === StatusCode.Error || readString(span.attributes, 'error.type') !== undefined;
}

export type ErrorKind = 'rate-limit' | 'context-length' | 'auth' | 'server' | 'other';

const HTTP_STATUS_KEYS = ['http.response.status_code', 'http.status_code'];

/** Everything a failed span says about its failure: status message, `error.type`, its exception events. */
export function errorDescription(span: Span): { text: string; httpStatus: number | undefined } {
  const parts = [span.status.message, readString(span.attributes, 'error.type') ?? ''];
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    parts.push(
      readString(event.attributes, 'exception.type') ?? '',
      readString(event.attributes, 'exception.message') ?? '',
    );
  }
  let httpStatus: number | undefined;
  for (const key of HTTP_STATUS_KEYS) httpStatus ??= readNonNegative(span.attributes, key);
  return { text: parts.filter((part) => part !== '').join(': '), httpStatus };
}

/** The kind of a model call's failure, from its HTTP status when recorded, else from the words of its error. */
export function errorKindOf(text: string, httpStatus: number | undefined): ErrorKind {
  const lower = text.toLowerCase();
  if (httpStatus === 429 || /rate.?limit|too many requests|quota|resource.?exhausted/.test(lower)) return 'rate-limit';
  if (/context.?length|context.?window|maximum context|too many tokens|prompt is too long|token limit/.test(lower)) {
    return 'context-length';
  }
  if (httpStatus === 401 || httpStatus === 403 || /auth|api.?key|permission|forbidden/.test(lower)) return 'auth';
  if ((httpStatus !== undefined && httpStatus >= 500) || /server.?error|overloaded|unavailable|\b5\d\d\b/.test(lower)) {
    return 'server';
  }
  return 'other';
}

/** A recorded value as comparable text: strings as they are, structured values as JSON with Maps as objects. */
export function valueText(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof Map) return Object.fromEntries(inner as Map<string, unknown>);
    if (typeof inner === 'bigint') return inner.toString();
    if (inner instanceof Uint8Array) return Buffer.from(inner).toString('base64');
    return inner;
  });
}

/** Text cut to `max` characters for a message, with an ellipsis when cut. */
export function preview(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** Roughly four characters a token in English and code: the size of a text whose tokens nobody counted. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
