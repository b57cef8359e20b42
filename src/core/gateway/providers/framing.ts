/**
 * Response framing shared by the providers: bytes in, one complete piece of text out at a time. SSE events (OpenAI,
 * Anthropic, Gemini `alt=sse`), NDJSON lines (Ollama), the elements of a streamed JSON array (Gemini without
 * `alt=sse`) and whole JSON bodies. Chunks can split anywhere, even inside a UTF-8 character, so each framer decodes
 * with a streaming TextDecoder. Each holds at most `MAX_RECORDED_BYTES` of pending text: past it recording stops,
 * while the gateway keeps passing the bytes on.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ResponseReader, ResponseSink } from '../wire';
import { isObject, parseJson } from './jsonFields';

/** The most a framer buffers of one event, line or body before it gives up recording. */
export const MAX_RECORDED_BYTES = 16 * 1024 * 1024;

const STREAM = { stream: true } as const;

/** SSE events' data, in order, with the `event:` name when the server gave one. */
export function sseReader(onEvent: (data: string, event: string | undefined) => void): ResponseReader {
  const decoder = new TextDecoder();
  let stopped = false;
  const parser = createParser({
    maxBufferSize: MAX_RECORDED_BYTES,
    onEvent: (message: EventSourceMessage) => onEvent(message.data, message.event),
    onError: (error) => {
      // Past the buffer cap the parser throws on every later feed.
      if (error.type === 'max-buffer-size-exceeded') stopped = true;
    },
  });
  return {
    push(chunk) {
      if (!stopped) parser.feed(decoder.decode(chunk, STREAM));
    },
    // An event the server did not end with a blank line is dropped, as the SSE spec and the SDKs' readers do.
    end() {},
  };
}

/** Newline-delimited lines, without their `\n` or `\r\n`; blank lines are skipped. */
export function ndjsonReader(onLine: (line: string) => void): ResponseReader {
  const decoder = new TextDecoder();
  let pending = '';
  let stopped = false;
  const lines = (text: string): void => {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      emitLine(text, start, newline, onLine);
      start = newline + 1;
    }
    pending = start === 0 ? text : text.slice(start);
    if (pending.length > MAX_RECORDED_BYTES) {
      stopped = true;
      pending = '';
    }
  };
  return {
    push(chunk) {
      if (!stopped) lines(pending + decoder.decode(chunk, STREAM));
    },
    end() {
      if (stopped) return;
      const rest = pending + decoder.decode();
      pending = '';
      emitLine(rest, 0, rest.length, onLine);
    },
  };
}

function emitLine(text: string, start: number, end: number, onLine: (line: string) => void): void {
  const last = end > start && text.charCodeAt(end - 1) === 13 /* \r */ ? end - 1 : end;
  if (last > start) onLine(text.slice(start, last));
}

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The objects of a JSON array streamed a piece at a time (Gemini's `streamGenerateContent` without `alt=sse`:
 * `[{…}\n,\r\n{…}\n]`), each as soon as its closing brace arrives; a body that is one object gives that object.
 */
export function jsonArrayReader(onElement: (text: string) => void): ResponseReader {
  const decoder = new TextDecoder();
  let depth = 0;
  let inArray = false;
  let inString = false;
  let escaped = false;
  /** The element read so far from earlier chunks. */
  let carried = '';
  let stopped = false;
  const scan = (text: string): void => {
    // An element still open from the last chunk goes on from this chunk's first character.
    let start = depth > (inArray ? 1 : 0) ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (code === BACKSLASH) escaped = true;
        else if (code === QUOTE) inString = false;
      } else if (code === QUOTE) {
        inString = true;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (depth === 0 && code === OPEN_BRACKET) inArray = true;
        else if (depth === (inArray ? 1 : 0)) start = i;
        depth++;
      } else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && depth > 0) {
        depth--;
        if (start >= 0 && depth === (inArray ? 1 : 0)) {
          onElement(carried + text.slice(start, i + 1));
          carried = '';
          start = -1;
        }
      }
    }
    if (start >= 0) carried += text.slice(start);
    if (carried.length > MAX_RECORDED_BYTES) {
      stopped = true;
      carried = '';
    }
  };
  return {
    push(chunk) {
      if (!stopped) scan(decoder.decode(chunk, STREAM));
    },
    end() {
      if (!stopped) scan(decoder.decode());
    },
  };
}

/** The whole body as text, once it has all arrived; nothing when it grew past `maxBytes`. */
export function wholeBodyReader(onBody: (text: string) => void, maxBytes = MAX_RECORDED_BYTES): ResponseReader {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    push(chunk) {
      if (size > maxBytes) return;
      size += chunk.byteLength;
      if (size > maxBytes) chunks.length = 0;
      else chunks.push(chunk);
    },
    end() {
      if (size <= maxBytes) onBody(new TextDecoder().decode(Buffer.concat(chunks, size)));
    },
  };
}

/** What a provider reads from its error body: the error's type in its own words, and its message. */
export interface ProviderError {
  type: string;
  message: string;
}

/** The longest message kept from an error body that is not the provider's JSON (an HTML page from a proxy). */
const MAX_ERROR_TEXT = 500;

/**
 * The reader of a non-2xx answer: its JSON error body in the provider's shape reports `sink.error`; a body of
 * another shape reports the status as the type and the start of its text as the message.
 */
export function errorBodyReader(
  status: number,
  sink: ResponseSink,
  readError: (body: unknown) => ProviderError | undefined,
): ResponseReader {
  return wholeBodyReader((text) => {
    const body = parseJson(text);
    const error = body === undefined ? undefined : readError(Array.isArray(body) ? body[0] : body);
    if (error) sink.error(error.type, error.message);
    else sink.error(String(status), text.trim().slice(0, MAX_ERROR_TEXT));
  });
}

/** A JSON event handler for a framer: text that is not JSON, or not an object, is skipped. */
export function jsonObjects(handle: (event: Record<string, unknown>) => void): (text: string) => void {
  return (text) => {
    const event = parseJson(text);
    if (isObject(event)) handle(event);
  };
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
