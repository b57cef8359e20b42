import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  jsonArrayReader,
  MAX_RECORDED_BYTES,
  ndjsonReader,
  sseReader,
  wholeBodyReader,
} from '../../../../src/core/gateway/providers/framing';
import type { ResponseReader } from '../../../../src/core/gateway/wire';

const encoder = new TextEncoder();

/** Pieces a reader reports for `text`, fed in one chunk, then split at every byte: each time the same. */
function framesAtEverySplit(make: (onFrame: (frame: string) => void) => ResponseReader, text: string): string[] {
  const bytes = encoder.encode(text);
  const read = (chunks: Uint8Array[]): string[] => {
    const frames: string[] = [];
    const reader = make((frame) => frames.push(frame));
    for (const chunk of chunks) reader.push(chunk);
    reader.end();
    return frames;
  };
  const whole = read([bytes]);
  for (let split = 1; split < bytes.length; split++) {
    assert.deepEqual(read([bytes.subarray(0, split), bytes.subarray(split)]), whole, `split at byte ${split}`);
  }
  return whole;
}

test('SSE: data of each event with its name, CRLF line ends, comments ignored, an unterminated last event dropped', () => {
  const events: [string, string | undefined][] = [];
  const frames = framesAtEverySplit(
    (onFrame) =>
      sseReader((data, event) => {
        events.push([data, event]);
        onFrame(data);
      }),
    ': keep-alive\r\nevent: ping\r\ndata: {"a":"é"}\r\n\r\ndata: {"b":\r\ndata: 2}\r\n\r\ndata: [DONE]',
  );
  assert.deepEqual(frames, ['{"a":"é"}', '{"b":\n2}']);
  assert.deepEqual(events.slice(0, 2), [
    ['{"a":"é"}', 'ping'],
    ['{"b":\n2}', undefined],
  ]);
});

test('SSE: an event past the buffer cap stops recording without throwing', () => {
  const frames: string[] = [];
  const reader = sseReader((data) => frames.push(data));
  reader.push(encoder.encode('data: 1\n\n'));
  reader.push(encoder.encode('data: ' + 'x'.repeat(MAX_RECORDED_BYTES + 1)));
  reader.push(encoder.encode('\n\ndata: 2\n\n'));
  reader.end();
  assert.deepEqual(frames, ['1']);
});

test('NDJSON: each line without its line end, blank lines skipped, a last line without a newline kept', () => {
  assert.deepEqual(framesAtEverySplit(ndjsonReader, '{"a":"ü"}\n\n{"b":2}\r\n{"c":"🌍"}'), [
    '{"a":"ü"}',
    '{"b":2}',
    '{"c":"🌍"}',
  ]);
});

test('JSON array: each element as its closing brace arrives, braces and quotes inside strings ignored', () => {
  const body = '[{\n  "t": "a {b} [c] \\"}\\" \\\\",\n  "n": [{"x": 1}]\n}\n,\r\n{"u": "ß"}\n]';
  assert.deepEqual(framesAtEverySplit(jsonArrayReader, body), [
    '{\n  "t": "a {b} [c] \\"}\\" \\\\",\n  "n": [{"x": 1}]\n}',
    '{"u": "ß"}',
  ]);
  assert.deepEqual(framesAtEverySplit(jsonArrayReader, '{"error": {"code": 400}}'), ['{"error": {"code": 400}}']);
});

test('JSON array: an element is reported before the array ends', () => {
  const frames: string[] = [];
  const reader = jsonArrayReader((frame) => frames.push(frame));
  reader.push(encoder.encode('[{"a":1}\n,\r\n{"b"'));
  assert.deepEqual(frames, ['{"a":1}']);
  reader.push(encoder.encode(':2}'));
  assert.deepEqual(frames, ['{"a":1}', '{"b":2}']);
});

test('whole body: the text at the end, nothing when it grew past the cap', () => {
  assert.deepEqual(framesAtEverySplit(wholeBodyReader, '{"k": "ça"}'), ['{"k": "ça"}']);
  const bodies: string[] = [];
  const capped = wholeBodyReader((text) => bodies.push(text), 8);
  capped.push(encoder.encode('12345'));
  capped.push(encoder.encode('6789'));
  capped.end();
  assert.deepEqual(bodies, []);
});
