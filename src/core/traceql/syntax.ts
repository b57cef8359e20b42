/**
 * TraceQL text to a small syntax tree, parsed with Grafana's own grammar (`@grafana/lezer-traceql`), so queries read
 * as they do in Tempo. The grammar is written for editors and does not encode Tempo's operator precedence (it reads
 * `.a || .b && .c` as `.a || (.b && .c)`, `-1 = .x` as `-(1 = .x)`), so binary chains are flattened and regrouped
 * here with the precedence of Tempo's yacc grammar (pkg/traceql/expr.y): `&&` and `||` are equal and bind loosest,
 * then comparisons and structural operators, then unary `!` and `-`; all left-associative.
 */
import * as Node from '@grafana/lezer-traceql';
import { parser } from '@grafana/lezer-traceql';
import { SpanKind, StatusCode } from '../model';
import { traceqlError, type TraceQLError } from './traceqlError';
import { parseDuration, parseStringLiteral, unquoteAttributeName } from './literals';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  /** Nanoseconds. */
  | { readonly kind: 'duration'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'status'; readonly value: StatusCode }
  | { readonly kind: 'kind'; readonly value: SpanKind };

export type AttributeScope = 'span' | 'resource' | 'instrumentation' | 'unscoped';
export type FieldOperator = '&&' | '||' | '=' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | '!~';
export type SpansetOperator = '&&' | '||' | '>' | '>>' | '<' | '<<' | '~' | `!${string}` | `&${string}`;

interface Located {
  readonly from: number;
  readonly to: number;
}

export type FieldExpr = Located &
  (
    | { readonly type: 'literal'; readonly literal: Literal }
    | { readonly type: 'intrinsic'; readonly name: string }
    | { readonly type: 'attribute'; readonly scope: AttributeScope; readonly name: string }
    | { readonly type: 'not'; readonly operand: FieldExpr }
    | { readonly type: 'binary'; readonly op: FieldOperator; readonly left: FieldExpr; readonly right: FieldExpr }
  );

export type SpansetExpr = Located &
  (
    | { readonly type: 'filter'; readonly condition: FieldExpr | undefined }
    | { readonly type: 'binary'; readonly op: SpansetOperator; readonly left: SpansetExpr; readonly right: SpansetExpr }
  );

const STATICS: Record<string, Literal> = {
  true: { kind: 'bool', value: true },
  false: { kind: 'bool', value: false },
  nil: { kind: 'nil' },
  ok: { kind: 'status', value: StatusCode.Ok },
  error: { kind: 'status', value: StatusCode.Error },
  unset: { kind: 'status', value: StatusCode.Unset },
  unspecified: { kind: 'kind', value: SpanKind.Unspecified },
  internal: { kind: 'kind', value: SpanKind.Internal },
  server: { kind: 'kind', value: SpanKind.Server },
  client: { kind: 'kind', value: SpanKind.Client },
  producer: { kind: 'kind', value: SpanKind.Producer },
  consumer: { kind: 'kind', value: SpanKind.Consumer },
};

const FIELD_OPERATORS = new Set<string>(['=', '!=', '>', '>=', '<', '<=', '=~', '!~']);
const ARITHMETIC = new Set<string>(['+', '-', '*', '/', '%', '^']);
const SPANSET_OPERATOR_NODES = new Set([Node.And, Node.Or, Node.Gt, Node.Desc, Node.Lt, Node.Anc]);
const LOGICAL_NODES = new Set([Node.And, Node.Or]);

/** What each construct we do not run is called in the error that refuses it. */
const REFUSED: ReadonlyMap<number, string> = new Map([
  [Node.ScalarFilter, 'an aggregate filter'],
  [Node.SelectOperation, 'select(…)'],
  [Node.GroupOperation, 'by(…)'],
  [Node.CoalesceOperation, 'coalesce()'],
  [Node.MetricsOperation, 'a metrics query'],
  [Node.MetricsAggregatorFunctions, 'a metrics function'],
  [Node.TemplateVariable, 'a template variable'],
  [Node.Parent, 'the parent scope'],
  [Node.Event, 'the event scope'],
  [Node.Link, 'the link scope'],
]);

