/**
 * An LLM span's conversation as a chat transcript (system, user, assistant with tool calls, tool results), from
 * whichever convention carried it. Each side (input, output) is read from the first source that has messages, so a
 * span that records the same conversation twice (attributes and events) shows it once.
 *
 * GenAI events come as span events or as log records correlated with the span (OTel GenAI 1.28+ sends them to
 * /v1/logs); both are read as one list of `ContentEvent`s, so every event convention has one reader.
 */
import type { TranscriptMessage, TranscriptRole, TranscriptToolCall } from '../shared/transcript';
import type { AttributeMap, AttributeValue, Span } from './model';
import { eventNameOf, recordTimeOf, type LogRecord } from './otlp/logModel';
import { readString } from './semantics/attributes';

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };
type PlainObject = { [key: string]: Plain };

/** A GenAI event as span events and log records both carry it; `body` is null for span events. */
export interface ContentEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: AttributeMap;
  readonly body: AttributeValue;
}

/** The span's events and its correlated log records as one time-ordered list. */
export function contentEventsOf(span: Span, logs: readonly LogRecord[] = []): ContentEvent[] {
  const events: ContentEvent[] = span.events.map((event) => ({ ...event, body: null }));
  for (const record of logs) {
    events.push({
      name: eventNameOf(record),
      timeUnixNano: recordTimeOf(record),
      attributes: record.attributes,
      body: record.body,
    });
  }
  // Stable: span events before log records at the same time, each in their order.
  return events.sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
}

/** Messages of one side, or none when the source does not apply. */
type Source = (span: Span, events: readonly ContentEvent[]) => TranscriptMessage[];

/** OTel GenAI ≥ 1.37: the messages as attributes of the span or of this event (when content goes to events). */
const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/** OTel GenAI 1.28–1.36: one event per input message, its role in the name. */
const MESSAGE_EVENT_ROLES: ReadonlyMap<string, TranscriptRole> = new Map([
  ['gen_ai.system.message', 'system'],
  ['gen_ai.user.message', 'user'],
  ['gen_ai.assistant.message', 'assistant'],
  ['gen_ai.tool.message', 'tool'],
]);

const INPUT_SOURCES: readonly Source[] = [
  (span) => otelInput(span.attributes),
  (_span, events) => otelInput(operationDetails(events)),
  (span) => indexed(span.attributes, 'gen_ai.prompt.', ''),
  (span) => indexed(span.attributes, 'llm.input_messages.', 'message.'),
  (span) => messageList(toPlain(span.attributes.get('ai.prompt.messages'))),
  (span) => vercelPrompt(toPlain(span.attributes.get('ai.prompt'))),
  (_span, events) => eventMessages(events, 'gen_ai.content.prompt', 'gen_ai.prompt'),
  perMessageEvents,
  // Some producers put the prompt (JSON messages or plain text) straight into a `gen_ai.prompt` attribute.
  (span) => messageList(toPlain(span.attributes.get('gen_ai.prompt'))),
];

const OUTPUT_SOURCES: readonly Source[] = [
  (span) => messageList(toPlain(span.attributes.get('gen_ai.output.messages'))),
  (_span, events) => messageList(toPlain(operationDetails(events).get('gen_ai.output.messages'))),
  (span) => indexed(span.attributes, 'gen_ai.completion.', '', 'assistant'),
  (span) => indexed(span.attributes, 'llm.output_messages.', 'message.', 'assistant'),
  vercelResponse,
  (_span, events) => eventMessages(events, 'gen_ai.content.completion', 'gen_ai.completion', 'assistant'),
  choiceEvents,
];

/**
 * The span's conversation, input then output; empty when no convention recorded one. `logs` are the log records
 * correlated with the span (GenAI events sent as logs).
 */
export function extractTranscript(span: Span, logs: readonly LogRecord[] = []): TranscriptMessage[] {
  const events = contentEventsOf(span, logs);
  return [...firstNonEmpty(INPUT_SOURCES, span, events), ...firstNonEmpty(OUTPUT_SOURCES, span, events)];
}

