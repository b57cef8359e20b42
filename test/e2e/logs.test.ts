/**
 * Logs in a real VS Code: GenAI events and a log line sent by the OTel logs SDK before their span arrives, then the trace;
 * the flame graph's details of the LLM span show the conversation made from those events and the span's logs, hostile
 * log text kept as text, and a log sent while they are open.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';
import { createExporter, exportSpans } from './otlp';

const ROOT = 'invoke_agent log-bot';
const LLM_NAME = 'chat gpt-4o';
const HOSTILE_LOG = '<img src=x onerror="window.__xss=1"> retrying the weather tool';

describe('logs joined to their spans', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'logs' });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest(
    'GenAI log events sent before their span make its conversation; its logs show as text, later ones live',
    session,
    async () => {
      const resource = resourceFromAttributes({ 'service.name': 'logs-e2e' });
      const memory = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer(
        'e2e',
      );
      const start = Date.now() - 5_000;
      const agent = tracer.startSpan(ROOT, {
        startTime: start,
        attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      });
      const llm = tracer.startSpan(
        LLM_NAME,
        {
          kind: SpanKind.CLIENT,
          startTime: start + 100,
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
        },
        trace.setSpan(context.active(), agent),
      );
      const newLogger = () =>
        new LoggerProvider({
          resource,
          processors: [
            new SimpleLogRecordProcessor(
              new OTLPLogExporter({ url: `http://127.0.0.1:${vscode.receiverPort}/v1/logs` }),
            ),
          ],
        });
      const logs = newLogger();
      const logger = logs.getLogger('opentelemetry.instrumentation.openai_v2');
      const current = trace.setSpan(context.active(), llm);
      logger.emit({
        context: current,
        timestamp: start + 200,
        eventName: 'gen_ai.user.message',
        body: { content: 'Weather in Paris?' },
      });
      logger.emit({ context: current, timestamp: start + 300, severityText: 'WARN', body: HOSTILE_LOG });
      logger.emit({
        context: current,
        timestamp: start + 400,
        eventName: 'gen_ai.choice',
        body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Rainy, 14 °C.' } },
      });
      await logs.shutdown();
      llm.end(start + 1_900);
      agent.end(start + 3_000);
      const exporter = createExporter('protobuf', vscode.receiverPort);
      await exportSpans(exporter, memory.getFinishedSpans().slice());
      await exporter.shutdown();

      await vscode.tree.traceRow(ROOT).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await vscode.tree.clickRowAction(ROOT, 'Open Flame Graph');
      const flame = await vscode.flameGraph(ROOT);
      const { frame, details } = flame;
      // The LLM call covers 0.1 s to 1.9 s of the 3 s trace.
      await flame.click(await flame.hoverBar(LLM_NAME, 1 / 3));
      await details.locator('.details-name', { hasText: LLM_NAME }).waitFor({ timeout: UI_TIMEOUT_MS });

      const conversation = details.locator('.transcript .message');
      await conversation.first().waitFor({ timeout: UI_TIMEOUT_MS });
      assert.deepEqual(await conversation.locator('.message-text').allTextContents(), [
        'Weather in Paris?',
        'Rainy, 14 °C.',
      ]);
      const logSection = details.locator('.details-section', { has: frame.locator('h3', { hasText: 'Logs (3)' }) });
      const names = await logSection.locator('.event-name').allTextContents();
      // Severity (only the log line set one) and event name, then the offset from the span start.
      assert.deepEqual(
        names.map((name) => name.split(' · ')[0]),
        ['gen_ai.user.message', 'WARN', 'gen_ai.choice'],
      );
      assert.ok(names[0]!.endsWith(' · +100 ms'), names[0]);
      assert.equal(await logSection.locator('pre.log-body').nth(1).textContent(), HOSTILE_LOG);
      assert.equal(await frame.locator('img').count(), 0, 'the log text made no <img> element');
      assert.deepEqual(
        (await vscode.workbench.xssMarkers()).filter((marker) => marker !== undefined),
        [],
      );
      await vscode.screenshot('llm-logs');

      // A log of the span that arrives while its details are open shows in them, with no click.
      const lateLogs = newLogger();
      lateLogs
        .getLogger('late')
        .emit({ context: current, timestamp: start + 1_500, severityText: 'INFO', body: 'usage recorded late' });
      await lateLogs.shutdown();
      const lateSection = details.locator('.details-section', { has: frame.locator('h3', { hasText: 'Logs (4)' }) });
      await lateSection.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await lateSection.locator('pre.log-body').nth(3).textContent(), 'usage recorded late');
    },
  );
});
