/** Table-driven cases for the span analyzer: each names the fields its convention carries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import { makeSpan, type SpanInit } from '../support/spanBuilder';

export interface Case {
  title: string;
  span: SpanInit;
  expected: Partial<AiSpanInfo>;
}

/** Compares only the fields a case names, so each case states what its convention carries. */
function assertCase({ span, expected }: Case): void {
  const info = analyzeSpan(makeSpan(span));
  const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, info[key as keyof AiSpanInfo]]));
  assert.deepEqual(actual, expected);
}

export function runCases(cases: Case[]): void {
  for (const c of cases) test(c.title, () => assertCase(c));
}