/** What was sent to the model: system instructions, user messages, earlier turns and tool results. */
export function extractInputMessages(span: Span, logs: readonly LogRecord[] = []): TranscriptMessage[] {
  return firstNonEmpty(INPUT_SOURCES, span, contentEventsOf(span, logs));
}

/** What the model answered: assistant messages, with their tool calls. */
export function extractOutputMessages(span: Span, logs: readonly LogRecord[] = []): TranscriptMessage[] {
  return firstNonEmpty(OUTPUT_SOURCES, span, contentEventsOf(span, logs));
}

function firstNonEmpty(sources: readonly Source[], span: Span, events: readonly ContentEvent[]): TranscriptMessage[] {
  for (const source of sources) {
    const messages = source(span, events);
    if (messages.length > 0) return messages;
  }
  return [];
}

/** OTel GenAI ≥ 1.37 splits the system instructions from the input messages. */
function otelInput(attributes: AttributeMap): TranscriptMessage[] {
  return [
    ...systemInstructions(attributes.get('gen_ai.system_instructions')),
    ...messageList(toPlain(attributes.get('gen_ai.input.messages'))),
  ];
}

const NO_ATTRIBUTES: AttributeMap = new Map();

/** The attributes of the last operation details event (empty when there is none). */
function operationDetails(events: readonly ContentEvent[]): AttributeMap {
  for (let index = events.length - 1; index >= 0; index--) {
    if (events[index]!.name === OPERATION_DETAILS_EVENT) return events[index]!.attributes;
  }
  return NO_ATTRIBUTES;
}

/**
 * The message of a per-message or choice event: its body (`{content, role, tool_calls, id}`, or a JSON string), else
 * the `gen_ai.event.content` attribute Semantic Kernel and Azure SDKs put the message JSON in.
 */
function eventMessage(event: ContentEvent): Plain | undefined {
  const body = toPlain(event.body);
  if (body !== undefined && body !== null && !(isObject(body) && Object.keys(body).length === 0)) return body;
  return toPlain(event.attributes.get('gen_ai.event.content'));
}

function perMessageEvents(_span: Span, events: readonly ContentEvent[]): TranscriptMessage[] {
  return events.flatMap((event) => {
    const role = MESSAGE_EVENT_ROLES.get(event.name);
    if (role === undefined) return [];
    const message = eventMessage(event);
    // Without content capture the event still says a message of this role was sent.
    return message === undefined || message === null ? [{ role, text: '' }] : messageList(message, role);
  });
}

/**
 * `gen_ai.choice`: `{index, finish_reason, message: {role, content, tool_calls}}`, some producers with `tool_calls`
 * beside `message`.
 */
function choiceEvents(_span: Span, events: readonly ContentEvent[]): TranscriptMessage[] {
  return events.flatMap((event) => {
    if (event.name !== 'gen_ai.choice') return [];
    const choice = eventMessage(event) ?? null;
    if (choice === null) return [{ role: 'assistant' as const, text: '' }];
    if (!isObject(choice)) return messageList(choice, 'assistant');
    const message = isObject(choice.message) ? choice.message : {};
    const toolCalls = message.tool_calls ?? choice.tool_calls ?? null;
    return messageList({ role: 'assistant', ...message, tool_calls: toolCalls }, 'assistant');
  });
}

function normalRole(role: unknown, fallback: TranscriptRole): TranscriptRole {
  switch (typeof role === 'string' ? role.toLowerCase() : undefined) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
    case 'human':
      return 'user';
    case 'assistant':
    case 'model':
    case 'ai':
      return 'assistant';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool';
    default:
      return fallback;
  }
}

function systemInstructions(value: AttributeValue | undefined): TranscriptMessage[] {
  const plain = toPlain(value);
  const text = typeof plain === 'string' ? plain : partsOf(plain).text;
  return text === '' ? [] : [{ role: 'system', text }];
}

/**
 * A message list in any of the JSON shapes conventions use: OTel parts (`{role, parts}`), OpenAI
 * (`{role, content, tool_calls, tool_call_id}`), Vercel (`{role, content: [{type:'tool-call'|'tool-result'}]}`),
 * or a bare prompt string.
 */
