/**
 * Traces sent by the real OpenTelemetry SDK exporters to the extension's receiver show up live in the Traces view:
 * spans with their kinds and LLM figures, trees rebuilt from out-of-order requests, hostile strings kept as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { eventually, findNode, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession, type TreeNode } from './session';
import { createExporter, exportSpans, recordAgentTrace, type AgentTraceNames, type ExporterKind } from './otlp';

const IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">';
const SCRIPT_PAYLOAD = '</script><script>window.__xss=1</script>';

/**
 * The agent trace as the view must show it: kinds as icons, the LLM call's model, tokens, cost and TTFT. The cost is
 * gpt-4o's list price at the bundled table: 1,200 input tokens at $2.50 and 345 output tokens at $10 per million.
 */
function assertAgentTree(trace: TreeNode, names: AgentTraceNames): void {
  assert.equal(trace.label, names.root);
  assert.ok(trace.icons.includes('codicon-robot'), `trace icon: ${trace.icons.join(' ')}`);
  assert.equal(
    trace.description,
    `${names.service} · 3 s · 1.5k tok · $0.0065`,
    'trace: service, duration, tokens, cost',
  );

  assert.deepEqual(
    trace.children.map((node) => node.label),
    [names.root],
    'one root span',
  );
  const agent = trace.children[0]!;
  assert.ok(agent.icons.includes('codicon-robot'), `agent icon: ${agent.icons.join(' ')}`);
  assert.deepEqual(
    agent.children.map((node) => node.label),
    [names.llm, names.tool],
    'the LLM call and the tool run under the agent, in start order',
  );

  const [llm, tool] = agent.children as [TreeNode, TreeNode];
  assert.ok(llm.icons.includes('codicon-sparkle'), `LLM icon: ${llm.icons.join(' ')}`);
  assert.equal(llm.description, 'gpt-4o · 1.8 s · 1.2k→345 tok · $0.0065 · TTFT 420 ms');
  assert.deepEqual(llm.children, []);

  assert.ok(tool.icons.includes('codicon-tools'), `tool icon: ${tool.icons.join(' ')}`);
  assert.equal(tool.description, 'get_weather · 510 ms');
  assert.deepEqual(
    tool.children.map((node) => node.label),
    [names.mcp],
    'the MCP call runs under the tool',
  );
  assert.ok(tool.children[0]!.icons.includes('codicon-plug'), `MCP icon: ${tool.children[0]!.icons.join(' ')}`);
  assert.equal(tool.children[0]!.description, 'get_weather · 490 ms');
}

