/**
 * What the OpenAI scenario apps (apps/openai-scenarios.js, apps/langchain-openinference.js) do, and the fake model
 * server's answers to them: the known values the OpenAI and LangChain producer tests compare the store with.
 */
import assert from 'node:assert/strict';
import { DEFAULT_ANSWER, type FakeModelServerOptions } from '../support/fakeModelServer';
import type { ProducerRun } from './harness';

export const CHAT_MODEL = 'gpt-4o-mini';
export const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const REFUSAL = 'This prompt is refused';

const FIRST_CHUNK_DELAY_MS = 120;
const CHUNK_DELAY_MS = 15;

export const MODEL_OPTIONS: FakeModelServerOptions = {
  usage: { promptTokens: 31, completionTokens: 9, cachedTokens: 12 },
  responseModel: RESPONSE_MODEL,
  chunkCount: 4,
  firstChunkDelayMs: FIRST_CHUNK_DELAY_MS,
  chunkDelayMs: CHUNK_DELAY_MS,
  // The apps put this marker in the prompt of the one call meant to fail.
  failures: [{ marker: 'PLEASE-FAIL', status: 400, message: REFUSAL }],
};

/**
 * The least time a streamed answer takes: the first-chunk delay, then a gap before each later chunk (three more
 * text pieces, the finish chunk, the usage chunk). A span that covers the stream lasts at least this long.
 */
export const STREAM_MIN_MS = FIRST_CHUNK_DELAY_MS + 5 * CHUNK_DELAY_MS;

/** Timers fire no earlier than asked, but clocks are read at slightly different moments in each process. */
export const CLOCK_SLACK_MS = 5;

/** The instrumented app still got the fake server's answers: instrumentation did not change what the calls return. */
export function assertAppResults(run: ProducerRun): void {
  const results = run.output as Record<string, unknown>;
  assert.equal(results.chat, DEFAULT_ANSWER);
  assert.equal(results.stream, DEFAULT_ANSWER);
  assert.equal(results.embeddings, 2);
  assert.deepEqual(results.failure, { status: 400, message: `400 ${REFUSAL}` });
}
