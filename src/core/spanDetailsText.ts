/**
 * The text of the read-only span details document: YAML, because it reads well as plain text, gets highlighting and
 * indentation folding in any editor, and nests attribute maps and arrays naturally. Span text is always quoted (JSON
 * string syntax is valid YAML), so no span content can change the document's structure. Attribute strings that hold
 * JSON objects or arrays are shown parsed and pretty-printed (JSON is also YAML flow syntax).
 */
import { AI_KIND_LABELS } from '../shared/aiKinds';
import { GATEWAY_SOURCE_NOTE, stallsText, type FigureSource } from '../shared/figures';
import { filePlace, formatDuration, plural } from '../shared/format';
import {
  durationNanos,
  nanosToMillis,
  serviceNameOf,
  type AttributeMap,
  type AttributeValue,
  type InstrumentationScope,
  type Resource,
  type Span,
} from './model';
import { eventNameOf, recordTimeOf, severityLabelOf, type LogRecord } from './otlp/logModel';
import { CONVENTION_LABELS, spanKindName, statusName } from './spanLabels';
import type { SpanNode } from './store/types';

const INDENT = '  ';
/** Arrays of scalars at most this long stay on one line. */
const FLOW_WIDTH = 80;
const HEX_BYTES_SHOWN = 32;

/** `logs` are the log records correlated with the span (by trace and span id), in time order. */
export function renderSpanDetails(node: SpanNode, logs: readonly LogRecord[] = []): string {
  const { span, ai } = node;
  const lines: string[] = [
    `# ${oneLine(span.name)}`,
    '# Span details from AI Trace Lens: read-only, updated when the span is received again.',
    '',
    'summary:',
  ];
  const summary = (key: string, value: string | undefined): void => {
    if (value !== undefined) lines.push(`${INDENT}${key}: ${value}`);
  };
  const model = ai.responseModel ?? ai.requestModel;
  summary('kind', AI_KIND_LABELS[ai.kind]);
  summary('convention', ai.convention && CONVENTION_LABELS[ai.convention]);
  summary('agent', quoted(ai.agentName));
  summary('tool', quoted(ai.toolName));
  summary('provider', quoted(ai.provider));
  summary('model', quoted(model));
  if (ai.requestModel !== undefined && ai.requestModel !== model) summary('requestModel', quoted(ai.requestModel));
  summary('streaming', ai.streaming === undefined ? undefined : String(ai.streaming));
  // Figures the gateway measured say so in a comment: `ttft: 420 ms  # measured at the gateway`.
  const tokenNote = sourceComment(ai.tokensSource, ai.tokensEstimated ? 'estimated' : undefined);
  const withNote = (text: string | undefined, note: string) => (text === undefined ? undefined : text + note);
  summary('inputTokens', withNote(numberText(ai.inputTokens), tokenNote));
  summary('cachedTokens', withNote(numberText(ai.cachedTokens), tokenNote));
  summary('cacheWriteTokens', withNote(numberText(ai.cacheWriteTokens), tokenNote));
  summary('outputTokens', withNote(numberText(ai.outputTokens), tokenNote));
  summary('reasoningTokens', withNote(numberText(ai.reasoningTokens), tokenNote));
  const duration = (ms: number | undefined) => (ms === undefined ? undefined : formatDuration(ms));
  summary('ttft', withNote(duration(ai.ttftMs), sourceComment(ai.ttftSource)));
  summary('tpot', withNote(duration(ai.tpotMs), sourceComment(ai.tpotSource)));
  const gatewayNote = sourceComment('gateway');
  summary('timeToFirstText', withNote(duration(ai.firstTextMs), gatewayNote));
  summary('longestChunkGap', withNote(duration(ai.longestGapMs), gatewayNote));
  summary(
    'stalls',
    ai.stalls === undefined ? undefined : `${ai.stalls}  # ${stallsText(ai.stalls)}, ${GATEWAY_SOURCE_NOTE}`,
  );
  summary('duration', formatDuration(nanosToMillis(durationNanos(span))));
  summary('status', statusName(span.status.code));
  if (span.status.message !== '') summary('statusMessage', quoted(span.status.message));
  if (ai.code !== undefined) summary('code', quoted(codeLocation(ai.code)));

  lines.push('', 'span:');
  const field = (key: string, value: string): void => {
    lines.push(`${INDENT}${key}: ${value}`);
  };
  field('name', quoted(span.name));
  field('traceId', span.traceId);
  field('spanId', span.spanId);
  if (span.parentSpanId !== undefined) {
    field('parentSpanId', span.parentSpanId + (node.orphan ? '  # not received (yet)' : ''));
  }
  field('kind', spanKindName(span.kind));
  field('start', isoTime(span.startTimeUnixNano));
  field('end', isoTime(span.endTimeUnixNano));
  const service = serviceNameOf(span);
  if (service !== undefined) field('service', quoted(service));
  if (span.traceState !== '') field('traceState', quoted(span.traceState));
  if (span.flags !== 0) field('flags', `0x${span.flags.toString(16).padStart(2, '0')}`);

  lines.push('');
  writeAttributeSection(lines, 0, 'attributes', span.attributes, span.droppedAttributesCount);
  lines.push('');
  writeEvents(lines, span);
  lines.push('');
  writeLogs(lines, span, logs);
  lines.push('');
  writeLinks(lines, span);
  lines.push('');
  writeResource(lines, span.resource);
  lines.push('');
  writeScope(lines, span.scope);
  return lines.join('\n') + '\n';
}

