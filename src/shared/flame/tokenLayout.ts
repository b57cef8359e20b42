/**
 * The flame chart's token mode ("where do the tokens go?"): x and width in tokens instead of milliseconds.
 *
 * An llm or embedding bar is as wide as its input + output tokens; every other bar spans the tokens of its
 * descendants. A bar that has tokens of its own and descendants that have some too (a Vercel AI `generateText` span
 * around its `doGenerate` call reports the same usage twice) takes the larger of the two rather than the sum, so
 * repeated usage is not counted twice. Children are laid side by side from their parent's left edge in start order,
 * and spans without tokens have zero width and are left out of the levels.
 */
import { AI_KINDS } from '../aiKinds';
import { buildLevels, summarizeLevels, type FlameAxis, type FlameLayout } from './layout';

export interface TokenAxis extends FlameAxis {
  /** Left edge in tokens from the left of the chart. */
  readonly start: Float64Array;
  /** Width in tokens. */
  readonly duration: Float64Array;
  /** Width of the whole chart in tokens. */
  readonly totalTokens: number;
}

const LLM = AI_KINDS.indexOf('llm');
const EMBEDDING = AI_KINDS.indexOf('embedding');

/**
 * Each span's own tokens: input + output of llm and embedding spans (a count not reported counts as 0), 0 for every
 * other kind, since wrappers repeat their calls' usage.
 */
export function ownTokens(kind: Uint8Array, inputTokens: Float32Array, outputTokens: Float32Array): Float64Array {
  const tokens = new Float64Array(kind.length);
  for (let i = 0; i < kind.length; i++) {
    if (kind[i] === LLM || kind[i] === EMBEDDING) tokens[i] = (inputTokens[i]! || 0) + (outputTokens[i]! || 0);
  }
  return tokens;
}

/** `tokens` is `ownTokens` of the layout's spans. */
export function tokenLayout(layout: FlameLayout, tokens: Float64Array): TokenAxis {
  const { count, parent, depth } = layout;
  const width = new Float64Array(count);
  const childSum = new Float64Array(count);
  // Reverse pre-order visits every child before its parent.
  for (let i = count - 1; i >= 0; i--) {
    const own = Math.max(tokens[i]!, childSum[i]!);
    width[i] = own;
    const parentIndex = parent[i]!;
    if (parentIndex >= 0) childSum[parentIndex]! += own;
  }

  const x = new Float64Array(count);
  // Where the next child of each span goes; reuses childSum's storage, no longer needed.
  const cursor = childSum;
  let rootCursor = 0;
  for (let i = 0; i < count; i++) {
    const parentIndex = parent[i]!;
    if (parentIndex < 0) {
      x[i] = rootCursor;
      rootCursor += width[i]!;
    } else {
      x[i] = cursor[parentIndex]!;
      cursor[parentIndex]! += width[i]!;
    }
    cursor[i] = x[i]!;
  }

  const { levels, levelMaxEnd } = buildLevels(x, width, depth, count === 0 ? 0 : layout.maxDepth + 1, true);
  const { kind, flags } = layout;
  const summaries = summarizeLevels({ start: x, duration: width, kind, flags, levels }, rootCursor);
  return { start: x, duration: width, kind, flags, levels, levelMaxEnd, summaries, totalTokens: rootCursor };
}
