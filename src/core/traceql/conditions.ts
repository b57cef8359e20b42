/**
 * A spanset filter's condition compiled once into a closure over one span, with Tempo's comparison rules:
 * - a field the span does not have makes every comparison false, `!=` included; only `= nil` matches it;
 * - values of different types never compare equal or unequal (an integer attribute is not `!= "x"`), and comparing
 *   two fields or literals whose types are known and differ is an error at parse time;
 * - integers and floats compare numerically, strings in code-unit order;
 * - `=~` and `!~` are fully anchored (`"chat"` matches only `chat`), with Go's `(?i)` prefix for case-insensitive;
 * - on an array attribute, `=` and `=~` hold when any element matches, `!=` and `!~` when none does;
 * - an attribute alone, `{ span.cache.hit }`, means `= true`.
 */
import { AI_KINDS } from '../../shared/aiKinds';
import type { SpanNode } from '../store/types';
import {
  AI_FIELDS,
  AI_PREFIX,
  aiField,
  attributeField,
  intrinsicField,
  type TraceContext,
  type ValueType,
} from './fields';
import type { FieldExpr, FieldOperator, Literal } from './syntax';
import { traceqlError, type TraceQLError } from './traceqlError';

export type Condition = (node: SpanNode, trace: TraceContext) => boolean;

interface Operand {
  readonly type: ValueType | 'nil';
  readonly read: (node: SpanNode, trace: TraceContext) => unknown;
  readonly expr: FieldExpr;
  readonly literal: Literal | undefined;
}

type Comparison = Exclude<FieldOperator, '&&' | '||'>;
type Test = (a: never, b: never) => boolean;

/** Each operator as a positive test; `!=` and `!~` negate `=` and `=~` after the array rule. */
const TESTS: Record<'=' | '>' | '>=' | '<' | '<=', Test> = {
  '=': (a: unknown, b: unknown) => a === b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
};

const UNORDERED = new Set<ValueType | 'nil'>(['bool', 'status', 'kind']);

export function compileCondition(text: string, expr: FieldExpr): Condition {
  return new ConditionCompiler(text).condition(expr);
}

class ConditionCompiler {
  constructor(private readonly text: string) {}

  condition(expr: FieldExpr): Condition {
    switch (expr.type) {
      case 'binary': {
        if (expr.op !== '&&' && expr.op !== '||') return this.comparison(expr.op, expr.left, expr.right);
        const left = this.condition(expr.left);
        const right = this.condition(expr.right);
        return expr.op === '&&' ? (n, t) => left(n, t) && right(n, t) : (n, t) => left(n, t) || right(n, t);
      }
      case 'not': {
        const operand = this.condition(expr.operand);
        return (n, t) => !operand(n, t);
      }
      case 'literal': {
        if (expr.literal.kind !== 'bool') throw this.error(expr, `${this.source(expr)} is not a condition`);
        const value = expr.literal.value;
        return () => value;
      }
      default: {
        const operand = this.operand(expr);
        if (operand.type !== 'bool' && operand.type !== 'attribute') {
          throw this.error(
            expr,
            `${this.source(expr)} alone is not a condition: compare it, e.g. ${this.source(expr)} = …`,
          );
        }
        return (n, t) => operand.read(n, t) === true;
      }
    }
  }

  private comparison(op: Comparison, leftExpr: FieldExpr, rightExpr: FieldExpr): Condition {
    const left = this.operand(leftExpr);
    const right = this.operand(rightExpr);
    if (left.type === 'nil' || right.type === 'nil') return this.nilComparison(op, left, right);
    if (op === '=~' || op === '!~') return this.regexComparison(op, left, right);
    if (left.type !== 'attribute' && right.type !== 'attribute' && left.type !== right.type) {
      throw this.error(rightExpr, `cannot compare ${this.describe(left)} with ${this.describe(right)}`);
    }
    if (op !== '=' && op !== '!=' && (UNORDERED.has(left.type) || UNORDERED.has(right.type))) {
      throw this.error(rightExpr, `${op} does not apply to ${this.describe(UNORDERED.has(left.type) ? left : right)}`);
    }
    this.checkAiKind(left, right);
    this.checkAiKind(right, left);
    const negated = op === '!=';
    const test = TESTS[negated ? '=' : op] as (a: unknown, b: unknown) => boolean;
    const { type: leftType, read: readLeft } = left;
    const { type: rightType, read: readRight } = right;
    return (n, t) => holds(readLeft(n, t), leftType, readRight(n, t), rightType, test, negated);
  }

  private nilComparison(op: Comparison, left: Operand, right: Operand): Condition {
    const field = left.type === 'nil' ? right : left;
    if ((op !== '=' && op !== '!=') || field.type === 'nil' || field.literal !== undefined) {
      throw this.error(field.expr, `nil compares only with = or != against a field`);
    }
    const read = field.read;
    return op === '=' ? (n, t) => read(n, t) == null : (n, t) => read(n, t) != null;
  }

