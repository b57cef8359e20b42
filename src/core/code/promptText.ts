/**
 * The system prompt and first user message of an LLM span, from whichever convention carried them, and the pieces
 * of that text most likely to appear verbatim in the source that defines the prompt.
 */
import type { AttributeMap, AttributeValue, Span } from '../model';
import { readString } from '../semantics/attributes';

export interface PromptText {
  role: 'system' | 'user';
  text: string;
  /** The attribute it came from, for the UI. */
  attribute: string;
}

interface Message {
  role: string | undefined;
  text: string;
}

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** Message sources, in the order tried; the first that yields messages is used. */
const MESSAGE_SOURCES: readonly { attribute: string; read: (attributes: AttributeMap) => Message[] }[] = [
  { attribute: 'gen_ai.system_instructions', read: (a) => systemParts(a.get('gen_ai.system_instructions')) },
  { attribute: 'gen_ai.input.messages', read: (a) => messagesOf(toPlain(a.get('gen_ai.input.messages'))) },
  { attribute: 'ai.prompt.messages', read: (a) => messagesOf(toPlain(a.get('ai.prompt.messages'))) },
  { attribute: 'ai.prompt', read: (a) => messagesOf(toPlain(a.get('ai.prompt'))) },
  { attribute: 'gen_ai.prompt.0.content', read: (a) => indexedMessages(a, 'gen_ai.prompt.', '.role', '.content') },
  {
    attribute: 'llm.input_messages.0.message.content',
    read: (a) => indexedMessages(a, 'llm.input_messages.', '.message.role', '.message.content'),
  },
  { attribute: 'gen_ai.prompt', read: (a) => messagesOf(toPlain(a.get('gen_ai.prompt'))) },
];

/**
 * The system instructions, then the first user message. `gen_ai.system_instructions` is read together with
 * `gen_ai.input.messages` since OTel splits the two; other conventions put the system message among the messages.
 */
export function promptTexts(span: Span): PromptText[] {
  const texts: PromptText[] = [];
  let sawUser = false;
  for (const source of MESSAGE_SOURCES) {
    const messages = source.read(span.attributes).filter((message) => message.text.trim() !== '');
    for (const message of messages) {
      const role = normalRole(message.role);
      if (role === 'system') texts.push({ role, text: message.text, attribute: source.attribute });
      else if (role === 'user' && !sawUser) {
        texts.push({ role, text: message.text, attribute: source.attribute });
        sawUser = true;
      }
    }
    if (messages.length > 0 && source.attribute !== 'gen_ai.system_instructions') break;
  }
  return [...texts.filter((text) => text.role === 'system'), ...texts.filter((text) => text.role === 'user')];
}

function normalRole(role: string | undefined): 'system' | 'user' | undefined {
  const lower = role?.toLowerCase();
  if (lower === 'system' || lower === 'developer') return 'system';
  // A bare prompt string has no role: it is what the user asked.
  if (lower === undefined || lower === 'user' || lower === 'human') return 'user';
  return undefined;
}

function systemParts(value: AttributeValue | undefined): Message[] {
  const text = textOf(toPlain(value));
  return text === '' ? [] : [{ role: 'system', text }];
}

/** An OTel/OpenAI/Vercel message list, Vercel's `{ system, prompt, messages }`, or a bare prompt string. */
function messagesOf(value: Plain | undefined): Message[] {
  if (typeof value === 'string') return [{ role: undefined, text: value }];
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isObject(item)) return [];
      const role = typeof item.role === 'string' ? item.role : undefined;
      return [{ role, text: textOf(item.parts ?? item.content ?? item.text ?? null) }];
    });
  }
  if (isObject(value)) {
    const messages: Message[] = [];
    if (typeof value.system === 'string') messages.push({ role: 'system', text: value.system });
    if (typeof value.prompt === 'string') messages.push({ role: 'user', text: value.prompt });
    if (Array.isArray(value.messages)) messages.push(...messagesOf(value.messages));
    return messages;
  }
  return [];
}

/** Text of a string, of OTel parts (`{type:'text', content}`), of Vercel/OpenAI parts (`{type:'text', text}`). */
function textOf(content: Plain | undefined): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === 'string') return part;
        if (!isObject(part) || (part.type !== undefined && part.type !== 'text')) return '';
        const text = part.content ?? part.text;
        return typeof text === 'string' ? text : '';
      })
      .filter((text) => text !== '')
      .join('\n');
  }
  return '';
}

/** Traceloop `gen_ai.prompt.0.role`/`.content`, OpenInference `llm.input_messages.0.message.role`/`.content`. */
function indexedMessages(attributes: AttributeMap, prefix: string, roleSuffix: string, contentSuffix: string): Message[] {
  const messages: Message[] = [];
  for (let index = 0; ; index++) {
    const role = readString(attributes, `${prefix}${index}${roleSuffix}`);
    const content = readString(attributes, `${prefix}${index}${contentSuffix}`);
    if (role === undefined && content === undefined) return messages;
    messages.push({ role, text: content ?? '' });
  }
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
    const object: { [key: string]: Plain } = {};
    for (const [key, item] of value) object[key] = toPlain(item) ?? null;
    return object;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return null;
  return value;
}

function isObject(value: Plain | undefined): value is { [key: string]: Plain } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const MIN_PIECE = 20;
const MAX_PIECE = 80;
/**
 * Characters a source file spells differently (escaped quotes, `\n`) or that mark a template whose runtime text
 * differs from the source (`{city}`, `{{name}}`, `${x}`, `%s`).
 */
const UNSEARCHABLE = /["`\\{}]|%[sd(]|<<|>>/;

/**
 * Line-sized pieces of `text` to search for literally, best first: whole lines of 20–80 characters (a prompt kept
 * in a multi-line string or a file has them verbatim), then sentences of long lines (a long line is often wrapped or
 * concatenated in source), cut to 80 characters at a word boundary. Within each group the most distinctive come
 * first: most different words, then longest.
 */
export function distinctivePieces(text: string, limit: number): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => !UNSEARCHABLE.test(line));
  const whole = lines.filter((line) => line.length >= MIN_PIECE && line.length <= MAX_PIECE);
  const sentences = lines
    .filter((line) => line.length > MAX_PIECE)
    .flatMap((line) => line.split(/(?<=[.!?;:])\s+/))
    .map(cutAtWord)
    .filter((piece) => piece.length >= MIN_PIECE);
  const byDistinctiveness = (a: string, b: string) => distinctWords(b) - distinctWords(a) || b.length - a.length;
  return [...new Set([...whole.sort(byDistinctiveness), ...sentences.sort(byDistinctiveness)])].slice(0, limit);
}

function distinctWords(piece: string): number {
  return new Set(piece.toLowerCase().match(/[\p{L}\p{N}]+/gu)).size;
}

function cutAtWord(sentence: string): string {
  if (sentence.length <= MAX_PIECE) return sentence;
  const cut = sentence.slice(0, MAX_PIECE);
  const lastSpace = cut.lastIndexOf(' ');
  return lastSpace >= MIN_PIECE ? cut.slice(0, lastSpace) : cut;
}
