/**
 * Prices of model calls: the bundled table (cached, reasoning and tiered prices, provider names as OTel spells them),
 * the user's overrides, and calls the table cannot price. Expected figures are the providers' list prices in USD per
 * million tokens, written out in each case.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parsePriceOverrides, type PriceOverride } from '../../src/core/cost/priceOverrides';
import { PRICE_DATA, tablePrice } from '../../src/core/cost/prices';
import { priceSpan } from '../../src/core/cost/spanCost';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import type { SpanCost } from '../../src/shared/cost';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

const M = 1_000_000;

/** An OTel GenAI chat call; `tokens` maps usage attribute suffixes to counts. */
function chat(provider: string | undefined, model: string, usage: PlainAttributes, extra: PlainAttributes = {}) {
  const attributes: PlainAttributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, ...extra };
  if (provider !== undefined) attributes['gen_ai.provider.name'] = provider;
  for (const [key, count] of Object.entries(usage)) attributes[`gen_ai.usage.${key}`] = count;
  return analyzeSpan(makeSpan({ name: `chat ${model}`, attributes }));
}

interface Case {
  title: string;
  ai: AiSpanInfo;
  overrides?: readonly PriceOverride[];
  /** USD, or how the call reads when it has no price. */
  expected: number | 'unpriced' | undefined;
  estimated?: boolean;
}

const overrides = (entries: unknown[]) => {
  const parsed = parsePriceOverrides(entries);
  assert.deepEqual(parsed.problems, []);
  return parsed.overrides;
};

const CASES: Case[] = [
  {
    title: 'plain: gpt-4o at $2.50 in, $10 out',
    ai: chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: M }),
    expected: 2.5 + 10,
  },
  {
    title: 'cached: half the input read from the cache at $1.25',
    ai: chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: 0, 'cache_read.input_tokens': M / 2 }),
    expected: 0.5 * 2.5 + 0.5 * 1.25,
  },
  {
    title: 'cache write: claude-sonnet-4 writes a quarter of its input at $3.75, reads a quarter at $0.30, input $3',
    ai: chat('anthropic', 'claude-sonnet-4-20250514', {
      input_tokens: M,
      output_tokens: 0,
      'cache_read.input_tokens': 250_000,
      'cache_creation.input_tokens': 250_000,
    }),
    expected: 0.5 * 3 + 0.25 * 0.3 + 0.25 * 3.75,
  },
  {
    title: 'cache write as OpenLLMetry spells it, the same price',
    ai: chat('anthropic', 'claude-sonnet-4-20250514', {
      input_tokens: M,
      output_tokens: 0,
      cache_read_input_tokens: 250_000,
      cache_creation_input_tokens: 250_000,
    }),
    expected: 0.5 * 3 + 0.25 * 0.3 + 0.25 * 3.75,
  },
  {
    title: 'reasoning billed as output: o3 at $8 out, whatever part is reasoning',
    ai: chat('openai', 'o3', { input_tokens: 0, output_tokens: M, 'reasoning.output_tokens': 800_000 }),
    expected: 8,
  },
  {
    title: 'reasoning priced apart: sonar-deep-research at $8 out, $3 for its reasoning',
    ai: chat('perplexity', 'sonar-deep-research', { input_tokens: 0, output_tokens: M, reasoning_tokens: M / 2 }),
    expected: 0.5 * 8 + 0.5 * 3,
  },
  {
    title: 'tiered: gemini-2.5-pro under 200k prompt tokens at $1.25 in',
    ai: chat('gcp.gemini', 'gemini-2.5-pro', { input_tokens: 100_000, output_tokens: 0 }),
    expected: 0.1 * 1.25,
  },
  {
    title: 'tiered: gemini-2.5-pro past 200k prompt tokens at $2.50 in and $15 out for the whole call',
    ai: chat('gcp.vertex_ai', 'gemini-2.5-pro', { input_tokens: 300_000, output_tokens: 10_000 }),
    expected: 0.3 * 2.5 + 0.01 * 15,
  },
  {
    title: 'the response model (a dated version) is priced as its model',
    ai: chat(
      'openai',
      'gpt-4o',
      { input_tokens: M, output_tokens: 0 },
      { 'gen_ai.response.model': 'gpt-4o-2024-08-06' },
    ),
    expected: 2.5,
  },
  {
    title: 'a response model without a price falls back to the request model',
    ai: chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: 0 }, { 'gen_ai.response.model': 'ft:custom:xyz' }),
    expected: 2.5,
  },
  {
    title: 'no provider: the model name alone finds the price',
    ai: chat(undefined, 'claude-3-5-haiku-20241022', { input_tokens: M, output_tokens: M }),
    expected: 0.8 + 4,
  },
  {
    title: 'embedding: text-embedding-3-small at $0.02',
    ai: analyzeSpan(
      makeSpan({
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': M,
        },
      }),
    ),
    expected: 0.02,
  },
  {
    title: 'estimated tokens: the cost is marked as an estimate',
    ai: { ...chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: 0 }), tokensEstimated: true },
    expected: 2.5,
    estimated: true,
  },
  {
    title: 'unpriced: a model the table does not know',
    ai: chat('openai', 'in-house-7b', { input_tokens: 100, output_tokens: 10 }),
    expected: 'unpriced',
  },
  {
    title: "unpriced: a provider the table does not know, though other providers' tables list the model",
    ai: chat('ollama', 'llama-3.1-8b-instant', { input_tokens: 100, output_tokens: 10 }),
    expected: 'unpriced',
  },
  {
    title: 'no cost: a model call without token counts',
    ai: chat('openai', 'gpt-4o', {}),
    expected: undefined,
  },
  {
    title: 'no cost: not a model call',
    ai: analyzeSpan(makeSpan({ attributes: { 'gen_ai.tool.name': 'search', 'gen_ai.usage.input_tokens': 5 } })),
    expected: undefined,
  },
  {
    title: 'override wins over the table',
    ai: chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: M }),
    overrides: overrides([{ model: 'gpt-4o', input: 1, output: 2 }]),
    expected: 1 + 2,
  },
  {
    title: 'override prices an unpriced model by glob, cache reads at their own rate',
    ai: chat('ollama', 'in-house-7b-q4', { input_tokens: M, output_tokens: 0, 'cache_read.input_tokens': M / 4 }),
    overrides: overrides([{ model: 'IN-HOUSE-?b*', input: 0.4, output: 1, cacheRead: 0.1 }]),
    expected: 0.75 * 0.4 + 0.25 * 0.1,
  },
  {
    title: 'override: the first matching entry wins; a glob matches the whole name',
    ai: chat('openai', 'gpt-4o-mini', { input_tokens: M, output_tokens: 0 }),
    overrides: overrides([
      { model: 'gpt-4o', input: 9, output: 9 },
      { model: 'gpt-4o*', input: 3, output: 3 },
      { model: '*', input: 7, output: 7 },
    ]),
    expected: 3,
  },
  {
    title: "override for another provider leaves the call to the table's price",
    ai: chat('openai', 'gpt-4o', { input_tokens: M, output_tokens: 0 }),
    overrides: overrides([{ model: 'gpt-4o*', provider: 'azure.ai.openai', input: 1, output: 1 }]),
    expected: 2.5,
  },
  {
    title: 'override for this provider, named in another case',
    ai: chat('azure.ai.openai', 'gpt-4o', { input_tokens: M, output_tokens: 0 }),
    overrides: overrides([{ model: 'gpt-4o*', provider: 'Azure.AI.OpenAI', input: 1, output: 1 }]),
    expected: 1,
  },
];

