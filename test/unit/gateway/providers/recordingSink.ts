/**
 * Test helpers for the provider readers: a sink that records its calls in order, and a way to feed a response's
 * bytes in any chunking, so a test can show that where the chunks split (inside an event, a line or a UTF-8
 * character) changes nothing.
 */
import assert from 'node:assert/strict';
import type { ModelCall, ProviderWire, ResponseSink } from '../../../../src/core/gateway/wire';

/** One sink call: its name, then its arguments as passed (tool call pieces without their unset fields). */
export type SinkCall = readonly unknown[];

export function recordingSink(): { sink: ResponseSink; calls: SinkCall[] } {
  const calls: SinkCall[] = [];
  const sink: ResponseSink = {
    text: (...args) => calls.push(['text', ...args]),
    reasoning: (...args) => calls.push(['reasoning', ...args]),
    toolCall: (index, piece, ...rest) => {
      const set = Object.fromEntries(Object.entries(piece).filter(([, value]) => value !== undefined));
      calls.push(['toolCall', index, set, ...rest]);
    },
    usage: (...args) => calls.push(['usage', ...args]),
    responseModel: (...args) => calls.push(['responseModel', ...args]),
    responseId: (...args) => calls.push(['responseId', ...args]),
    finishReason: (...args) => calls.push(['finishReason', ...args]),
    error: (...args) => calls.push(['error', ...args]),
  };
  return { sink, calls };
}

const encoder = new TextEncoder();

/** The sink calls a provider's reader makes for a response whose body arrives as `chunks`. */
export function readResponse(
  wire: ProviderWire,
  call: ModelCall,
  status: number,
  mediaType: string,
  chunks: readonly (Uint8Array | string)[],
): SinkCall[] {
  const { sink, calls } = recordingSink();
  const reader = wire.responseReader(call, status, mediaType, sink);
  for (const chunk of chunks) reader.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  reader.end();
  return calls;
}

/**
 * Asserts that `body` read in one chunk, split in two at every byte, and fed one byte at a time gives `expected`
 * each time.
 */
export function assertEveryChunking(
  wire: ProviderWire,
  call: ModelCall,
  mediaType: string,
  body: string,
  expected: readonly SinkCall[],
): void {
  const bytes = encoder.encode(body);
  assert.deepEqual(readResponse(wire, call, 200, mediaType, [bytes]), expected, 'in one chunk');
  for (let split = 1; split < bytes.length; split++) {
    const chunks = [bytes.subarray(0, split), bytes.subarray(split)];
    assert.deepEqual(readResponse(wire, call, 200, mediaType, chunks), expected, `split at byte ${split}`);
  }
  const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(readResponse(wire, call, 200, mediaType, single), expected, 'one byte at a time');
}

/** The SSE text of events: each `data:` line (with its `event:` line when named), then a blank line. */
export function sse(events: readonly (object | string)[], named = false): string {
  return events
    .map((event) => {
      const data = typeof event === 'string' ? event : JSON.stringify(event);
      const type = named && typeof event === 'object' && 'type' in event ? `event: ${String(event.type)}\n` : '';
      return `${type}data: ${data}\n\n`;
    })
    .join('');
}

/** A request parsed by `wire`, failing the test when it is not a model call. */
export function modelCall(wire: ProviderWire, path: string, body: unknown, method = 'POST'): ModelCall {
  const call = wire.parseRequest(method, path, body);
  assert.ok(call, `${method} ${path} is a model call`);
  return call;
}