/** Parses `text` into one spanset expression; throws TraceQLError on bad syntax or a construct we do not run. */
export function parseSyntax(text: string): SpansetExpr {
  const tree = parser.parse(text);
  rejectErrors(text, tree.cursor());
  const top = childrenOf(tree.topNode).filter((node) => node.type.id !== Node.WithHint);
  const [expression] = top;
  if (top.length !== 1 || expression === undefined) throw traceqlError(text, 0, text.length, 'expected one query');
  return new SyntaxReader(text).spanset(expression);
}

function rejectErrors(text: string, cursor: ReturnType<ReturnType<typeof parser.parse>['cursor']>): void {
  if (text.trim() === '')
    throw traceqlError(text, 0, 0, 'empty query; write a spanset filter such as { name = "chat" }');
  let refusal: TraceQLError | undefined;
  do {
    if (cursor.type.isError) throw syntaxError(text, cursor.node);
    refusal ??= refusalAt(text, cursor.node);
  } while (cursor.next());
  if (refusal) throw refusal;
}

/** A construct the grammar knows and we do not run; a pipeline is named by its stage (`| count() > 2`). */
function refusalAt(text: string, node: SyntaxNode): TraceQLError | undefined {
  const refused = REFUSED.get(node.type.id);
  if (refused !== undefined) return traceqlError(text, node.from, node.to, `${refused} is not supported`);
  if (node.type.id !== Node.Pipe) return undefined;
  const stage = node.nextSibling;
  const to = stage?.to ?? node.to;
  let kind: string | undefined;
  stage?.toTree().iterate({ enter: (inner) => void (kind ??= REFUSED.get(inner.type.id)) });
  const shown = text.slice(node.from, to).replace(/\s+/g, ' ');
  return traceqlError(text, node.from, to, `pipelines are not supported: "${shown}"${kind ? ` is ${kind}` : ''}`);
}

/** What the parser stopped at and, from where it stopped, what would have been valid. */
function syntaxError(text: string, node: SyntaxNode): TraceQLError {
  const found = node.to > node.from ? text.slice(node.from, node.to) : tokenAt(text, node.from);
  const shown = found === undefined ? 'the end of the query' : `"${found}"`;
  const to = node.to > node.from ? node.to : node.from + (found?.length ?? 0);
  const previous = node.prevSibling;
  const parent = node.parent;
  let expected: string | undefined;
  if (previous?.type.id === Node.FieldOp || previous?.type.id === Node.ComparisonOp) {
    const op = text.slice(previous.from, previous.to);
    const hint = found !== undefined && /^[A-Za-z_]\w*$/.test(found) ? `; strings need double quotes: "${found}"` : '';
    expected = `a value after ${op}: a "string", a number, a duration (300ms), true, false, nil, a status or a kind${hint}`;
  } else if (previous !== null && LOGICAL_NODES.has(previous.type.id)) {
    expected = `a condition after ${text.slice(previous.from, previous.to)}`;
  } else if (parent?.type.id === Node.SpansetFilter) {
    expected =
      previous === null
        ? 'a field: an intrinsic such as name or duration, or an attribute such as span.x, resource.x, .x or .ai.kind'
        : 'an operator (= != > < =~ && ||) or }';
  } else if (parent?.type.id === Node.TraceQL) {
    expected =
      previous === null
        ? 'a spanset filter such as { name = "chat" }'
        : 'the end of the query, or && || > >> between spansets';
  }
  return traceqlError(
    text,
    node.from,
    to,
    `unexpected ${shown}${expected === undefined ? '' : `; expected ${expected}`}`,
  );
}

function tokenAt(text: string, offset: number): string | undefined {
  const match = /\s*(\w+|\S)/y;
  match.lastIndex = offset;
  return match.exec(text)?.[1];
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.type.id !== Node.LineComment && child.type.id !== Node.BlockComment) children.push(child);
  }
  return children;
}

interface OperatorToken extends Located {
  readonly op: string;
}

/** One binary chain, flattened: operands[i] op[i] operands[i + 1]. */
interface Chain<T> {
  readonly operands: T[];
  readonly ops: OperatorToken[];
}

class SyntaxReader {
  constructor(private readonly text: string) {}

