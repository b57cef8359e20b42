/**
 * Findings in a real VS Code: a trace whose agent calls one tool three times with identical arguments and gets a
 * truncated answer (finish reason `length`), its spans recorded at lines of the fixture agent, puts two diagnostics
 * in the Problems panel at those lines; the trace row counts them, the spans name their rules, and a diagnostic's
 * code action opens the flame graph at its span, whose details list the finding.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createExporter, exportSpans } from './otlp';
import { ProblemsPanel } from './pages/problems';
import { eventually, findNode, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';
import { AGENT_FILE, agentLine } from './workspaceFixture';

/** Where the tool calls and the model call are recorded: inside run_agent and call_model. */
const TOOL_CALL_LINE = agentLine('return get_weather(');
const MODEL_CALL_LINE = agentLine('return client.chat.completions.create(');

const ROOT = 'invoke_agent loop-bot';
const TOOL = 'execute_tool get_weather';
const LLM = 'chat gpt-4o';
const SOURCE = 'AI Trace Lens';

/** The agent run: three identical get_weather calls, then a streamed answer cut at max tokens. */
function recordLoopTrace(agentFile: string) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'findings-e2e' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('ai-trace-lens-e2e');
  const start = Date.now() - 5_000;
  const agent = tracer.startSpan(ROOT, {
    startTime: start,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'loop-bot' },
  });
  const parent = trace.setSpan(context.active(), agent);
  for (let i = 0; i < 3; i++) {
    const tool = tracer.startSpan(
      TOOL,
      {
        startTime: start + 100 + i * 300,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.arguments': '{"city":"Paris"}',
          'code.filepath': agentFile,
          'code.lineno': TOOL_CALL_LINE,
        },
      },
      parent,
    );
    tool.end(start + 300 + i * 300);
  }
  const llm = tracer.startSpan(
    LLM,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 1_100,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 900,
        'gen_ai.usage.output_tokens': 256,
        'gen_ai.response.finish_reasons': ['length'],
        'code.filepath': agentFile,
        'code.lineno': MODEL_CALL_LINE,
      },
    },
    parent,
  );
  llm.end(start + 2_400);
  agent.end(start + 2_500);
  return memory.getFinishedSpans().slice();
}

describe('findings in the Problems panel and the Traces view', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  let problems: ProblemsPanel;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'findings' });
      problems = new ProblemsPanel(vscode.page);
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('a tool loop and a truncated answer are two diagnostics at their lines', session, async () => {
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, recordLoopTrace(join(vscode.workspaceFolder, AGENT_FILE)));
    await exporter.shutdown();
    await vscode.tree.traceRow(ROOT).first().waitFor({ timeout: UI_TIMEOUT_MS });

    await problems.open();
    const listed = await problems.waitForProblems(SOURCE, 2);
    const loop = listed.find((problem) => problem.text.includes('tool-loop'));
    const truncated = listed.find((problem) => problem.text.includes('truncated-output'));
    assert.ok(loop !== undefined && truncated !== undefined, JSON.stringify(listed));
    assert.equal(loop.line, TOOL_CALL_LINE);
    assert.equal(truncated.line, MODEL_CALL_LINE);
    assert.match(loop.text, /get_weather called 3 times with identical arguments/);
    assert.match(truncated.text, /finish reason "length"/);
    await vscode.screenshot('problems');
  });

  uiTest('the trace row counts the findings and each span names its rule', session, async () => {
    const row = await eventually('the findings count on the trace row', async () => {
      const rows = await vscode.tree.traceRows();
      const found = rows.find((candidate) => candidate.label === ROOT);
      return found?.description.endsWith('⚠ 2 findings') === true ? found : undefined;
    });
    assert.match(row.ariaLabel, /2 findings/);
    const tree = await vscode.tree.expandTrace(ROOT);
    const agent = findNode(tree.children, ROOT);
    const tools = agent?.children.filter((node) => node.label === TOOL) ?? [];
    assert.equal(tools.length, 3);
    // The finding is on the call that made it a loop: the third.
    assert.deepEqual(
      tools.map((node) => node.description.includes('⚠ tool-loop')),
      [false, false, true],
    );
    assert.ok(findNode(tree.children, LLM)?.description.endsWith('⚠ truncated-output'));
    await vscode.screenshot('tree-marks');
  });

  uiTest(
    'the code action of a diagnostic opens the flame graph at its span, listing its finding',
    session,
    async () => {
      await problems.open();
      const titles = await problems.quickFixTitles('finish reason');
      assert.ok(titles.includes('Open in Flame Graph'), JSON.stringify(titles));
      assert.ok(titles.includes('Show Span Details'), JSON.stringify(titles));
      await vscode.page.keyboard.press('Escape');
      await problems.runQuickFix('finish reason', 'Open in Flame Graph');
      const flame = await vscode.flameGraph(ROOT);
      await flame.waitForSelected(LLM);
      const [finding, ...others] = await flame.findings(1);
      assert.deepEqual(others, []);
      assert.equal(finding!.rule, 'truncated-output');
      assert.equal(finding!.severity, 'warning');
      assert.match(finding!.message, /finish reason "length"/);
      assert.match(finding!.hint, /max_tokens/);
      await vscode.screenshot('flame-from-problem');
    },
  );
});
