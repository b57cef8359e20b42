/**
 * Which families of attribute keys a span carries (`gen_ai.*`, `llm.*`, `ai.*`, `mcp.*`…), found in one pass over its
 * keys, so that the analyzer reads only the keys of families the span has. The analyzer knows some eighty keys across
 * the conventions and runs on every ingested span and every span reloaded from the store; probing each with `Map.get`
 * cost half as much as decoding the span, while most spans (HTTP, database) carry none of them and an AI span carries
 * one or two conventions.
 *
 * Skipping never changes a result: a key is skipped only when the span has no key of its family, so not that key
 * either.
 * Every key the analyzer reads must belong to a family or be listed in `SINGLE_KEYS`: `keyList` and `familyBit` throw
 * otherwise, when the module that declares the key loads.
 */
import type { AttributeMap } from '../model';

/** One bit per family, so that a span's families are one number. */
const FAMILY_PREFIXES: readonly string[] = [
  'gen_ai.',
  'llm.',
  'ai.',
  'mcp.',
  'openinference.',
  'langsmith.',
  'traceloop.',
  'code.',
];

/** Keys outside the families: OpenInference's and Pydantic AI's own names, Logfire's JSON-RPC marker. */
const SINGLE_KEYS: readonly string[] = [
  'tool.name',
  'agent.name',
  'agent_name',
  'embedding.model_name',
  'reranker.model_name',
  'time_to_first_token_ms',
  'rpc.system',
];
/** They share one bit: spans rarely carry any of them. */
const SINGLE_KEY_BIT = 1 << FAMILY_PREFIXES.length;

interface Family {
  prefix: string;
  bit: number;
}

/** By the char code of a key's first character (ASCII only): the families it may belong to. */
const FAMILIES_BY_FIRST_CHAR: Family[][] = Array.from({ length: 128 }, () => []);
/** By first character: the bits of those families and of the single keys that start with it. Most keys (`http.*`,
 * `url.*`, `db.*`, `server.*`) are dismissed by this look-up alone, and so is every `gen_ai.*` key after the first. */
const POSSIBLE_BITS = new Int32Array(128);
const SINGLE_KEY_SET = new Set(SINGLE_KEYS);

FAMILY_PREFIXES.forEach((prefix, index) => {
  const first = prefix.charCodeAt(0);
  FAMILIES_BY_FIRST_CHAR[first]!.push({ prefix, bit: 1 << index });
  POSSIBLE_BITS[first]! |= 1 << index;
});
for (const key of SINGLE_KEYS) POSSIBLE_BITS[key.charCodeAt(0)]! |= SINGLE_KEY_BIT;

/** The family bit of `key`, whose first character code is `first` (< 128); 0 when the analyzer reads no key of its
 * family. */
function familyOf(key: string, first: number): number {
  for (const family of FAMILIES_BY_FIRST_CHAR[first]!) if (key.startsWith(family.prefix)) return family.bit;
  return SINGLE_KEY_SET.has(key) ? SINGLE_KEY_BIT : 0;
}

/** The families of the span's attribute keys, as bits. */
export function familiesOf(attributes: AttributeMap): number {
  let families = 0;
  for (const key of attributes.keys()) {
    const first = key.charCodeAt(0);
    // NaN (the empty key) and non-ASCII characters start no family.
    const possible = first < 128 ? POSSIBLE_BITS[first]! : 0;
    // Nothing to learn from a key whose possible families the span is already known to have.
    if ((families & possible) !== possible) families |= familyOf(key, first);
  }
  return families;
}

/** Every key given to `familyBit`: the tests check that each has an effect on its own. */
const READ_KEYS = new Set<string>();

/** The family bit of a key the analyzer reads; throws for a key no family covers, which would never be read. */
export function familyBit(key: string): number {
  const first = key.charCodeAt(0);
  const bit = first < 128 ? familyOf(key, first) : 0;
  if (bit === 0) throw new Error(`attribute key "${key}" belongs to no family of keyFamilies.ts`);
  READ_KEYS.add(key);
  return bit;
}

/** The attribute keys the analyzer reads through this module (all but the gateway's own). */
export function readKeys(): readonly string[] {
  return [...READ_KEYS];
}

/** Keys tried in order, each with its family bit, and all their families. */
export interface KeyList {
  readonly keys: readonly string[];
  readonly bits: readonly number[];
  readonly families: number;
}

export function keyList(keys: readonly string[]): KeyList {
  const bits = keys.map(familyBit);
  return { keys, bits, families: bits.reduce((all, bit) => all | bit, 0) };
}

/** The first key of `list` present in a span of `families` whose value `read` accepts. */
export function readFirstOf<T>(
  attributes: AttributeMap,
  families: number,
  list: KeyList,
  read: (attributes: AttributeMap, key: string) => T | undefined,
): T | undefined {
  if ((families & list.families) === 0) return undefined;
  const { keys, bits } = list;
  for (let index = 0; index < keys.length; index++) {
    if ((families & bits[index]!) === 0) continue;
    const value = read(attributes, keys[index]!);
    if (value !== undefined) return value;
  }
  return undefined;
}
