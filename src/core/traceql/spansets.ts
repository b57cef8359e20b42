/**
 * Operators between spansets, with Tempo's semantics: `{a} && {b}` keeps the spans of both when each found some,
 * `{a} || {b}` the spans of either; structural operators keep the right-hand spans that stand in the relation to some
 * left-hand span: `>` child, `>>` descendant, `<` parent, `<<` ancestor, `~` sibling. The experimental `!>` … `!~`
 * keep the right-hand spans that do not, and the union forms `&>` … `&~` add the left-hand spans that do.
 * Orphans (a parent not received) have no parent here, and root spans no siblings.
 */
import type { SpanNode } from '../store/types';
import { compileCondition } from './conditions';
import type { TraceContext } from './fields';
import type { SpansetExpr } from './syntax';
import { traceqlError } from './traceqlError';

/** The spans of one trace (pre-order) that an expression selects. */
export type Spanset = (trace: TraceContext, spans: readonly SpanNode[]) => Set<SpanNode>;

type Relation = (others: ReadonlySet<SpanNode>) => (node: SpanNode) => boolean;

const hasParentIn: Relation = (others) => (node) => node.parent !== undefined && others.has(node.parent);
const hasChildIn: Relation = (others) => (node) => node.children.some((child) => others.has(child));
const hasSiblingIn: Relation = (others) => (node) =>
  node.parent !== undefined && node.parent.children.some((sibling) => sibling !== node && others.has(sibling));

const hasAncestorIn: Relation = (others) => (node) => {
  for (let ancestor = node.parent; ancestor !== undefined; ancestor = ancestor.parent) {
    if (others.has(ancestor)) return true;
  }
  return false;
};

const hasDescendantIn: Relation = (others) => {
  const ancestors = new Set<SpanNode>();
  for (const node of others) {
    for (let up = node.parent; up !== undefined && !ancestors.has(up); up = up.parent) ancestors.add(up);
  }
  return (node) => ancestors.has(node);
};

/** For each structural operator: what a right-hand span must have in the left set, and a left one in the right. */
const STRUCTURAL: Record<string, { right: Relation; left: Relation }> = {
  '>': { right: hasParentIn, left: hasChildIn },
  '>>': { right: hasAncestorIn, left: hasDescendantIn },
  '<': { right: hasChildIn, left: hasParentIn },
  '<<': { right: hasDescendantIn, left: hasAncestorIn },
  '~': { right: hasSiblingIn, left: hasSiblingIn },
};

export function compileSpanset(text: string, expr: SpansetExpr): Spanset {
  if (expr.type === 'filter') {
    if (expr.condition === undefined) return (_, spans) => new Set(spans);
    const condition = compileCondition(text, expr.condition);
    return (trace, spans) => {
      const selected = new Set<SpanNode>();
      for (const node of spans) if (condition(node, trace)) selected.add(node);
      return selected;
    };
  }
  const left = compileSpanset(text, expr.left);
  const right = compileSpanset(text, expr.right);
  const { op } = expr;
  if (op === '&&') {
    return (trace, spans) => {
      const a = left(trace, spans);
      if (a.size === 0) return a;
      const b = right(trace, spans);
      return b.size === 0 ? b : union(a, b);
    };
  }
  if (op === '||') return (trace, spans) => union(left(trace, spans), right(trace, spans));
  const mode = op.startsWith('!') ? 'not' : op.startsWith('&') ? 'union' : 'plain';
  const relation = STRUCTURAL[mode === 'plain' ? op : op.slice(1)];
  if (relation === undefined) throw traceqlError(text, expr.left.to, expr.right.from, `unknown operator "${op}"`);
  return (trace, spans) => {
    const a = left(trace, spans);
    if (a.size === 0 && mode !== 'not') return a;
    const b = right(trace, spans);
    const related = relation.right(a);
    const selected = new Set<SpanNode>();
    for (const node of b) if (related(node) !== (mode === 'not')) selected.add(node);
    if (mode === 'union' && selected.size > 0) {
      const leftRelated = relation.left(b);
      for (const node of a) if (leftRelated(node)) selected.add(node);
    }
    return selected;
  };
}

function union(a: Set<SpanNode>, b: Set<SpanNode>): Set<SpanNode> {
  const all = new Set(a);
  for (const node of b) all.add(node);
  return all;
}
