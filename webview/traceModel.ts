/**
 * One snapshot as the webview uses it: the decoded layout, the token axis (built on first use), span lookup by id, and
 * the tree moves of keyboard navigation.
 */
import { AI_KINDS, type AiKind } from '../src/shared/aiKinds';
import { FlameFlag, type FlameAxis, type FlameLayout } from '../src/shared/flame/layout';
import { callLabels } from '../src/shared/flame/labels';
import {
  decodeSnapshot,
  FigureFlag,
  spanIdAt,
  type DecodedSnapshot,
  type StringIndexes,
  type TraceSnapshot,
} from '../src/shared/flame/snapshot';
import { ownTokens, tokenLayout, type TokenAxis } from '../src/shared/flame/tokenLayout';
import { streamFiguresText } from '../src/shared/figures';
import { ESTIMATE_MARK, formatDuration, formatTokens } from '../src/shared/format';
import type { ChartMode } from './vscodeApi';

export class TraceModel {
  readonly layout: FlameLayout;
  readonly decoded: DecodedSnapshot;
  /** Built on the first lookup by id, off the path of the first paint. */
  private indexById: Map<string, number> | undefined;
  private tokens: TokenAxis | undefined;
  /** Each span's bar labels, built when its bar is first labelled. */
  private readonly labelCache: (readonly string[] | undefined)[] = [];

  constructor(readonly snapshot: TraceSnapshot) {
    this.decoded = decodeSnapshot(snapshot);
    this.layout = this.decoded.layout;
  }

  get traceId(): string {
    return this.snapshot.traceId;
  }

  get version(): number {
    return this.snapshot.version;
  }

  axis(mode: ChartMode): FlameAxis {
    return mode === 'time' ? this.layout : this.tokenAxis();
  }

  /** Width of the whole chart in the mode's units; at least 1 so that an empty or instant trace still has a scale. */
  extent(mode: ChartMode): number {
    const total = mode === 'time' ? this.layout.totalMs : this.tokenAxis().totalTokens;
    return total > 0 ? total : 1;
  }

  /** Token mode's axis, built the first time it is shown. */
  tokenAxis(): TokenAxis {
    const { layout, decoded } = this;
    this.tokens ??= tokenLayout(layout, ownTokens(layout.kind, decoded.inputTokens, decoded.outputTokens));
    return this.tokens;
  }

  indexOf(spanId: string | null): number {
    if (spanId === null) return -1;
    if (this.indexById === undefined) {
      this.indexById = new Map();
      for (let i = 0; i < this.layout.count; i++) this.indexById.set(this.spanId(i), i);
    }
    return this.indexById.get(spanId) ?? -1;
  }

  spanId(index: number): string {
    return spanIdAt(this.snapshot.spanIds, index);
  }

  name(index: number): string {
    return this.text(this.snapshot.columns.name, index);
  }

  /** Response model, else request model, else ''. */
  model(index: number): string {
    return this.text(this.snapshot.columns.model, index);
  }

  /** '' when the status has no message. */
  statusMessage(index: number): string {
    return this.text(this.snapshot.columns.statusMessage, index);
  }

  /** The text a span's index column points to; '' for an index outside the table, which the host never sends. */
  private text(column: StringIndexes, index: number): string {
    return this.snapshot.strings[column[index]!] ?? '';
  }

  kindOf(index: number): AiKind {
    return AI_KINDS[this.layout.kind[index]!] ?? 'other';
  }

  has(index: number, flag: number): boolean {
    return (this.layout.flags[index]! & flag) !== 0;
  }

  isLlm(index: number): boolean {
    return this.kindOf(index) === 'llm';
  }

  hasTtft(index: number): boolean {
    return this.has(index, FlameFlag.HasTtft);
  }

  /** Spans whose name or model contains `query` (case-insensitive); null when the query is empty. */
  matches(query: string): Uint8Array | null {
    const needle = query.trim().toLowerCase();
    if (needle === '') return null;
    const { strings, columns } = this.snapshot;
    // Each distinct text is tested once, however many spans share it.
    const matching = Uint8Array.from(strings, (text) => (text.toLowerCase().includes(needle) ? 1 : 0));
    const found = new Uint8Array(this.layout.count);
    for (let i = 0; i < found.length; i++) found[i] = matching[columns.name[i]!]! | matching[columns.model[i]!]!;
    return found;
  }

  /** Whether the gateway measured a figure (`FigureFlag`) of the span, or estimated its tokens. */
  hasFigure(index: number, flag: number): boolean {
    return (this.decoded.figureFlags[index]! & flag) !== 0;
  }

  /**
   * `1.2k→340 tok (800 cached)`, or with `long` `1.2k → 340 tokens (800 cached)`, `≈` first when the counts are
   * estimated; undefined when no count is known.
   */
  tokenFlow(index: number, long = false): string | undefined {
    const { inputTokens, outputTokens, cachedTokens } = this.decoded;
    const input = inputTokens[index]!;
    const output = outputTokens[index]!;
    if (Number.isNaN(input) && Number.isNaN(output)) return undefined;
    const count = (value: number) => (Number.isNaN(value) ? '?' : formatTokens(value));
    const mark = this.hasFigure(index, FigureFlag.TokensEstimated) ? ESTIMATE_MARK : '';
    const flow = long
      ? `${mark}${count(input)} → ${count(output)} tokens`
      : `${mark}${count(input)}→${count(output)} tok`;
    const cached = cachedTokens[index]!;
    return Number.isNaN(cached) || cached === 0 ? flow : `${flow} (${formatTokens(cached)} cached)`;
  }

  /** The gateway's stream figures (`streamFiguresText`), or undefined. */
  streamFigures(index: number): string | undefined {
    const known = (value: number) => (Number.isNaN(value) ? undefined : value);
    const { firstText, longestGap, stalls } = this.decoded;
    return streamFiguresText(known(firstText[index]!), known(longestGap[index]!), known(stalls[index]!));
  }

  /** A model call's bar labels, richest first (shared/flame/labels.ts); none for other spans. */
  labels(index: number): readonly string[] {
    let labels = this.labelCache[index];
    if (labels === undefined) {
      const tpot = this.decoded.tpot[index]!;
      labels = this.isLlm(index)
        ? callLabels(this.name(index), {
            tokens: this.tokenFlow(index),
            ttft: this.hasTtft(index) ? `TTFT ${formatDuration(this.layout.ttft[index]!)}` : undefined,
            tpot: Number.isNaN(tpot) ? undefined : `TPOT ${formatDuration(tpot)}`,
          })
        : [];
      this.labelCache[index] = labels;
    }
    return labels;
  }

  parentOf(index: number): number {
    return this.layout.parent[index]!;
  }

  /** The child that starts first; spans follow each other in pre-order, so it is the next one when it is a child. */
  firstChildOf(index: number): number {
    const next = index + 1;
    return next < this.layout.count && this.layout.parent[next] === index ? next : -1;
  }

  /** The previous (-1) or next (+1) span with the same parent (roots are siblings of each other), or -1. */
  siblingOf(index: number, direction: -1 | 1): number {
    const { parent, count } = this.layout;
    const owner = parent[index]!;
    for (let i = index + direction; i >= 0 && i < count; i += direction) {
      if (parent[i] === owner) return i;
      // Leaving the parent's subtree backwards means reaching the parent itself.
      if (direction < 0 && i === owner) return -1;
    }
    return -1;
  }
}