  spanset(node: SyntaxNode): SpansetExpr {
    const chain: Chain<SpansetExpr> = { operands: [], ops: [] };
    this.flattenSpansets(node, chain);
    return regroup(
      chain,
      (op) => (op === '&&' || op === '||' ? 1 : 2),
      (op, left, right) => ({
        type: 'binary',
        op: op.op as SpansetOperator,
        left,
        right,
        from: left.from,
        to: right.to,
      }),
    );
  }

  private flattenSpansets(node: SyntaxNode, chain: Chain<SpansetExpr>): void {
    const children = childrenOf(node);
    const [first, second, third] = children;
    if (node.type.id === Node.SpansetPipelineExpression && children.length >= 2 && first && second) {
      // `a op b`, or `a ~ b`: the grammar names every spanset operator but `~`, which is left in the gap.
      const right = third ?? second;
      this.flattenSpansets(first, chain);
      chain.ops.push(this.spansetOperator(first, children.length === 3 ? second : undefined, right));
      this.flattenSpansets(right, chain);
    } else if (first !== undefined && children.length === 1) {
      const isParenthesized = this.text[node.from] === '(' && node.type.id === Node.SpansetPipelineExpression;
      chain.operands.push(isParenthesized ? this.spanset(first) : this.spansetLeaf(first));
    } else {
      throw traceqlError(this.text, node.from, node.to, 'unexpected construct');
    }
  }

  private spansetLeaf(node: SyntaxNode): SpansetExpr {
    if (node.type.id === Node.SpansetPipeline || node.type.id === Node.WrappedSpansetPipeline) {
      const [only, extra] = childrenOf(node);
      if (only !== undefined && extra === undefined) return this.spansetLeaf(only);
    }
    if (node.type.id === Node.SpansetPipelineExpression) return this.spanset(node);
    if (node.type.id !== Node.SpansetFilter) {
      throw traceqlError(this.text, node.from, node.to, `"${this.text.slice(node.from, node.to)}" is not supported`);
    }
    const [condition] = childrenOf(node);
    return { type: 'filter', condition: condition && this.field(condition), from: node.from, to: node.to };
  }

  private spansetOperator(left: SyntaxNode, opNode: SyntaxNode | undefined, right: SyntaxNode): OperatorToken {
    if (opNode !== undefined && !SPANSET_OPERATOR_NODES.has(opNode.type.id) && !this.isExtraStructural(opNode)) {
      throw traceqlError(this.text, opNode.from, opNode.to, `unexpected "${this.text.slice(opNode.from, opNode.to)}"`);
    }
    const from = opNode?.from ?? left.to;
    const to = opNode?.to ?? right.from;
    const op = stripComments(this.text.slice(from, to)).trim();
    const at = from + this.text.slice(from, to).indexOf(op);
    return { op, from: at, to: at + op.length };
  }

  private isExtraStructural(node: SyntaxNode): boolean {
    return node.type.id === Node.ExperimentalOp || node.type.id === Node.UnionStructuralOp;
  }

  field(node: SyntaxNode): FieldExpr {
    const chain: Chain<FieldExpr> = { operands: [], ops: [] };
    this.flattenFields(node, chain);
    return regroup(
      chain,
      (op) => (op === '&&' || op === '||' ? 1 : 2),
      (op, left, right) => {
        if (!FIELD_OPERATORS.has(op.op) && op.op !== '&&' && op.op !== '||') {
          throw traceqlError(this.text, op.from, op.to, `arithmetic (${op.op}) is not supported`);
        }
        return { type: 'binary', op: op.op as FieldOperator, left, right, from: left.from, to: right.to };
      },
    );
  }

  /** A unary `!` or `-` binds tighter than any binary operator: it takes the chain's first operand only. */
  private flattenFields(node: SyntaxNode, chain: Chain<FieldExpr>, unary: OperatorToken[] = []): void {
    const children = childrenOf(node);
    const [first, second, third] = children;
    if (children.length === 3 && first && second && third) {
      this.flattenFields(first, chain, unary);
      const op = this.text.slice(second.from, second.to);
      if (ARITHMETIC.has(op))
        throw traceqlError(this.text, second.from, second.to, `arithmetic (${op}) is not supported`);
      chain.ops.push({ op, from: second.from, to: second.to });
      this.flattenFields(third, chain);
    } else if (children.length === 1 && first && node.type.id === Node.FieldExpression) {
      const mark = this.text[node.from];
      if (mark === '(') chain.operands.push(applyUnary(this.text, unary, this.field(first)));
      else if (mark === '!' || mark === '-')
        this.flattenFields(first, chain, [...unary, { op: mark, from: node.from, to: node.from + 1 }]);
      else this.flattenFields(first, chain, unary);
    } else {
      chain.operands.push(applyUnary(this.text, unary, this.leaf(node)));
    }
  }

