/**
 * Filtering the Traces view with TraceQL in a real VS Code: the Filter button asks for a query (a bad one says where
 * it fails and is not applied), the view then lists only the matching traces with their matching spans marked and
 * says how many match, and the filled funnel clears the filter.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { createExporter, exportSpans, recordAgentTrace } from './otlp';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

const FILTER_TITLE = 'Filter Traces with TraceQL';
/** The AI scope's spelling: an unscoped attribute path, as TraceQL's grammar allows (core/traceql). */
const LLM_CONDITION = '.ai.kind = "llm"';

describe('Traces view filtered with TraceQL', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'trace-filter' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('a query narrows the view to matching traces, marks their spans, and clears', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    const exporter = createExporter('protobuf', vscode.receiverPort);
    const planner = recordAgentTrace({ agentName: 'planner', service: 'travel-app' });
    const writer = recordAgentTrace({ agentName: 'writer', service: 'docs-app' });
    for (const recorded of [planner, writer]) await exportSpans(exporter, recorded.spans);
    await exporter.shutdown();
    await eventually('two trace rows', async () => ((await vscode.tree.traceRows()).length === 2 ? true : undefined));

    await vscode.tree.clickTitleAction('Filter Traces (TraceQL)');
    await vscode.palette.waitForTitle(FILTER_TITLE);
    // A query that does not parse says so on its row, and Enter does not apply it.
    await vscode.palette.input.fill('{ resource.service.name = }');
    await vscode.palette.widget
      .locator('.monaco-list-row', { hasText: /column \d+/ })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.palette.input.press('Enter');
    await vscode.palette.waitForTitle(FILTER_TITLE);

    const query = `{ resource.service.name = "travel-app" && ${LLM_CONDITION} }`;
    await vscode.palette.input.fill(query);
    await vscode.palette.widget
      .locator('.monaco-list-row', { hasText: 'Press Enter to filter' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.palette.input.press('Enter');
    const rows = await eventually('only the matching trace', async () => {
      const current = await vscode.tree.traceRows();
      return current.length === 1 && current[0]!.label === planner.names.root ? current : undefined;
    });
    assert.match(rows[0]!.description, /^1 matching span · /);
    const expected = `1 of 2 traces match ${query}`;
    await eventually('the count of matching traces', async () =>
      (await vscode.tree.message()) === expected ? true : undefined,
    );

    const trace = await vscode.tree.expandTrace(planner.names.root);
    const marked = (await vscode.tree.rows()).filter((row) => row.highlighted).map((row) => row.label);
    assert.deepEqual(marked, [planner.names.llm]);
    assert.ok(trace.children.length > 0);
    await vscode.screenshot('filtered');

    await vscode.tree.clickTitleAction('Clear Trace Filter');
    await eventually('both traces again', async () =>
      (await vscode.tree.traceRows()).length === 2 ? true : undefined,
    );
    await eventually('the count gone', async () => ((await vscode.tree.message()) === '' ? true : undefined));
    assert.deepEqual(
      (await vscode.tree.rows()).filter((row) => row.highlighted),
      [],
    );

    // The query is remembered: the next filter offers it.
    await vscode.tree.clickTitleAction('Filter Traces (TraceQL)');
    const offered = await vscode.palette.pickLabels(FILTER_TITLE);
    assert.ok(offered.includes(query), offered.join('\n'));
    await vscode.page.keyboard.press('Escape');
  });
});
