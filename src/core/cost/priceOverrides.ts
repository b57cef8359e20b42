/**
 * The user's own prices (`aiTraceLens.prices`), which win over the price table: for a model the table lacks, a
 * negotiated rate, or a self-hosted model. Each entry names a model pattern, optionally a provider, and prices in USD
 * per million tokens. As in forwardSettings.ts, an invalid entry is dropped with a problem message the host logs.
 */
import type { CallTokens } from './prices';

export interface PriceOverride {
  /** A glob over the whole model name, case-insensitive: `*` any characters, `?` one. */
  readonly model: string;
  /** The span's provider (`openai`, `gcp.vertex_ai`…), case-insensitive; undefined for any. */
  readonly provider: string | undefined;
  readonly input: number;
  readonly output: number;
  /** Undefined: cache reads and writes cost the input price. */
  readonly cacheRead: number | undefined;
  readonly cacheWrite: number | undefined;
  readonly pattern: RegExp;
}

const PRICE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

export function parsePriceOverrides(value: unknown): { overrides: PriceOverride[]; problems: string[] } {
  if (value === undefined || value === null) return { overrides: [], problems: [] };
  if (!Array.isArray(value)) {
    return { overrides: [], problems: [`aiTraceLens.prices must be a list, got ${JSON.stringify(value)}; ignored.`] };
  }
  const overrides: PriceOverride[] = [];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    const problem = entryProblem(entry);
    if (problem !== undefined) {
      problems.push(`aiTraceLens.prices[${index}] ${problem}, got ${JSON.stringify(entry)}; ignored.`);
      return;
    }
    const valid = entry as Record<string, unknown>;
    const model = valid.model as string;
    overrides.push({
      model,
      provider: valid.provider as string | undefined,
      input: valid.input as number,
      output: valid.output as number,
      cacheRead: valid.cacheRead as number | undefined,
      cacheWrite: valid.cacheWrite as number | undefined,
      pattern: globPattern(model),
    });
  });
  return { overrides, problems };
}

/** What is wrong with an entry, undefined when nothing is. */
function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'must be an object';
  const fields = entry as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model.trim() === '') return 'needs a model pattern';
  if (fields.provider !== undefined && (typeof fields.provider !== 'string' || fields.provider === '')) {
    return 'has a provider that is not a name';
  }
  for (const field of PRICE_FIELDS) {
    const price = fields[field];
    const required = field === 'input' || field === 'output';
    if (price === undefined && !required) continue;
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      return `needs ${field} as a price in USD per million tokens (a number ≥ 0)`;
    }
  }
  return undefined;
}

function globPattern(glob: string): RegExp {
  const source = glob
    .trim()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

/** The first override, in the setting's order, for this model and provider. */
export function findOverride(
  overrides: readonly PriceOverride[],
  model: string,
  provider: string | undefined,
): PriceOverride | undefined {
  return overrides.find(
    (override) =>
      override.pattern.test(model) &&
      (override.provider === undefined || override.provider.toLowerCase() === provider?.toLowerCase()),
  );
}

/** A call's price in USD at an override's rates; cached input is billed at its own rate instead of the input one. */
export function overridePrice(override: PriceOverride, tokens: CallTokens): number {
  const uncached = Math.max(0, tokens.input - tokens.cacheRead - tokens.cacheWrite);
  const perMillion =
    uncached * override.input +
    tokens.cacheRead * (override.cacheRead ?? override.input) +
    tokens.cacheWrite * (override.cacheWrite ?? override.input) +
    tokens.output * override.output;
  return perMillion / 1_000_000;
}