const TOLERANCE = 1e-9;

function assertCost(actual: SpanCost | undefined, { expected, estimated = false }: Case): void {
  if (typeof expected !== 'number') return assert.equal(actual, expected);
  assert.ok(typeof actual === 'object', `priced, got ${JSON.stringify(actual)}`);
  assert.ok(Math.abs(actual.usd - expected) < TOLERANCE, `${actual.usd} ≠ ${expected}`);
  assert.equal(actual.estimated, estimated);
}

describe('priceSpan', () => {
  for (const c of CASES) test(c.title, () => assertCost(priceSpan(c.ai, c.overrides), c));
});

describe('tablePrice', () => {
  test('cache writes at their own rate: claude-sonnet-4 writes at $3.75, reads at $0.30, input $3', () => {
    const tokens = { input: M, output: 0, cacheRead: 250_000, cacheWrite: 250_000, reasoning: 0 };
    const usd = tablePrice(tokens, 'claude-sonnet-4-20250514', 'anthropic')!;
    assert.ok(Math.abs(usd - (0.5 * 3 + 0.25 * 0.3 + 0.25 * 3.75)) < TOLERANCE, String(usd));
  });

  test('counts that do not add up (cache reads over the input) are priced, not thrown', () => {
    const tokens = { input: 10, output: 5, cacheRead: 100, cacheWrite: 0, reasoning: 50 };
    assert.equal(typeof tablePrice(tokens, 'gpt-4o', 'openai'), 'number');
  });

  test('PRICE_DATA names the installed version of the table, so its date is that version’s', () => {
    const installed = JSON.parse(
      readFileSync(join(dirname(require.resolve('@pydantic/genai-prices')), '../package.json'), 'utf8'),
    ) as {
      version: string;
    };
    assert.equal(PRICE_DATA.version, installed.version);
    assert.match(PRICE_DATA.date, /^\d{4}-\d{2}-\d{2}$/);
  });
});
