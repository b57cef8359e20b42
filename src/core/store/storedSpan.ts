/**
 * One stored span, linked into its trace's tree, and the sibling order of spans. A span keeps what it says of itself
 * (`own`) apart from what it shows (`ai`): an app's LLM span shows the figures of the gateway span beneath it where
 * its own instrumentation recorded none (storedTrace.ts).
 */
import type { AiKind } from '../../shared/aiKinds';
import type { Span } from '../model';
import { GATEWAY_SCOPE } from '../gateway/spanAttributes';
import type { AiSpanInfo } from '../semantics/types';
import type { SpanNode } from './types';

/** Whether appending `node` after `nodes` keeps them in sibling order. */
export function appendsInOrder(nodes: readonly StoredSpan[], node: StoredSpan): boolean {
  const last = nodes[nodes.length - 1];
  return last === undefined || compareSpans(last, node) < 0;
}

/** The kinds whose usage is summed: agent, chain and workflow spans repeat their model calls' usage. */
export function isLlmUsage(kind: AiKind): boolean {
  return kind === 'llm' || kind === 'embedding';
}

/** What a leaf's `children` reads: frozen, since it is every leaf's. */
const NO_CHILDREN = Object.freeze([]) as unknown as StoredSpan[];

// Bound once: read for every stored span (an imported binding is a property read under CommonJS).
const GATEWAY = GATEWAY_SCOPE;

export class StoredSpan implements SpanNode {
  parent: StoredSpan | undefined = undefined;
  orphan = false;
  /** Made at the first child: most spans are leaves, and an empty array for each would cost as much as a field. */
  private childList: StoredSpan[] | undefined = undefined;
  private childrenSorted = true;

  /** A span recorded by the gateway, which may stand for the same call as an app LLM span above it. */
  readonly gateway: boolean;
  /** What the store shows and counts: `own`, or `own` with a gateway span's figures filled in. */
  ai: AiSpanInfo;
  /** For a gateway span: the app LLM span above it that counts the call, so that this span does not count it again. */
  host: StoredSpan | undefined = undefined;

  constructor(
    readonly span: Span,
    readonly own: AiSpanInfo,
  ) {
    this.gateway = span.scope.name === GATEWAY;
    this.ai = own;
  }

  /** A model call recorded by the app's own instrumentation: what a gateway span beneath it stands for. */
  get appModelCall(): boolean {
    return !this.gateway && isLlmUsage(this.own.kind);
  }

  /**
   * Sorted when read rather than on every insert: an ingest appends in O(1), and since spans arrive nearly in order
   * the sort is close to linear. Inserting with a binary search would still shift the array on every out-of-order
   * child, which is quadratic for a wide fan-out arriving shuffled.
   */
  get children(): StoredSpan[] {
    const children = this.childList;
    if (children === undefined) return NO_CHILDREN;
    if (!this.childrenSorted) {
      children.sort(compareSpans);
      this.childrenSorted = true;
    }
    return children;
  }

  addChild(child: StoredSpan): void {
    const children = (this.childList ??= []);
    if (!appendsInOrder(children, child)) this.childrenSorted = false;
    children.push(child);
    child.parent = this;
  }

  removeChild(child: StoredSpan): void {
    const children = this.children;
    const index = searchSorted(children, child);
    if (children[index] === child) children.splice(index, 1);
    child.parent = undefined;
  }

  takeChildren(): StoredSpan[] {
    const children = this.childList ?? [];
    this.childList = undefined;
    for (const child of children) child.parent = undefined;
    this.childrenSorted = true;
    return children;
  }
}

/**
 * Sibling order: start time, then end time, then span id. SDKs that stamp starts in whole milliseconds give a quick
 * tool span and the model call after it the same start: the one that ended first ran first.
 */
export function compareSpans(a: StoredSpan, b: StoredSpan): number {
  const startA = a.span.startTimeUnixNano;
  const startB = b.span.startTimeUnixNano;
  if (startA !== startB) return startA < startB ? -1 : 1;
  const endA = a.span.endTimeUnixNano;
  const endB = b.span.endTimeUnixNano;
  if (endA !== endB) return endA < endB ? -1 : 1;
  const idA = a.span.spanId;
  const idB = b.span.spanId;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

/** Index of `node`'s place in sorted `nodes`: the first element that does not sort before it. */
function searchSorted(nodes: readonly StoredSpan[], node: StoredSpan): number {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareSpans(nodes[middle]!, node) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
