/**
 * `ai-trace-lens findings` on saved JSON Lines traces: findings under their trace as text, the JSON document with the
 * span's code location, the exit codes of --fail-on, and usage errors.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FindingJson } from '../../src/cli/findings';
import { traceFileText } from '../../src/core/traceFile';
import { agentSpan, llmSpan, toolSpan } from '../support/findingSpans';
import { runCli } from './cliFixtures';

const LOOP_TRACE = 'a1'.repeat(16);
const FAILED_TRACE = 'b2'.repeat(16);
const CLEAN_TRACE = 'c3'.repeat(16);

// A tool loop whose third call records where it was made, and a truncated answer that records nothing.
const agent = agentSpan('planner', { at: 0, traceId: LOOP_TRACE });
const loop = [1, 2, 3].map((i) =>
  toolSpan({
    parent: agent,
    traceId: LOOP_TRACE,
    at: i * 100,
    tool: 'read_file',
    args: '{"path":"README.md"}',
    attributes: i === 3 ? { 'code.file.path': 'src/agent.py', 'code.line.number': 42 } : {},
  }),
);
const truncated = llmSpan({ parent: agent, traceId: LOOP_TRACE, at: 1000, finish: 'length', output: 512 });
const failed = llmSpan({ traceId: FAILED_TRACE, at: 5000, error: '429 Too Many Requests' });
const clean = llmSpan({ traceId: CLEAN_TRACE, at: 9000, finish: 'stop' });

describe('ai-trace-lens findings', () => {
  let dir: string;
  let warningsFile: string;
  let errorFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-findings-'));
    warningsFile = join(dir, 'warnings.jsonl');
    errorFile = join(dir, 'error.jsonl');
    await writeFile(warningsFile, traceFileText([agent, ...loop, truncated], []) + traceFileText([clean], []));
    await writeFile(errorFile, traceFileText([failed], []));
  });

  after(() => rm(dir, { recursive: true, force: true }));

  test('--json lists each finding with its span and code location, null when the span names none', async () => {
    const result = await runCli(['findings', warningsFile, errorFile, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const { findings } = JSON.parse(result.stdout) as { findings: FindingJson[] };
    const brief = findings.map(({ rule, severity, traceId, spanId, code }) => ({
      rule,
      severity,
      traceId,
      spanId,
      code,
    }));
    assert.deepEqual(brief, [
      {
        rule: 'tool-loop',
        severity: 'warning',
        traceId: LOOP_TRACE,
        spanId: loop[2]!.spanId,
        code: { file: 'src/agent.py', line: 42 },
      },
      { rule: 'truncated-output', severity: 'warning', traceId: LOOP_TRACE, spanId: truncated.spanId, code: null },
      { rule: 'llm-error', severity: 'error', traceId: FAILED_TRACE, spanId: failed.spanId, code: null },
    ]);
    assert.match(findings[0]!.message, /read_file called 3 times with identical arguments/);
    assert.match(findings[2]!.hint, /^Rate limited/);
  });

  test('text puts one line per finding under its trace, then the count', async () => {
    const result = await runCli(['findings', warningsFile]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.ok(lines.includes(`  trace ${LOOP_TRACE}`), result.stdout);
    const findingLines = lines.filter((line) => /^ {2}(error|warning|information) /.test(line));
    assert.equal(findingLines.length, 2);
    assert.match(
      findingLines[0]!,
      /^ {2}warning +tool-loop +execute_tool read_file \(src\/agent\.py:42\): read_file called 3/,
    );
    assert.match(findingLines[1]!, /^ {2}warning +truncated-output +chat gpt-4o: gpt-4o stopped at its output limit/);
    assert.equal(lines.at(-1), '2 findings (2 warnings) in 1 of 2 traces');
    assert.doesNotMatch(result.stdout, new RegExp(CLEAN_TRACE));
  });

  test('--fail-on gates the exit code on the most severe finding', async () => {
    const cases: [string[], number][] = [
      [[warningsFile, '--fail-on', 'error'], 0],
      [[warningsFile, '--fail-on', 'warning'], 1],
      [[warningsFile, errorFile, '--fail-on', 'error'], 1],
      [[errorFile], 0],
    ];
    for (const [args, code] of cases) {
      const result = await runCli(['findings', ...args]);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    }
  });

  test('usage errors exit with 2', async () => {
    const badLevel = await runCli(['findings', warningsFile, '--fail-on', 'info']);
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.stderr, /--fail-on takes error or warning, not "info"/);
    const noInput = await runCli(['findings']);
    assert.equal(noInput.code, 2);
    assert.match(noInput.stderr, /findings needs at least one file or --store DIR/);
  });
});
