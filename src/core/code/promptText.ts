/**
 * The system prompt and first user message of an LLM span, from whichever convention carried them, and the pieces
 * of that text most likely to appear verbatim in the source that defines the prompt.
 */
import type { Span } from '../model';
import { extractInputMessages } from '../transcript';

export interface PromptText {
  role: 'system' | 'user';
  text: string;
}

/** The system instructions, then the first user message, from whichever convention recorded the input messages. */
export function promptTexts(span: Span): PromptText[] {
  const messages = extractInputMessages(span).filter((message) => message.text.trim() !== '');
  const system = messages.filter((message) => message.role === 'system');
  const firstUser = messages.find((message) => message.role === 'user');
  return [...system, ...(firstUser === undefined ? [] : [firstUser])].map(({ role, text }) => ({
    role: role as PromptText['role'],
    text,
  }));
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
