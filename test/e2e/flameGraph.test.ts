/**
 * The flame graph beside the code, in a real VS Code: opened from the Traces view, an LLM bar clicked for its tokens
 * and TTFT, jump to code from the chart onto the fixture agent (recorded once with its workspace path, once with the
 * container path `/app/agent.py` that a path mapping brings home), the CodeLens counting the calls, and hostile span
 * text kept as text inside the webview.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { SpanKind, TraceFlags, context, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { FlameGraph } from './pages/flameGraph';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';
import { createExporter, exportSpans } from './otlp';
import { AGENT_FILE, agentLine } from './workspaceFixture';

const RUN_AGENT_LINE = agentLine('def run_agent');
const CALL_MODEL_LINE = agentLine('def call_model');

const LLM_NAME = 'chat gpt-4o';
const IMG_PAYLOAD = '<img src=x onerror="window.__xss=1">';
const SCRIPT_PAYLOAD = '</script><script>window.__xss=1</script>';

interface FlameTrace {
  root: string;
  spans: ReadableSpan[];
}

/**
 * `invoke_agent {agent}` (3 s, recorded at `agentFile` line run_agent) → streaming `chat gpt-4o` (1.8 s, 1200→345
 * tokens, TTFT 420 ms, recorded at `/app/agent.py` line call_model) and `execute_tool get_weather`; sent by the SDK.
 */
function recordFlameTrace(
  agent: string,
  agentFile: string,
  extra: { llmName?: string; attributes?: Attributes } = {},
): FlameTrace {
  const { tracer, memory } = recorder();
  const start = Date.now() - 5_000;
  const root = `invoke_agent ${agent}`;
  const agentSpan = tracer.startSpan(root, {
    startTime: start,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'code.file.path': agentFile,
      'code.line.number': RUN_AGENT_LINE,
      'code.function.name': 'run_agent',
      ...extra.attributes,
    },
  });
  const parent = trace.setSpan(context.active(), agentSpan);
  const llm = tracer.startSpan(
    extra.llmName ?? LLM_NAME,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 100,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.stream': true,
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 345,
        'gen_ai.response.time_to_first_chunk': 0.42,
        'code.file.path': '/app/agent.py',
        'code.line.number': CALL_MODEL_LINE,
        'code.function.name': 'call_model',
        ...extra.attributes,
      },
    },
    parent,
  );
  llm.end(start + 1_900);
  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      startTime: start + 2_000,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
    },
    parent,
  );
  tool.end(start + 2_500);
  agentSpan.end(start + 3_000);
  return { root, spans: memory.getFinishedSpans().slice() };
}

function recorder() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'flame-e2e' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer('ai-trace-lens-e2e'), memory };
}

/** A second LLM call (`chat gpt-4o-mini`, 300→50 tokens, at 2.6 s) under the root of a trace sent before. */
function recordLateLlmCall(sent: FlameTrace): ReadableSpan[] {
  const root = sent.spans.find((span) => span.name === sent.root)!;
  const { tracer, memory } = recorder();
  const parent = trace.setSpanContext(context.active(), { ...root.spanContext(), traceFlags: TraceFlags.SAMPLED });
  // Inside the agent's 3 s, after the tool (which ends at 2.5 s).
  const start = root.startTime[0] * 1000 + root.startTime[1] / 1e6 + 2_600;
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 300,
        'gen_ai.usage.output_tokens': 50,
      },
    },
    parent,
  );
  llm.end(start + 200);
  return memory.getFinishedSpans().slice();
}

