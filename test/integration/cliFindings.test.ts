/**
 * `ai-trace-lens findings` on saved JSON Lines traces: findings under their trace as text, the JSON document with the
 * span's code location, the exit codes of --fail-on, usage errors, and server-saturated from recorded scrapes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FindingJson } from '../../src/cli/findings';
import { parseExposition } from '../../src/core/modelServers/exposition';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { encodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { traceFileText } from '../../src/core/traceFile';
import { agentSpan, llmSpan, toolSpan } from '../support/findingSpans';
import { DEFAULT_START_MS } from '../support/spanBuilder';
import { IDLE_VLLM, vllmText } from '../unit/modelServerFixtures';
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

describe('ai-trace-lens findings with model-server metrics', () => {
  const SERVER = {
    url: 'http://127.0.0.1:8000/metrics',
    address: { 'server.address': '127.0.0.1', 'server.port': 8000 },
  };
  const call = llmSpan({ traceId: 'd4'.repeat(16), at: 500, ttftS: 1, durationMs: 2000, attributes: SERVER.address });
  let dir: string;

  /** vLLM scraped every second from the trace's start, saturated (14 waiting, KV cache 97 %) at 1 s, as OTLP lines. */
  function scrapedLines(): string {
    const states = [IDLE_VLLM, { ...IDLE_VLLM, waiting: 14, kvCache: 0.97 }, IDLE_VLLM, IDLE_VLLM];
    return states
      .map((state, second) => {
        const time = BigInt(DEFAULT_START_MS + second * 1000) * 1_000_000n;
        return `${encodeMetricsRequestJson(scrapeToOtlp(parseExposition(vllmText(state)), new URL(SERVER.url), time))}\n`;
      })
      .join('');
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-findings-servers-'));
    await writeFile(join(dir, 'trace.jsonl'), traceFileText([call], []));
    await writeFile(join(dir, 'scraped.jsonl'), traceFileText([call], []) + scrapedLines());
  });

  after(() => rm(dir, { recursive: true, force: true }));

  test('server-saturated flags the call whose prefill overlapped the recorded queue, and only with the metrics', async () => {
    const withMetrics = await runCli(['findings', join(dir, 'scraped.jsonl'), '--json']);
    assert.equal(withMetrics.code, 0, withMetrics.stderr);
    const flagged = (JSON.parse(withMetrics.stdout) as { findings: FindingJson[] }).findings.filter(
      (finding) => finding.rule === 'server-saturated',
    );
    assert.deepEqual(
      flagged.map(({ spanId, severity }) => ({ spanId, severity })),
      [{ spanId: call.spanId, severity: 'warning' }],
    );
    assert.match(flagged[0]!.message, /queue 14 waiting · KV cache 97%/);

    const traceOnly = await runCli(['findings', join(dir, 'trace.jsonl'), '--json']);
    assert.equal(traceOnly.code, 0, traceOnly.stderr);
    const rules = (JSON.parse(traceOnly.stdout) as { findings: FindingJson[] }).findings.map((finding) => finding.rule);
    assert.ok(!rules.includes('server-saturated'), rules.join(', '));
  });
});
