/**
 * The Statistics view in a real VS Code: after the demo trace arrives it lists the demo's models and tools with the
 * call counts core computes from the same request, sorts by a column header, follows the Traces view's selection
 * (and goes back to every trace), and opens a row's slowest span, or its latest, in the flame graph.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../../src/core/demoTrace';
import { spansOf } from '../../src/core/model';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { aiStats } from '../../src/core/stats/aiStats';
import { TraceStore } from '../../src/core/store/traceStore';
import type { SpanRef } from '../../src/shared/statsProtocol';
import { postOtlpJson } from './otlp';
import { StatisticsView, type StatsRow } from './pages/statistics';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

const demo = buildDemoTrace();
const demoStore = new TraceStore({ maxSpans: 10_000 });
demoStore.ingest(spansOf(decodeTraceRequestJson(demo.body).request));
/** What the view should show, computed by core from the very request the test sends. */
const expected = aiStats(demoStore.traces());
const spanName = (ref: SpanRef) => demoStore.getTrace(ref.traceId)!.getSpan(ref.spanId)!.span.name;

/** `name: calls` of each row, sorted, to compare tables whatever their order. */
const callCounts = (rows: readonly { name: string; calls: number }[]) =>
  rows.map((row) => `${row.name}: ${row.calls}`).sort();
const shownCounts = (rows: readonly StatsRow[]) =>
  callCounts(rows.map((row) => ({ name: row.name, calls: Number(row.cells.Calls) })));

describe('the Statistics view', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  let statistics: StatisticsView;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'statistics' });
      statistics = new StatisticsView(vscode.page);
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('lists the demo trace’s models and tools with their call counts', session, async () => {
    assert.equal((await postOtlpJson(vscode.receiverPort, demo.body)).status, 200);
    await vscode.tree.traceRow(DEMO_ROOT_SPAN_NAME).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await statistics.open();
    const models = callCounts(expected.models.map((row) => ({ name: row.model, calls: row.calls })));
    const tools = callCounts(expected.tools.map((row) => ({ name: row.tool, calls: row.calls })));
    assert.ok(
      models.length >= 2 && tools.length >= 2,
      `the demo has models and tools: ${models.join()} ${tools.join()}`,
    );
    await statistics.waitForRows('models', (rows) => shownCounts(rows).join() === models.join());
    await statistics.waitForRows('tools', (rows) => shownCounts(rows).join() === tools.join());
    assert.match(await statistics.scopeLabel(), /^All traces \(1 trace\)$/);
    // The demo's gpt-4o is in the price table: its cost shows in dollars.
    const [gpt] = await statistics.rows('models');
    assert.match(gpt!.cells.Cost!, /^\$\d/);
    await vscode.screenshot('statistics');
  });

  uiTest('a column header sorts the table, and again the other way', session, async () => {
    const byDuration = [...expected.models].sort((a, b) => a.durationMs.p50 - b.durationMs.p50).map((row) => row.model);
    const before = (await statistics.rows('models')).map((row) => row.name);
    assert.notDeepEqual(before, byDuration, 'most calls first is not shortest first in the demo');
    await statistics.sortBy('models', 'p50');
    assert.deepEqual(await statistics.sortedBy('models'), { title: 'p50', direction: 'descending' });
    await statistics.sortBy('models', 'p50');
    assert.deepEqual(await statistics.sortedBy('models'), { title: 'p50', direction: 'ascending' });
    assert.deepEqual(
      (await statistics.rows('models')).map((row) => row.name),
      byDuration,
    );
    await vscode.screenshot('statistics-sorted');
  });

  uiTest('the scope follows the Traces view’s selection until Show All Traces', session, async () => {
    await vscode.tree.traceRow(DEMO_ROOT_SPAN_NAME).first().click();
    await statistics.waitForRows('models', (rows) => rows.length > 0);
    await eventuallyScope(statistics, `Trace ${DEMO_ROOT_SPAN_NAME}`);
    await statistics.showAllTraces();
    await eventuallyScope(statistics, 'All traces (1 trace)');
  });

  uiTest('a row opens its slowest span, and its button the latest, in the flame graph', session, async () => {
    const model = expected.models[0]!;
    await statistics.openSlowest('models', model.model);
    const flame = await vscode.flameGraph(DEMO_ROOT_SPAN_NAME);
    await flame.waitForSelected(spanName(model.slowest));
    const failing = expected.tools.find((row) => row.errors > 0)!;
    await statistics.openLatest('tools', failing.tool);
    await (await vscode.flameGraph(DEMO_ROOT_SPAN_NAME)).waitForSelected(spanName(failing.latest));
    await vscode.screenshot('statistics-flame');
  });
});

async function eventuallyScope(statistics: StatisticsView, label: string): Promise<void> {
  await eventually(`the scope "${label}"`, async () => ((await statistics.scopeLabel()) === label ? true : undefined));
}
