/**
 * Runs the SDK apps (apps/sdk-*.js) against a FakeUpstreams server and types what they print: the tests of the fakes'
 * wire formats here, and the gateway tests later with the gateway's URLs in `env` instead.
 */
import type { FakeUpstreams, FakeUsage } from '../support/fakeUpstreams';
import { runAppOutput } from './harness';

/** What an app reports for one scenario (see apps/sdk-scenarios.js). */
export interface ScenarioOutput {
  text?: string;
  /** Responses API and Anthropic streams: the text as the deltas brought it (`text` is the rebuilt message's). */
  streamedText?: string;
  reasoning?: string;
  toolCalls?: { id?: string; name: string; arguments: string }[];
  /** The SDK's own usage object; null when a stream carried none. */
  usage?: Record<string, unknown> | null;
  finishReason?: string;
  model?: string;
  /** Embeddings: how many vectors, of how many dimensions. */
  count?: number;
  dimensions?: number;
  error?: { name: string; status?: number; message: string };
}

export const API_KEYS = {
  OPENAI_API_KEY: 'sk-fake-openai-key-0001',
  ANTHROPIC_API_KEY: 'sk-ant-fake-anthropic-key-0001',
  GEMINI_API_KEY: 'fake-gemini-key-0001',
};

export const SDK_APPS = ['sdk-openai.js', 'sdk-anthropic.js', 'sdk-gemini.js', 'sdk-ollama.js', 'sdk-ai.js'] as const;
export type SdkApp = (typeof SDK_APPS)[number];

/**
 * Runs `app` (its scenarios named in `scenarios`, or all) with every SDK pointed at `fake`. The ai SDK's Anthropic
 * provider takes a base URL that ends in /v1 (its default is https://api.anthropic.com/v1), so it gets one.
 */
export async function runSdkApp(
  app: SdkApp,
  fake: FakeUpstreams,
  env: Record<string, string> = {},
): Promise<Record<string, ScenarioOutput>> {
  const urls = fake.sdkEnv();
  if (app === 'sdk-ai.js') urls.ANTHROPIC_BASE_URL += '/v1';
  return (await runAppOutput(app, { ...urls, ...API_KEYS, ...env })) as Record<string, ScenarioOutput>;
}

/** The usage fields each SDK reports for a chat-like call, mapped from the script's OTel-sense usage. */
export const reportedUsage = {
  openaiChat: (usage: FakeUsage) => ({
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    cached_tokens: usage.cacheReadTokens,
    reasoning_tokens: usage.reasoningTokens,
  }),
  openaiResponses: (usage: FakeUsage) => ({
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cached_tokens: usage.cacheReadTokens,
    reasoning_tokens: usage.reasoningTokens,
  }),
  anthropic: (usage: FakeUsage) => ({
    input_tokens: usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    output_tokens: usage.outputTokens,
  }),
  gemini: (usage: FakeUsage) => ({
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - usage.reasoningTokens,
    cachedContentTokenCount: usage.cacheReadTokens,
    thoughtsTokenCount: usage.reasoningTokens,
  }),
  ollama: (usage: FakeUsage) => ({ prompt_eval_count: usage.inputTokens, eval_count: usage.outputTokens }),
  ai: (usage: FakeUsage) => ({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }),
};

/**
 * The fields of `expected` as found in `usage`, searched through nested objects (`prompt_tokens_details.cached_tokens`),
 * so a test compares the numbers wherever the SDK nests them. Absent fields read as 0, as providers leave out zeros.
 */
export function usageFields(
  usage: Record<string, unknown> | null | undefined,
  expected: Record<string, number>,
): Record<string, number> {
  const find = (value: unknown, key: string): number | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    if (typeof record[key] === 'number') return record[key];
    for (const [name, inner] of Object.entries(record)) {
      if (name === 'raw') continue;
      const found = find(inner, key);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return Object.fromEntries(Object.keys(expected).map((key) => [key, find(usage, key) ?? 0]));
}