function messageList(value: Plain | undefined, fallback: TranscriptRole = 'user'): TranscriptMessage[] {
  if (typeof value === 'string') return value === '' ? [] : [{ role: fallback, text: value }];
  if (isObject(value)) return messageList([value], fallback);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!isObject(item)) return [];
    // OpenAI choices wrap the message: `{index, message: {role, content}}`.
    const message = isObject(item.message) ? item.message : item;
    const parts = partsOf(message.parts ?? message.content ?? message.text ?? null);
    const toolCalls = [...parts.toolCalls, ...openAiToolCalls(message.tool_calls)];
    const role = normalRole(message.role, fallback);
    const results = parts.toolResults;
    // The AI SDK v7 sums up a whole tool loop as one assistant message of text, tool calls and their results: the
    // assistant's turn, then each result as the tool message it was.
    if (results.length > 0 && role !== 'tool' && (parts.text !== '' || toolCalls.length > 0)) {
      return [
        withOptional({ role, text: parts.text }, toolCalls, undefined),
        ...results.map((result) => withOptional({ role: 'tool', text: result.text }, [], result.id)),
      ];
    }
    const toolCallId = stringOf(message.tool_call_id) ?? stringOf(message.id) ?? results[0]?.id;
    const text = [parts.text, ...results.map((result) => result.text)].filter((piece) => piece !== '').join('\n');
    const messageRole = results.length > 0 ? 'tool' : role;
    return [withOptional({ role: messageRole, text }, toolCalls, messageRole === 'tool' ? toolCallId : undefined)];
  });
}

interface Parts {
  text: string;
  toolCalls: TranscriptToolCall[];
  /** Tool result parts (OTel `tool_call_response`, Vercel `tool-result`), apart from the text. */
  toolResults: { id: string | undefined; text: string }[];
}

/** Text, tool calls and tool results of a content value: a string, or an array of typed parts. */
function partsOf(content: Plain | undefined): Parts {
  const parts: Parts = { text: '', toolCalls: [], toolResults: [] };
  if (typeof content === 'string') {
    parts.text = content;
    return parts;
  }
  if (!Array.isArray(content)) return parts;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    if (!isObject(part)) continue;
    switch (part.type ?? 'text') {
      case 'text':
      case 'reasoning': {
        const text = stringOf(part.content) ?? stringOf(part.text);
        if (text !== undefined) texts.push(text);
        break;
      }
      case 'tool_call':
      case 'tool-call':
        parts.toolCalls.push({
          name: stringOf(part.name) ?? stringOf(part.toolName) ?? '',
          arguments: jsonText(part.arguments ?? part.args ?? part.input ?? null),
        });
        break;
      case 'tool_call_response':
      case 'tool-result':
        parts.toolResults.push({
          id: stringOf(part.id) ?? stringOf(part.toolCallId),
          text: jsonText(part.response ?? part.result ?? part.output ?? null),
        });
        break;
    }
  }
  parts.text = texts.join('\n');
  return parts;
}

/** OpenAI `tool_calls: [{id, type: 'function', function: {name, arguments}}]`. */
function openAiToolCalls(value: Plain | undefined): TranscriptToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((call) => {
    if (!isObject(call)) return [];
    const fn = isObject(call.function) ? call.function : call;
    return [{ name: stringOf(fn.name) ?? '', arguments: jsonText(fn.arguments ?? null) }];
  });
}

/**
 * Flattened messages: Traceloop `gen_ai.prompt.0.role`/`.content`/`.tool_call_id`/`.tool_calls.0.name`/`.arguments`,
 * OpenInference `llm.input_messages.0.message.role`/`.content`/`.tool_call_id`/`.tool_calls.0.tool_call.function.name`.
 */