  private regexComparison(op: '=~' | '!~', left: Operand, right: Operand): Condition {
    if (right.literal?.kind !== 'string') throw this.error(right.expr, `${op} needs a "regular expression" string`);
    if (left.type !== 'string' && left.type !== 'attribute') {
      throw this.error(left.expr, `${op} applies to strings, not ${this.describe(left)}`);
    }
    const pattern = anchoredRegExp(right.literal.value);
    if (pattern instanceof Error) throw this.error(right.expr, `invalid regular expression: ${pattern.message}`);
    const test = (a: unknown) => pattern.test(a as string);
    const { type, read } = left;
    const source = right.literal.value;
    return (n, t) => holds(read(n, t), type, source, 'string', test, op === '!~');
  }

  private operand(expr: FieldExpr): Operand {
    switch (expr.type) {
      case 'literal': {
        const { literal } = expr;
        const value = literal.kind === 'nil' ? undefined : literal.value;
        return { type: literal.kind, read: () => value, expr, literal };
      }
      case 'intrinsic': {
        const field = intrinsicField(expr.name);
        if (field === undefined) throw this.error(expr, `the intrinsic ${expr.name} is not supported`);
        return { ...field, expr, literal: undefined };
      }
      case 'attribute': {
        if (expr.scope === 'unscoped' && expr.name.startsWith(AI_PREFIX)) {
          const field = aiField(expr.name);
          if (field === undefined) throw this.error(expr, unknownAiField(expr.name));
          return { ...field, expr, literal: undefined };
        }
        return { ...attributeField(expr.scope, expr.name), expr, literal: undefined };
      }
      default:
        throw this.error(expr, `a condition cannot be compared; to negate a comparison write !(…)`);
    }
  }

  /** `.ai.kind = "lm"` can never match: say so rather than match nothing. */
  private checkAiKind(field: Operand, other: Operand): void {
    if (field.expr.type !== 'attribute' || field.expr.name !== 'ai.kind' || other.literal?.kind !== 'string') return;
    const value = other.literal.value;
    if (!(AI_KINDS as readonly string[]).includes(value)) {
      throw this.error(other.expr, `unknown AI kind "${value}": one of ${AI_KINDS.join(', ')}`);
    }
  }

  /** `a duration field`, `the number 5`. */
  private describe({ expr, type }: Operand): string {
    return expr.type === 'literal' ? `the ${type} ${this.source(expr)}` : `a ${type} field`;
  }

  private source(expr: FieldExpr): string {
    return this.text.slice(expr.from, expr.to);
  }

  private error(expr: FieldExpr, what: string): TraceQLError {
    return traceqlError(this.text, expr.from, expr.to, what);
  }
}

function unknownAiField(name: string): string {
  const known = AI_FIELDS.map((field) => `.${field.name}`).join(', ');
  return `unknown AI field .${name}: one of ${known} (a span attribute named ${name} is span.${name})`;
}

/** Go's RE2 reads `(?i)` as a flag, which JavaScript lacks: it becomes the `i` flag. Anchored at both ends. */
function anchoredRegExp(source: string): RegExp | Error {
  const caseless = source.startsWith('(?i)');
  try {
    return new RegExp(`^(?:${caseless ? source.slice(4) : source})$`, caseless ? 'i' : '');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The type a value has at run time: a typed field's own, an attribute's by what it holds (undefined: no type). */
function typeOf(value: unknown, declared: ValueType | 'nil'): ValueType | undefined {
  if (declared !== 'attribute') return declared === 'nil' ? undefined : declared;
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return undefined;
  }
}

/** One comparison under the rules in the header; arrays (attribute values only) on either side. */
function holds(
  a: unknown,
  aType: ValueType | 'nil',
  b: unknown,
  bType: ValueType | 'nil',
  test: (a: unknown, b: unknown) => boolean,
  negated: boolean,
): boolean {
  if (a == null || b == null) return false;
  if (!Array.isArray(a) && !Array.isArray(b)) {
    const result = compareScalars(a, aType, b, bType, test);
    return result === undefined ? false : result !== negated;
  }
  let comparable = false;
  for (const x of Array.isArray(a) ? (a as unknown[]) : [a]) {
    for (const y of Array.isArray(b) ? (b as unknown[]) : [b]) {
      const result = compareScalars(x, aType, y, bType, test);
      if (result === undefined) continue;
      if (result) return !negated;
      comparable = true;
    }
  }
  return negated && comparable;
}

function compareScalars(
  a: unknown,
  aType: ValueType | 'nil',
  b: unknown,
  bType: ValueType | 'nil',
  test: (a: unknown, b: unknown) => boolean,
): boolean | undefined {
  const type = typeOf(a, aType);
  if (type === undefined || type !== typeOf(b, bType)) return undefined;
  return test(typeof a === 'bigint' ? Number(a) : a, typeof b === 'bigint' ? Number(b) : b);
}