/** `  # estimated, measured at the gateway` after a figure the gateway measured, else nothing. */
function sourceComment(source: FigureSource | undefined, qualifier?: string): string {
  if (source !== 'gateway') return '';
  return `  # ${qualifier === undefined ? '' : `${qualifier}, `}${GATEWAY_SOURCE_NOTE}`;
}

/**
 * One attribute value as display text, formatted as in the document but without YAML quoting: strings as they are
 * (JSON objects and arrays pretty-printed), maps and arrays as YAML blocks, bytes as base64 and hex.
 */
export function attributeValueText(value: AttributeValue): string {
  if (typeof value === 'string') {
    const json = parseJsonContainer(value);
    return json === undefined ? value : JSON.stringify(json, null, 2);
  }
  if (value instanceof Map) {
    const lines: string[] = [];
    for (const [key, item] of value) writeEntry(lines, '', `${yamlKey(key)}:`, item);
    return lines.length === 0 ? '{}' : lines.join('\n');
  }
  if (Array.isArray(value)) {
    const flow = flowArray(value);
    if (flow !== undefined) return flow;
    const lines: string[] = [];
    for (const item of value) writeEntry(lines, '', '-', item);
    return lines.join('\n');
  }
  return scalarText(value);
}

/** Attributes as `[key, text]` pairs sorted by key, as the document lists them. */
export function displayAttributes(attributes: AttributeMap): [string, string][] {
  return [...attributes.keys()].sort().map((key) => [key, attributeValueText(attributes.get(key)!)]);
}

/** The document for a span that has left the store (cleared, or its trace evicted). */
export function renderMissingSpan(traceId: string, spanId: string): string {
  return [
    `# Span ${spanId} of trace ${traceId}`,
    '# This span is no longer held by AI Trace Lens: the traces were cleared, or this trace was evicted',
    '# to stay within the aiTraceLens.store.maxSpans setting. It is shown again if the span is received again.',
    '',
  ].join('\n');
}

function writeEvents(lines: string[], span: Span): void {
  if (span.events.length === 0) {
    lines.push('events: []' + droppedComment(span.droppedEventsCount));
    return;
  }
  lines.push(`events:  # ${span.events.length}, times from span start${droppedText(span.droppedEventsCount)}`);
  const events = [...span.events].sort((a, b) =>
    a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
  );
  for (const event of events) {
    lines.push(`${INDENT}- name: ${quoted(event.name)}`);
    lines.push(`${INDENT}${INDENT}time: ${relativeTime(event.timeUnixNano - span.startTimeUnixNano)}`);
    writeAttributeSection(lines, 2, 'attributes', event.attributes, event.droppedAttributesCount, true);
  }
}

