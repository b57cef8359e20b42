/**
 * A model call's price from the maintained price table (genai-prices, MIT): per provider and model, with cache read
 * and write rates and tiered prices (a price that rises past a prompt size), as the provider bills them. Works offline
 * from the table's bundled data; PRICE_DATA says which.
 */
type PriceTable = typeof import('./priceTable');

/** Where prices come from and how recent they are, for the UI; a test keeps `version` equal to the installed one. */
export const PRICE_DATA = {
  source: '@pydantic/genai-prices',
  version: '0.1.8',
  /** The day that version was published: its prices are those known then. */
  date: '2026-09-23',
} as const;

/** A call's token counts. `input` includes the cache reads and writes and `output` the reasoning, as OTel counts. */
export interface CallTokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** OTel's provider names (`gen_ai.provider.name`) where the table spells them otherwise. */
const TABLE_PROVIDER_IDS = new Map([
  ['gcp.gemini', 'google'],
  ['gcp.vertex_ai', 'google'],
  ['gcp.gen_ai', 'google'],
  ['aws.bedrock', 'aws'],
  ['azure.ai.openai', 'azure'],
  ['azure.ai.inference', 'azure'],
  ['x_ai', 'x-ai'],
  ['mistral_ai', 'mistral'],
]);

let table: PriceTable | undefined;

/** Loads the table on the first call priced: synchronously, since prices are read while spans are described. */
function priceTable(): PriceTable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded on demand (build.mjs)
  table ??= require('./priceTable') as PriceTable;
  return table;
}

/** Table provider ids by span provider name; null for a provider the table does not know (Ollama, vLLM…). */
const providerIds = new Map<string, string | null>();

function tableProviderId(provider: string): string | null {
  let id = providerIds.get(provider);
  if (id === undefined) {
    const name = provider.toLowerCase();
    id = priceTable().findProvider({ providerId: TABLE_PROVIDER_IDS.get(name) ?? name })?.id ?? null;
    providerIds.set(provider, id);
  }
  return id;
}

type TableProvider = NonNullable<ReturnType<PriceTable['findProvider']>>;

/**
 * By provider and model: the provider narrowed to the one model entry that prices it, or null when none does. Finding
 * the entry is most of the table's work (some 10 µs a call); with it, pricing a call is a few multiplications.
 */
const entries = new Map<string, TableProvider | null>();
/** Model names come from spans: a bound on the cache, which forgets all past it. */
const MAX_ENTRIES = 1000;

function tableEntry(model: string, providerId: string | undefined): TableProvider | null {
  const key = `${providerId ?? ''}\0${model}`;
  let entry = entries.get(key);
  if (entry === undefined) {
    const found = priceTable().calcPrice({}, model, { providerId });
    entry = found === null ? null : { ...found.provider, models: [found.model] };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, entry);
  }
  return entry;
}

/** Whether the table has a price for `model` (at `provider`, when given): map look-ups once the entry is known. */
export function hasTablePrice(model: string, provider: string | undefined): boolean {
  const providerId = provider === undefined ? undefined : tableProviderId(provider);
  return providerId !== null && tableEntry(model, providerId) !== null;
}

/**
 * The table's price of a call in USD; undefined when it has no price for the model, or does not know the provider
 * (a local server's model is not billed at a cloud's price). Without a provider, the model name alone decides.
 */
export function tablePrice(tokens: CallTokens, model: string, provider: string | undefined): number | undefined {
  const providerId = provider === undefined ? undefined : tableProviderId(provider);
  if (providerId === null) return undefined;
  // The cache and reasoning counts are parts of the totals: the table rejects parts larger than their whole.
  const input = Math.max(tokens.input, tokens.cacheRead + tokens.cacheWrite);
  const output = Math.max(tokens.output, tokens.reasoning);
  const usage = {
    input_tokens: input,
    cache_read_tokens: tokens.cacheRead,
    cache_write_tokens: tokens.cacheWrite,
    output_tokens: output,
    output_reasoning_tokens: tokens.reasoning,
  };
  try {
    const entry = tableEntry(model, providerId);
    return entry === null ? undefined : priceTable().calcPrice(usage, model, { provider: entry })?.total_price;
  } catch {
    // A price entry the calculator cannot apply (its data is checked when used): no price rather than a wrong one.
    return undefined;
  }
}