function indexed(
  attributes: AttributeMap,
  prefix: string,
  infix: string,
  fallback: TranscriptRole = 'user',
): TranscriptMessage[] {
  const messages: TranscriptMessage[] = [];
  const openInference = infix !== '';
  for (let index = 0; ; index++) {
    const base = `${prefix}${index}.${infix}`;
    const role = readString(attributes, `${base}role`);
    const content = readString(attributes, `${base}content`) ?? contentsText(attributes, base);
    const toolCalls: TranscriptToolCall[] = [];
    for (let call = 0; ; call++) {
      const callBase = openInference ? `${base}tool_calls.${call}.tool_call.function.` : `${base}tool_calls.${call}.`;
      const name = readString(attributes, `${callBase}name`);
      if (name === undefined) break;
      toolCalls.push({ name, arguments: readString(attributes, `${callBase}arguments`) ?? '' });
    }
    if (role === undefined && content === undefined && toolCalls.length === 0) return messages;
    const normal = normalRole(role, fallback);
    const toolCallId = normal === 'tool' ? readString(attributes, `${base}tool_call_id`) : undefined;
    messages.push(withOptional({ role: normal, text: content ?? '' }, toolCalls, toolCallId));
  }
}

/** OpenInference multi-part content: `llm.input_messages.0.message.contents.0.message_content.text`. */
function contentsText(attributes: AttributeMap, base: string): string | undefined {
  const texts: string[] = [];
  for (let index = 0; ; index++) {
    const key = `${base}contents.${index}.message_content.`;
    const type = readString(attributes, `${key}type`);
    const text = readString(attributes, `${key}text`);
    if (type === undefined && text === undefined) break;
    if (text !== undefined) texts.push(text);
  }
  return texts.length === 0 ? undefined : texts.join('\n');
}

/** Vercel AI SDK wrapper spans: `ai.prompt` is `{ system?, prompt?, messages? }` as JSON, or a plain prompt string. */
function vercelPrompt(value: Plain | undefined): TranscriptMessage[] {
  if (!isObject(value)) return typeof value === 'string' ? messageList(value) : [];
  const system = stringOf(value.system);
  const prompt = stringOf(value.prompt);
  return [
    ...(system === undefined ? [] : [{ role: 'system' as const, text: system }]),
    ...(prompt === undefined ? [] : [{ role: 'user' as const, text: prompt }]),
    ...messageList(value.messages ?? null),
  ];
}

/** Vercel AI SDK: `ai.response.text` and `ai.response.toolCalls` (JSON `[{toolCallId, toolName, args|input}]`). */
function vercelResponse(span: Span): TranscriptMessage[] {
  const text = readString(span.attributes, 'ai.response.text') ?? '';
  const calls = toPlain(span.attributes.get('ai.response.toolCalls'));
  const toolCalls = Array.isArray(calls)
    ? calls.flatMap((call) =>
        isObject(call)
          ? [{ name: stringOf(call.toolName) ?? '', arguments: jsonText(call.args ?? call.input ?? null) }]
          : [],
      )
    : [];
  if (text === '' && toolCalls.length === 0) return [];
  return [withOptional({ role: 'assistant', text }, toolCalls, undefined)];
}

/** OTel ≤ 1.27: span events `gen_ai.content.prompt`/`.completion` whose attribute holds OpenAI-format JSON or text. */
function eventMessages(
  events: readonly ContentEvent[],
  eventName: string,
  attribute: string,
  fallback: TranscriptRole = 'user',
): TranscriptMessage[] {
  return events
    .filter((event) => event.name === eventName)
    .flatMap((event) => messageList(toPlain(event.attributes.get(attribute)), fallback));
}

function withOptional(
  message: { role: TranscriptRole; text: string },
  toolCalls: readonly TranscriptToolCall[],
  toolCallId: string | undefined,
): TranscriptMessage {
  return {
    ...message,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(toolCallId !== undefined ? { toolCallId } : {}),
  };
}

function stringOf(value: Plain | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Strings as they are; anything structured as JSON. */
function jsonText(value: Plain): string {
  if (typeof value === 'string') return value;
  return value === null ? '' : JSON.stringify(value);
}

/** Attribute values as plain JSON-like data; JSON strings (the usual encoding of structured content) are parsed. */
function toPlain(value: AttributeValue | undefined): Plain | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        return JSON.parse(trimmed) as Plain;
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => toPlain(item) ?? null);
  if (value instanceof Map) {
    const object: PlainObject = {};
    for (const [key, item] of value) object[key] = toPlain(item) ?? null;
    return object;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return null;
  return value;
}

function isObject(value: Plain | undefined): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