/** The span's log records: GenAI events sent as logs, and the app's own log lines written while the span was current. */
function writeLogs(lines: string[], span: Span, logs: readonly LogRecord[]): void {
  if (logs.length === 0) {
    lines.push('logs: []');
    return;
  }
  lines.push(`logs:  # ${logs.length}, times from span start`);
  for (const record of logs) {
    lines.push(`${INDENT}- time: ${relativeTime(recordTimeOf(record) - span.startTimeUnixNano)}`);
    const field = (key: string, value: string): void => {
      if (value !== '') lines.push(`${INDENT}${INDENT}${key}: ${quoted(value)}`);
    };
    field('severity', severityLabelOf(record));
    field('event', eventNameOf(record));
    if (record.body !== null) writeEntry(lines, INDENT + INDENT, 'body:', record.body);
    writeAttributeSection(lines, 2, 'attributes', record.attributes, record.droppedAttributesCount, true);
  }
}

function writeLinks(lines: string[], span: Span): void {
  if (span.links.length === 0) {
    lines.push('links: []' + droppedComment(span.droppedLinksCount));
    return;
  }
  lines.push(`links:  # ${span.links.length}${droppedText(span.droppedLinksCount)}`);
  for (const link of span.links) {
    lines.push(`${INDENT}- traceId: ${link.traceId}`);
    lines.push(`${INDENT}${INDENT}spanId: ${link.spanId}`);
    if (link.traceState !== '') lines.push(`${INDENT}${INDENT}traceState: ${quoted(link.traceState)}`);
    writeAttributeSection(lines, 2, 'attributes', link.attributes, link.droppedAttributesCount, true);
  }
}

function writeResource(lines: string[], resource: Resource): void {
  lines.push('resource:');
  writeAttributeSection(lines, 1, 'attributes', resource.attributes, resource.droppedAttributesCount);
}

function writeScope(lines: string[], scope: InstrumentationScope): void {
  lines.push('scope:');
  lines.push(`${INDENT}name: ${quoted(scope.name)}`);
  if (scope.version !== '') lines.push(`${INDENT}version: ${quoted(scope.version)}`);
  if (scope.attributes.size > 0 || scope.droppedAttributesCount > 0) {
    writeAttributeSection(lines, 1, 'attributes', scope.attributes, scope.droppedAttributesCount);
  }
}

/** Writes `key:` and the attributes sorted by key, which groups each namespace (`gen_ai.*`, `http.*`). */
function writeAttributeSection(
  lines: string[],
  level: number,
  key: string,
  attributes: AttributeMap,
  dropped: number,
  omitWhenEmpty = false,
): void {
  const pad = INDENT.repeat(level);
  if (attributes.size === 0) {
    if (!omitWhenEmpty || dropped > 0) lines.push(`${pad}${key}: {}${droppedComment(dropped)}`);
    return;
  }
  lines.push(`${pad}${key}:  # ${attributes.size}${droppedText(dropped)}`);
  const keys = [...attributes.keys()].sort();
  for (const name of keys) writeEntry(lines, pad + INDENT, `${yamlKey(name)}:`, attributes.get(name)!);
}

/** Writes one `head value` entry, where `head` is `key:` or `-`, nesting maps and arrays as YAML blocks. */
function writeEntry(lines: string[], pad: string, head: string, value: AttributeValue): void {
  if (value instanceof Map) {
    if (value.size === 0) {
      lines.push(`${pad}${head} {}`);
      return;
    }
    lines.push(`${pad}${head}`);
    for (const [key, item] of value) writeEntry(lines, pad + INDENT, `${yamlKey(key)}:`, item);
    return;
  }
  if (Array.isArray(value)) {
    const flow = flowArray(value);
    if (flow !== undefined) {
      lines.push(`${pad}${head} ${flow}`);
      return;
    }
    lines.push(`${pad}${head}`);
    for (const item of value) writeEntry(lines, pad + INDENT, '-', item);
    return;
  }
  if (typeof value === 'string') {
    writeString(lines, pad, head, value);
    return;
  }
  lines.push(`${pad}${head} ${scalarText(value)}`);
}