  private leaf(node: SyntaxNode): FieldExpr {
    const { from, to } = node;
    const source = this.text.slice(from, to);
    if (node.type.id === Node.Static) return { type: 'literal', literal: this.literal(node), from, to };
    if (node.type.id === Node.IntrinsicField) return { type: 'intrinsic', name: source, from, to };
    if (node.type.id === Node.AttributeField) {
      const children = childrenOf(node);
      const identifier = children.find((child) => child.type.id === Node.Identifier);
      if (identifier === undefined) throw traceqlError(this.text, from, to, `expected an attribute name`);
      const scopeNode = children.find((child) => child !== identifier);
      const scope = scopeNode === undefined ? 'unscoped' : SCOPES.get(scopeNode.type.id);
      if (scope === undefined) throw traceqlError(this.text, from, to, `"${source}" is not supported`);
      const name = unquoteAttributeName(this.text.slice(identifier.from, identifier.to));
      return { type: 'attribute', scope, name, from, to };
    }
    throw traceqlError(this.text, from, to, `unexpected "${source}"`);
  }

  private literal(node: SyntaxNode): Literal {
    const source = this.text.slice(node.from, node.to);
    const keyword = Object.hasOwn(STATICS, source) ? STATICS[source] : undefined;
    if (keyword !== undefined) return keyword;
    const [value] = childrenOf(node);
    const fail = (what: string) => traceqlError(this.text, node.from, node.to, what);
    switch (value?.type.id) {
      case Node.String:
        return { kind: 'string', value: parseStringLiteral(source) };
      case Node.Integer:
      case Node.Float:
        return { kind: 'number', value: Number(source) };
      case Node.Duration: {
        const nanos = parseDuration(source);
        if (nanos === undefined) throw fail(`invalid duration "${source}"`);
        return { kind: 'duration', value: nanos };
      }
      default:
        throw fail(`"${source}" is not supported`);
    }
  }
}

const SCOPES: ReadonlyMap<number, AttributeScope> = new Map([
  [Node.Span, 'span'],
  [Node.Resource, 'resource'],
  [Node.Instrumentation, 'instrumentation'],
]);

/** `-` folds into a number or duration literal; `!` wraps its operand. Innermost first. */
function applyUnary(text: string, unary: readonly OperatorToken[], operand: FieldExpr): FieldExpr {
  let result = operand;
  for (const mark of [...unary].reverse()) {
    const from = mark.from;
    if (mark.op === '!') {
      result = { type: 'not', operand: result, from, to: result.to };
    } else if (result.type === 'literal' && (result.literal.kind === 'number' || result.literal.kind === 'duration')) {
      result = { ...result, literal: { ...result.literal, value: -result.literal.value }, from };
    } else {
      throw traceqlError(text, from, result.to, 'negating a field (arithmetic) is not supported');
    }
  }
  return result;
}

/** Operator-precedence grouping of a flattened chain; equal precedence groups left to right. */
function regroup<T>(
  chain: Chain<T>,
  precedence: (op: string) => number,
  combine: (op: OperatorToken, left: T, right: T) => T,
): T {
  const values: T[] = [];
  const pending: OperatorToken[] = [];
  const reduce = () => {
    const op = pending.pop()!;
    const right = values.pop()!;
    const left = values.pop()!;
    values.push(combine(op, left, right));
  };
  chain.operands.forEach((operand, index) => {
    const op = index === 0 ? undefined : chain.ops[index - 1];
    if (op !== undefined) {
      while (pending.length > 0 && precedence(pending[pending.length - 1]!.op) >= precedence(op.op)) reduce();
      pending.push(op);
    }
    values.push(operand);
  });
  while (pending.length > 0) reduce();
  return values[0]!;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ' ');
}
