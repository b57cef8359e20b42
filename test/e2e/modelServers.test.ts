/**
 * Model-server metrics in a real VS Code: a fake vLLM /metrics on loopback (14 requests waiting, KV cache 97 %,
 * preemptions counting up) configured in `aiTraceLens.modelServers`, then a trace whose slow LLM call names that
 * server and ran while it was scraped: the server's lane shows under the spans, the flame graph's details show the
 * queue and KV-cache figures for the call, and the call carries the `server-saturated` finding.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exposition, fakeEndpoint, vllmText, type FakeEndpoint } from '../unit/modelServerFixtures';
import { createExporter, exportSpans } from './otlp';
import { eventually, findNode, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

const ROOT = 'invoke_agent busy-bot';
const LLM = 'chat Qwen/Qwen3-0.6B';

/** The agent run: one streamed call to the local vLLM whose first token took 2.5 s, the scrape at `scrapedAt` in it. */
function recordSlowCall(port: number, scrapedAt: number) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'model-servers-e2e' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('ai-trace-lens-e2e');
  const start = scrapedAt - 1_000;
  const agent = tracer.startSpan(ROOT, {
    startTime: start,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'busy-bot' },
  });
  const llm = tracer.startSpan(
    LLM,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 100,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'Qwen/Qwen3-0.6B',
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 2.5,
        'gen_ai.usage.input_tokens': 3000,
        'gen_ai.usage.output_tokens': 120,
        'server.address': '127.0.0.1',
        'server.port': port,
      },
    },
    trace.setSpan(context.active(), agent),
  );
  llm.end(start + 3_500);
  agent.end(start + 3_600);
  return memory.getFinishedSpans().slice();
}

describe('model-server metrics beside the trace', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  let vllm: FakeEndpoint;
  let preemptions = 0;
  const scrapes: number[] = [];

  before(
    async () => {
      vllm = await fakeEndpoint((response) => {
        scrapes.push(Date.now());
        preemptions += 2;
        const state = { running: 8, waiting: 14, kvCache: 0.97, preemptions, prefixHits: 0, prefixQueries: 0 };
        exposition(response, vllmText({ ...state, ttftBuckets: [0, 0, 0, 0, 0], ttftSum: 0 }));
      });
      vscode = await VsCodeSession.start({
        name: 'modelServers',
        // Machine scope: only where a workspace cannot set it (code-server's remote settings).
        machineSettings: { 'aiTraceLens.modelServers': [{ url: vllm.url, name: 'fake vLLM' }] },
      });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
    await vllm?.close();
  });

  uiTest('the slow LLM call shows the queue and KV cache in the details and is flagged', session, async () => {
    // The window scrapes the configured server from its start.
    const scrapedAt = await eventually('a first scrape of the fake vLLM', () => scrapes[0]);
    // The call's prefill holds that scrape, and the call has ended by the time it is sent.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, scrapedAt + 3_000 - Date.now())));
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, recordSlowCall(Number(new URL(vllm.url).port), scrapedAt));
    await exporter.shutdown();
    await vscode.tree.traceRow(ROOT).first().waitFor({ timeout: UI_TIMEOUT_MS });

    await vscode.tree.clickRowAction(ROOT, 'Open Flame Graph');
    const flame = await vscode.flameGraph(ROOT);
    // One lane, the fake server's, drawn under the spans.
    const lanes = await eventually('the fake vLLM lane under the spans', async () => {
      const drawn = await flame.lanes();
      return drawn.length > 0 && drawn.every((lane) => lane.painted > 0) ? drawn : undefined;
    });
    assert.deepEqual(
      lanes.map((lane) => lane.name.includes(vllm.url)),
      [true],
    );
    await flame.click(await flame.hoverBar(LLM, 1 / 2));
    await flame.waitForSelected(LLM);
    const line = await eventually('the Model server row', async () => (await flame.summary()).get('Model server'));
    assert.match(line, /^queue 14 waiting · KV cache 97%/);
    // The server by the name the setting gives it.
    assert.ok(line.endsWith(' · fake vLLM'), line);

    // Beside `unpriced-model`: the fake model is in no price table.
    const finding = (await flame.findings(2)).find((listed) => listed.rule === 'server-saturated');
    assert.ok(finding !== undefined);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /prefill ran on a saturated model server .*queue 14 waiting · KV cache 97%/);
    await vscode.screenshot('model-server-details');

    const tree = await vscode.tree.expandTrace(ROOT);
    assert.ok(findNode(tree.children, LLM)?.description.includes('⚠ server-saturated'));
  });
});