function writeString(lines: string[], pad: string, head: string, value: string): void {
  const json = parseJsonContainer(value);
  if (json !== undefined) {
    lines.push(`${pad}${head}  # JSON string, shown parsed`);
    for (const line of JSON.stringify(json, null, 2).split('\n')) lines.push(`${pad}${INDENT}${line}`);
    return;
  }
  // eslint-disable-next-line no-control-regex -- a YAML block scalar holds no control character but tab and newline
  if (value.includes('\n') && !/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/.test(value)) {
    // A literal block keeps long text (prompts, stack traces) readable; `+` keeps a trailing newline, `-` adds none.
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    const bodyLines = body.split('\n');
    const indentIndicator = /^\s/.test(bodyLines.find((line) => line !== '') ?? '') ? '2' : '';
    lines.push(`${pad}${head} |${indentIndicator}${value.endsWith('\n') ? '+' : '-'}`);
    for (const line of bodyLines) lines.push(line === '' ? '' : `${pad}${INDENT}${line}`);
    return;
  }
  lines.push(`${pad}${head} ${quoted(value)}`);
}

function flowArray(values: readonly AttributeValue[]): string | undefined {
  if (values.length === 0) return '[]';
  const parts: string[] = [];
  let width = 2;
  for (const value of values) {
    if (value instanceof Map || Array.isArray(value) || value instanceof Uint8Array) return undefined;
    if (typeof value === 'string' && (value.includes('\n') || parseJsonContainer(value) !== undefined))
      return undefined;
    const text = typeof value === 'string' ? quoted(value) : scalarText(value);
    width += text.length + 2;
    if (width > FLOW_WIDTH) return undefined;
    parts.push(text);
  }
  return `[${parts.join(', ')}]`;
}

/** An attribute value on one line of YAML: strings quoted, maps and arrays in flow style, bytes as base64. */
export function inlineYaml(value: AttributeValue): string {
  if (typeof value === 'string') return quoted(value);
  if (value instanceof Map) {
    const entries = [...value].map(([key, item]) => `${yamlKey(key)}: ${inlineYaml(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (Array.isArray(value)) return `[${value.map(inlineYaml).join(', ')}]`;
  if (value instanceof Uint8Array) {
    return `!!binary "${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
  }
  return scalarText(value);
}

function scalarText(value: number | bigint | boolean | null | Uint8Array): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return bytesText(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
  }
  return String(value);
}

/** Base64 (YAML's binary tag) plus the hex that ids and hashes are usually read in. */
function bytesText(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEX_BYTES_SHOWN)).toString('hex');
  const more = bytes.byteLength > HEX_BYTES_SHOWN ? '…' : '';
  return `!!binary "${base64}"  # ${plural(bytes.byteLength, 'byte')}${hex === '' ? '' : `, hex ${hex}${more}`}`;
}

/** The parsed value when `text` is a JSON object or array; undefined otherwise. */
function parseJsonContainer(text: string): object | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Keys made of the usual attribute-name characters stay bare; anything else is quoted. */
export function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(key) ? key : quoted(key);
}

export function quoted(text: string): string;
export function quoted(text: string | undefined): string | undefined;
export function quoted(text: string | undefined): string | undefined {
  // JSON leaves U+2028/U+2029 raw; editors treat them as line breaks.
  return text === undefined
    ? undefined
    : JSON.stringify(text)
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
}

function numberText(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function codeLocation(code: {
  file: string | undefined;
  line: number | undefined;
  function: string | undefined;
}): string {
  const place = code.file === undefined ? '' : filePlace(code.file, code.line);
  if (code.function === undefined) return place;
  return place === '' ? code.function : `${place} (${code.function})`;
}

export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters (newlines among them) are what it takes out
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

function droppedText(count: number): string {
  return count > 0 ? `, ${count} dropped by the sender` : '';
}

function droppedComment(count: number): string {
  return count > 0 ? `  # ${count} dropped by the sender` : '';
}

/** `+210 ms` from the span start (negative when a clock put the event before it). */
function relativeTime(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '+';
  return `${sign}${formatDuration(nanosToMillis(nanos < 0n ? -nanos : nanos))}`;
}

/** ISO 8601 with the full nanosecond precision OTLP carries. */
export function isoTime(unixNano: bigint): string {
  const millis = unixNano / 1_000_000n;
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return String(unixNano);
  const subMillis = (unixNano % 1_000_000n).toString().padStart(6, '0');
  return date.toISOString().replace(/\.(\d{3})Z$/, `.$1${subMillis}Z`);
}
