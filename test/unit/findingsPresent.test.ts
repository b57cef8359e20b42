/**
 * How findings read in the editor (core/findings/present.ts), over findings the engine really raised: the marks on
 * trace and span rows, the Problems panel's message, and a tooltip that keeps span text as text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FindingsIndex } from '../../src/core/findings/findingsIndex';
import {
  findingMessage,
  findingsTooltipMarkdown,
  spanFindingsMark,
  traceFindingsMark,
  worstSeverity,
} from '../../src/core/findings/present';
import { TraceStore } from '../../src/core/store/traceStore';
import { agentSpan, FINDINGS_TRACE, llmSpan, toolSpan } from '../support/findingSpans';

/** A trace with a tool loop (three identical calls) and a truncated answer, and its findings. */
function loopAndTruncation(tool = 'read_file') {
  const store = new TraceStore({ maxSpans: 1000 });
  const agent = agentSpan('planner', { at: 0 });
  const calls = [1, 2, 3].map((i) => toolSpan({ parent: agent, at: i * 100, tool, args: '{"path":"a"}' }));
  const answer = llmSpan({ parent: agent, at: 500, finish: 'length' });
  store.ingest([agent, ...calls, answer]);
  const index = new FindingsIndex(store);
  index.reset();
  return { findings: index.forTrace(FINDINGS_TRACE), agent, calls, answer };
}

test('a trace row counts its findings, and says nothing when it has none', () => {
  const { findings } = loopAndTruncation();
  assert.equal(traceFindingsMark(findings), '⚠ 2 findings');
  assert.equal(traceFindingsMark(findings.slice(0, 1)), '⚠ 1 finding');
  assert.equal(traceFindingsMark([]), undefined);
});

test('a span row names the rules raised on it, and only on it', () => {
  const { findings, agent, calls, answer } = loopAndTruncation();
  assert.equal(spanFindingsMark(findings, calls[2]!.spanId), '⚠ tool-loop');
  assert.equal(spanFindingsMark(findings, answer.spanId), '⚠ truncated-output');
  assert.equal(spanFindingsMark(findings, agent.spanId), undefined);
  assert.equal(spanFindingsMark(findings, calls[0]!.spanId), undefined);
});

test('the message carries the figures and the hint; the worst severity leads', () => {
  const { findings } = loopAndTruncation();
  const loop = findings.find((finding) => finding.rule === 'tool-loop')!;
  const message = findingMessage(loop);
  assert.match(message, /read_file called 3 times/);
  assert.ok(message.endsWith(loop.hint), message);
  assert.equal(worstSeverity([]), undefined);
  const severities = new Set(findings.map((finding) => finding.severity));
  assert.equal(worstSeverity(findings), severities.has('error') ? 'error' : 'warning');
  assert.equal(
    worstSeverity([
      { ...loop, severity: 'information' },
      { ...loop, severity: 'error' },
    ]),
    'error',
  );
});

test('the tooltip lists each finding with its rule, span text escaped', () => {
  const { findings } = loopAndTruncation('<img src=x>**bold**');
  const markdown = findingsTooltipMarkdown(findings);
  const lines = markdown.split('  \n');
  assert.equal(lines[0], '**2 findings**');
  assert.equal(lines.length, 3);
  assert.ok(lines.some((line) => line.includes('`tool-loop`')));
  assert.ok(lines.some((line) => line.includes('`truncated-output`')));
  assert.doesNotMatch(markdown, /(^|[^\\])[<*]{1,2}(img|bold)/, 'no unescaped HTML or emphasis');
  assert.ok(markdown.includes('\\<img src\\=x\\>\\*\\*bold\\*\\*'), markdown);
  assert.equal(findingsTooltipMarkdown([]), '');
});