describe('the flame graph beside the code', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  /** Traces sent so far whose LLM call resolves to call_model: the CodeLens must count exactly these. */
  let sentTraces = 0;
  let firstTrace: FlameTrace | undefined;

  async function send(recorded: FlameTrace): Promise<void> {
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, recorded.spans);
    await exporter.shutdown();
    await vscode.tree.traceRow(recorded.root).first().waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Opens a trace's flame graph with the inline action of its row in the Traces view. */
  async function openFromTree(root: string): Promise<FlameGraph> {
    await vscode.tree.clickRowAction(root, 'Open Flame Graph');
    return vscode.flameGraph(root);
  }

  before(
    async () => {
      vscode = await VsCodeSession.start({
        name: 'flame-graph',
        settings: { 'aiTraceLens.pathMappings': [{ from: '/app', to: '.' }] },
      });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest(
    'the flame graph opens from the Traces view beside the editor, with its header and a drawn chart',
    session,
    async () => {
      await vscode.editors.open(AGENT_FILE);
      const recorded = recordFlameTrace('flame-bot', join(vscode.workspaceFolder, AGENT_FILE));
      await send(recorded);
      sentTraces++;
      firstTrace = recorded;

      const flame = await openFromTree(recorded.root);
      await vscode.editors.tab(`Flame: ${recorded.root}`).waitFor({ timeout: UI_TIMEOUT_MS });
      const codeGroup = await vscode.editors.group(AGENT_FILE).first().boundingBox();
      const flameGroup = await vscode.editors.group(`Flame: ${recorded.root}`).first().boundingBox();
      assert.ok(codeGroup !== null && flameGroup !== null, 'the code and the flame graph are both visible');
      assert.ok(
        flameGroup.x >= codeGroup.x + codeGroup.width - 1,
        'the flame graph opened in the column right of the code',
      );

      const figures = await flame.figures();
      // The cost is gpt-4o's list price at the bundled table: 1,200 tokens at $2.50 and 345 at $10 per million.
      for (const expected of ['3 s', '3 spans', '1 LLM call', '1 tool call', '1.2k→345 tok', '$0.0065']) {
        assert.ok(figures.includes(expected), `header figures "${figures}" include "${expected}"`);
      }
      assert.match(
        await flame.frame.locator('.trace-models').innerText(),
        /gpt-4o\s+1 call · 1\.2k→345 tok · \$0\.0065/,
      );
      assert.match(
        (await flame.frame.locator('.figure-cost').getAttribute('title')) ?? '',
        /^Cost of the model calls: prices from genai-prices \d+\.\d+\.\d+, \d{4}-\d{2}-\d{2}; /,
      );
      const ink = await eventually('a painted flame chart', async () => {
        const measured = await flame.ink();
        return measured.painted > 1000 && measured.colors >= 3 ? measured : undefined;
      });
      assert.ok(ink.colors >= 3, `bars in several colours (${ink.colors})`);
      await vscode.screenshot('flame-graph');
    },
  );

  uiTest('a click on the LLM bar shows its tokens and TTFT in the details', session, async () => {
    const flame = await vscode.flameGraph('invoke_agent flame-bot');
    // The LLM call covers 0.1 s to 1.9 s of the 3 s trace: a third of the way across is inside it.
    const bar = await flame.hoverBar(LLM_NAME, 1 / 3);
    assert.ok(bar.lines.includes('1.2k → 345 tokens'), `tooltip: ${JSON.stringify(bar.lines)}`);
    assert.ok(
      bar.lines.some((line) => line.startsWith('TTFT 420 ms')),
      `tooltip: ${JSON.stringify(bar.lines)}`,
    );

    await flame.click(bar);
    await flame.waitForSelected(LLM_NAME);
    const summary = await flame.summary();
    assert.equal(summary.get('Model'), 'gpt-4o');
    assert.equal(summary.get('Input tokens'), '1.2k (1200)');
    assert.equal(summary.get('Output tokens'), '345');
    assert.equal(summary.get('Time to first token'), '420 ms');
    assert.equal(summary.get('Duration'), '1.8 s');
    // The host's reply fills the attributes.
    await flame.details
      .locator('.attributes th', { hasText: 'gen_ai.usage.input_tokens' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.screenshot('llm-selected');
  });

  uiTest('Enter on the selected LLM span opens its code through the path mapping, and says so', session, async () => {
    const flame = await vscode.flameGraph('invoke_agent flame-bot');
    await flame.waitForSelected(LLM_NAME);
    await flame.canvas.press('Enter');

    await eventually(`the cursor on line ${CALL_MODEL_LINE}`, async () =>
      (await vscode.editors.cursorLine()) === CALL_MODEL_LINE ? true : undefined,
    );
    assert.equal(await vscode.editors.activeFile(), AGENT_FILE, 'the fixture file is the active editor');
    const status = (await vscode.flameGraph('invoke_agent flame-bot')).jumpStatus;
    await eventually('the jump outcome in the flame graph', async () =>
      (await status.innerText()).includes('found by') ? true : undefined,
    );
    assert.equal(await status.innerText(), `Opened ${AGENT_FILE}:${CALL_MODEL_LINE} — found by path mapping`);
  });

  uiTest(
    'the Jump to Code button on the root span opens run_agent, found by its code attributes',
    session,
    async () => {
      const flame = await vscode.flameGraph('invoke_agent flame-bot');
      // Up from the LLM call to its parent, the agent span.
      await flame.canvas.press('ArrowUp');
      await flame.waitForSelected('invoke_agent flame-bot');
      await flame.frame.locator('.details-actions vscode-button', { hasText: 'Jump to Code' }).click();

      await eventually(`the cursor on line ${RUN_AGENT_LINE}`, async () =>
        (await vscode.editors.cursorLine()) === RUN_AGENT_LINE ? true : undefined,
      );
      const status = (await vscode.flameGraph('invoke_agent flame-bot')).jumpStatus;
      await eventually('the jump outcome in the flame graph', async () =>
        (await status.innerText()).includes('found by') ? true : undefined,
      );
      assert.equal(await status.innerText(), `Opened ${AGENT_FILE}:${RUN_AGENT_LINE} — found by code attributes`);
      await vscode.screenshot('jumped-to-code');
    },
  );

  uiTest('the CodeLens above call_model counts the calls of every trace sent', session, async () => {
    for (const agent of ['flame-bot-2', 'flame-bot-3']) {
      await send(recordFlameTrace(agent, join(vscode.workspaceFolder, AGENT_FILE)));
      sentTraces++;
    }
    assert.equal(sentTraces, 3);
    // Tokens are the total over the calls: 3 × (1200 + 345).
    const expected = 'AI Trace Lens: 3 calls · p50 1.8 s · 4.6k tok · $0.0065/call · TTFT p50 420 ms';
    const lenses = await eventually(`the CodeLens "${expected}"`, async () => {
      const found = await vscode.codeLens.above(AGENT_FILE, 'def call_model');
      return found.includes(expected) ? found : undefined;
    });
    assert.deepEqual(lenses, [expected], 'one lens above call_model');
    assert.deepEqual(await vscode.codeLens.above(AGENT_FILE, 'def run_agent'), ['AI Trace Lens: 3 calls · p50 3 s']);
    // The tool spans carry no code attributes: they resolve to the tool's definition by its name.
    assert.deepEqual(await vscode.codeLens.above(AGENT_FILE, 'def get_weather'), [
      'AI Trace Lens: 3 calls · p50 500 ms',
    ]);
    assert.deepEqual(await vscode.codeLens.above(AGENT_FILE, 'SYSTEM_PROMPT ='), [], 'no lens where no span points');
    await vscode.screenshot('codelens');

    // The lens opens the latest of those traces at the LLM call.
    await vscode.codeLens.link(AGENT_FILE, expected).click();
    const flame = await vscode.flameGraph('invoke_agent flame-bot-3');
    await flame.waitForSelected(LLM_NAME);
    assert.equal((await flame.summary()).get('Time to first token'), '420 ms');
  });

  uiTest(
    'span text with HTML and script stays text in the flame graph, and no script of it runs',
    session,
    async () => {
      const recorded = recordFlameTrace(IMG_PAYLOAD, join(vscode.workspaceFolder, AGENT_FILE), {
        llmName: `chat ${SCRIPT_PAYLOAD}`,
        attributes: { 'xss.img': IMG_PAYLOAD, 'xss.script': SCRIPT_PAYLOAD },
      });
      await send(recorded);

      const flame = await openFromTree(recorded.root);
      const { frame } = flame;
      assert.equal(await frame.locator('.trace-header .trace-name').textContent(), recorded.root);
      const bar = await flame.hoverBar(`chat ${SCRIPT_PAYLOAD}`, 1 / 3);
      assert.equal(bar.lines[0], `chat ${SCRIPT_PAYLOAD}`);
      await flame.click(bar);
      assert.equal(await flame.details.locator('.details-name').textContent(), `chat ${SCRIPT_PAYLOAD}`);
      const attributes = await eventually('the attributes of the hostile span', async () => {
        const rows = await flame.attributes();
        return rows.has('xss.img') ? rows : undefined;
      });
      assert.equal(attributes.get('xss.img'), IMG_PAYLOAD);
      assert.equal(attributes.get('xss.script'), SCRIPT_PAYLOAD);

      assert.equal(await frame.locator('img').count(), 0, 'no <img> element in the flame graph');
      assert.equal(await frame.locator('body script').count(), 2, 'only the page’s own two scripts');
      const markers = await vscode.workbench.xssMarkers();
      assert.ok(markers.length > 2, 'the workbench and the webview frames were checked');
      assert.deepEqual(
        markers.filter((marker) => marker !== undefined),
        [],
        'window.__xss is undefined in every frame',
      );
      await vscode.screenshot('flame-xss-literal');
    },
  );

  uiTest(
    'a flame graph hidden and shown again keeps selection and search, and shows spans arriving later',
    session,
    async () => {
      assert.ok(firstTrace !== undefined, 'the first test sent the trace');
      const title = `Flame: ${firstTrace.root}`;
      await vscode.editors.tab(title).click();
      const flame = await vscode.flameGraph(firstTrace.root);
      await flame.canvas.press('ArrowUp');
      await flame.waitForSelected(firstTrace.root);
      await flame.search.fill('get_weather');
      assert.equal(await flame.matchCount(), '1 match');

      // Another editor over it in its group destroys the hidden page; showing the tab again reloads it. (Not agent.py:
      // an editor visible in another group is activated there rather than opened here.)
      await vscode.editors.open('README.md');
      await eventually('the hidden flame graph page to be destroyed', () =>
        flame.frame.isDetached() ? true : undefined,
      );
      await vscode.editors.tab(title).click();
      const reloaded = await vscode.flameGraph(firstTrace.root);
      await reloaded.waitForSelected(firstTrace.root);
      assert.equal(await reloaded.search.inputValue(), 'get_weather', 'the search was restored');
      assert.equal(await reloaded.matchCount(), '1 match');

      const exporter = createExporter('json', vscode.receiverPort);
      await exportSpans(exporter, recordLateLlmCall(firstTrace));
      await exporter.shutdown();
      const figures = await eventually('the late LLM call in the header', async () => {
        const text = await reloaded.figures();
        return text.includes('2 LLM calls') ? text : undefined;
      });
      assert.ok(figures.includes('4 spans'), figures);
      assert.ok(figures.includes('1.5k→395 tok'), figures);
      assert.equal(await reloaded.frame.locator('.details-name').innerText(), firstTrace.root, 'the selection stayed');
      assert.equal(await reloaded.matchCount(), '1 match', 'the search stayed');
      const bar = await reloaded.hoverBar('chat gpt-4o-mini', 2.7 / 3);
      assert.ok(bar.lines.includes('300 → 50 tokens'), `tooltip: ${JSON.stringify(bar.lines)}`);
    },
  );
});