describe('traces from OpenTelemetry SDK exporters in the Traces view', { timeout: 15 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'live-traces' });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  for (const kind of ['protobuf', 'json', 'grpc'] satisfies ExporterKind[]) {
    uiTest(`an agent trace from the ${kind} exporter shows kinds, model, tokens and TTFT`, session, async () => {
      const recorded = recordAgentTrace({ agentName: `weather-bot-${kind}`, service: `weather-service-${kind}` });
      const exporter = createExporter(kind, kind === 'grpc' ? vscode.grpcPort : vscode.receiverPort);
      await exportSpans(exporter, recorded.spans);
      await exporter.shutdown();

      const trace = await vscode.tree.expandTrace(recorded.names.root);
      assertAgentTree(trace, recorded.names);
      assert.equal(await vscode.tree.traceRow(recorded.names.root).count(), 1, 'one row for the trace');
      if (kind !== 'protobuf') return;
      await vscode.screenshot('agent-trace');
      const tooltip = await vscode.tree.rowTooltip(vscode.tree.traceRow(recorded.names.root).first());
      assert.ok(tooltip.text.includes('Cost: $0.0065'), `tooltip text: ${tooltip.text}`);
      assert.match(tooltip.text, /gpt-4o: 1 call, 1\.2k→345 tok, \$0\.0065/);
      assert.match(
        tooltip.text,
        /Prices from genai-prices \d+\.\d+\.\d+, \d{4}-\d{2}-\d{2}; aiTraceLens\.prices overrides them/,
        'the tooltip says which prices the cost assumes',
      );
      await vscode.screenshot('trace-cost-tooltip');
    });
  }

  uiTest('spans of one trace sent out of order in several requests form one tree', session, async () => {
    const recorded = recordAgentTrace({ agentName: 'out-of-order', service: 'out-of-order-service' });
    const byName = new Map(recorded.spans.map((span) => [span.name, span]));
    const { root, llm, tool, mcp } = recorded.names;
    const exporter = createExporter('protobuf', vscode.receiverPort);
    // Children before their parents, the root in the middle.
    for (const name of [mcp, root, llm, tool]) await exportSpans(exporter, [byName.get(name)!]);
    await exporter.shutdown();

    const trace = await eventually('the out-of-order trace with all four spans', async () => {
      const candidate = await vscode.tree.expandTrace(root);
      const agent = candidate.children[0];
      return agent?.children.length === 2 && findNode(agent.children, mcp) !== undefined ? candidate : undefined;
    });
    assertAgentTree(trace, recorded.names);
    assert.equal(await vscode.tree.traceRow(root).count(), 1, 'one row for the trace');
    const orphans = (await vscode.tree.rows()).filter((row) => row.description.includes('parent not received'));
    assert.deepEqual(orphans, [], 'no span is left marked as an orphan');
  });

  uiTest('span names and attributes with HTML and script stay literal text everywhere', session, async () => {
    const recorded = recordAgentTrace({
      agentName: IMG_PAYLOAD,
      service: `svc ${IMG_PAYLOAD}`,
      toolSpanName: `execute_tool ${SCRIPT_PAYLOAD}`,
      extraAttributes: { 'xss.img': IMG_PAYLOAD, 'xss.script': SCRIPT_PAYLOAD },
    });
    const exporter = createExporter('json', vscode.receiverPort);
    await exportSpans(exporter, recorded.spans);
    await exporter.shutdown();
    const { root, tool } = recorded.names;

    const trace = await vscode.tree.expandTrace(root);
    assert.equal(trace.label, `invoke_agent ${IMG_PAYLOAD}`);
    assert.match(trace.description, /^svc <img src=x onerror="window\.__xss=1"> · /);
    assert.equal(findNode(trace.children, tool)?.label, `execute_tool ${SCRIPT_PAYLOAD}`);

    const agentRow = vscode.tree.rowsContaining(root, 2);
    const tooltip = await vscode.tree.rowTooltip(agentRow.first());
    assert.ok(tooltip.text.includes(`invoke_agent ${IMG_PAYLOAD}`), `tooltip text: ${tooltip.text}`);
    assert.ok(tooltip.text.includes(`Agent: ${IMG_PAYLOAD}`), `tooltip text: ${tooltip.text}`);
    assert.doesNotMatch(tooltip.html, /<img|<script/i, 'the tooltip holds no element from the span');

    // A click on a span opens its details beside, keeping the focus in the tree.
    await vscode.tree.rowsContaining(tool).first().click();
    const details = await vscode.editors.text('execute_tool');
    assert.ok(details.startsWith(`# execute_tool ${SCRIPT_PAYLOAD}\n`), details.slice(0, 300));
    assert.ok(details.includes(`name: ${JSON.stringify(tool)}\n`), 'the name, quoted');
    assert.ok(details.includes(`service: ${JSON.stringify(recorded.names.service)}\n`), 'the service, quoted');

    assert.equal(await vscode.page.locator('img[src="x"]').count(), 0, 'no <img src=x> element in the workbench');
    const markers = await vscode.workbench.xssMarkers();
    assert.ok(markers.length > 0);
    assert.deepEqual(
      markers.filter((marker) => marker !== undefined),
      [],
      'window.__xss is undefined in the workbench and in every frame',
    );
    await vscode.screenshot('xss-literal');
  });
});
