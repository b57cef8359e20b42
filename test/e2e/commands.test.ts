/**
 * A fresh VS Code with the packaged extension: activation after startup, then the commands as a user runs them from
 * the command palette, each checked on the real UI and the real receiver.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { parse } from 'yaml';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../../src/core/demoTrace';
import { parseOtlpFile } from '../../src/core/inputFiles';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { loadOtlpFile } from '../../src/core/traceFile';
import { eventually, findNode, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';
import { createExporter, exportSpans, postOtlpJson, recordAgentTrace, traceRequest } from './otlp';

describe('commands in a fresh VS Code', { timeout: 15 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'commands' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('after startup: the endpoint in the status bar, a receiver that answers, the welcome', session, async () => {
    const status = await vscode.workbench.waitForReceiver();
    assert.match(status, /OTLP/);

    const answer = await postOtlpJson(vscode.receiverPort, '{"resourceSpans":[]}');
    assert.equal(answer.status, 200);
    assert.match(answer.contentType ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(answer.body), {});

    await vscode.tree.open();
    const welcome = await eventually('the welcome content', () => vscode.tree.welcomeText());
    assert.match(welcome, /No traces yet/);
    // The session listens on an ephemeral port, so the welcome must not name the default endpoint as the one to set.
    assert.match(welcome, /OTEL_EXPORTER_OTLP_ENDPOINT to that address/);
    assert.doesNotMatch(welcome, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318/);
    const buttons = await vscode.tree.welcomeButtons();
    assert.ok(buttons.includes('Copy Endpoint Settings'), `welcome buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Send a Demo Trace'), `welcome buttons: ${JSON.stringify(buttons)}`);
    assert.deepEqual(await vscode.tree.rows(), []);
    await vscode.screenshot('welcome');
  });

  uiTest('Send a Demo Trace shows the demo agent run, expanded', session, async () => {
    await vscode.palette.run('aiTraceLens.sendDemoTrace');
    const trace = await vscode.tree.traceTree('invoke_agent travel-planner');
    assert.match(trace.description, /travel-planner-demo/);
    const [root] = trace.children;
    assert.equal(root?.label, 'invoke_agent travel-planner');
    assert.ok(root.icons.includes('codicon-robot'), `agent icon: ${root.icons.join(' ')}`);
    const childLabels = root.children.map((child) => child.label);
    assert.ok(childLabels.includes('chat gpt-4o'), `children of the agent: ${JSON.stringify(childLabels)}`);
    const weather = findNode(root.children, 'execute_tool get_weather');
    assert.deepEqual(
      weather?.children.map((child) => child.label),
      ['tools/call get_weather'],
      'the MCP call sits under the tool span',
    );
    assert.ok(weather.children[0]!.icons.includes('codicon-plug'), `MCP icon: ${weather.children[0]!.icons.join(' ')}`);
    await vscode.screenshot('demo-trace');
  });

  uiTest('Show Span Details from the palette opens the picked span with its attributes', session, async () => {
    const recorded = recordAgentTrace({ agentName: 'details-check', service: 'details-service' });
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, recorded.spans);
    await exporter.shutdown();
    const newer = await postOtlpJson(vscode.receiverPort, traceRequest('a newer trace', 'details-service'));
    assert.equal(newer.status, 200);
    await vscode.tree.traceRow('a newer trace').first().waitFor({ timeout: UI_TIMEOUT_MS });
    // From the palette, the command offers the spans of the selected trace (here not the newest one).
    await vscode.tree.traceRow(recorded.names.root).first().click({ timeout: UI_TIMEOUT_MS });

    await vscode.palette.run('aiTraceLens.showSpanDetails');
    const labels = await vscode.palette.pickLabels(`Span details: ${recorded.names.root}`);
    assert.deepEqual(
      [...labels].sort(),
      [recorded.names.root, recorded.names.llm, recorded.names.tool, recorded.names.mcp].sort(),
      'the pick lists the spans of the selected trace',
    );
    await vscode.palette.pick(recorded.names.llm);

    const text = await vscode.editors.text(recorded.names.llm);
    assert.match(text, /^# chat gpt-4o$/m);
    assert.match(text, /gen_ai\.request\.model: "gpt-4o"/);
    assert.match(text, /gen_ai\.usage\.input_tokens: 1200\b/);
    assert.match(text, /gen_ai\.usage\.output_tokens: 345\b/);
    assert.match(text, new RegExp(`traceId: ${recorded.traceId}`));
  });

  uiTest('Copy Endpoint Settings copies the address the receiver listens on', session, async () => {
    const endpoint = `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${vscode.receiverPort}`;
    await vscode.workbench.writeClipboard('');
    await vscode.palette.run('aiTraceLens.copyEndpoint');
    const copied = await eventually(
      'the clipboard text',
      async () => (await vscode.workbench.readClipboard()) || undefined,
    );
    assert.deepEqual(copied.trim().split('\n'), [endpoint, 'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf']);
    const toast = vscode.notifications.toast(endpoint);
    await toast.waitFor({ timeout: UI_TIMEOUT_MS });

    // For an app whose exporter speaks only gRPC, the notification copies the gRPC receiver's settings instead.
    await vscode.notifications.clickButton(toast, 'Copy gRPC Settings');
    const grpcEndpoint = `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${vscode.grpcPort}`;
    const copiedGrpc = await eventually('the gRPC settings on the clipboard', async () => {
      const text = await vscode.workbench.readClipboard();
      return text.startsWith(grpcEndpoint) ? text : undefined;
    });
    assert.deepEqual(copiedGrpc.trim().split('\n'), [grpcEndpoint, 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc']);
    await vscode.notifications
      .toast(`${grpcEndpoint} and OTEL_EXPORTER_OTLP_PROTOCOL=grpc`)
      .waitFor({ timeout: UI_TIMEOUT_MS });
  });

  uiTest('Pause Receiving makes the receiver answer 503, Resume Receiving 200 again', session, async () => {
    await vscode.palette.run('aiTraceLens.pauseReceiving');
    await vscode.workbench.waitForStatusBar(/paused/);
    const refused = await postOtlpJson(vscode.receiverPort, traceRequest('sent while paused', 'pause-check'));
    assert.equal(refused.status, 503);
    await vscode.screenshot('paused');

    await vscode.palette.run('aiTraceLens.resumeReceiving');
    await vscode.workbench.waitForStatusBar(new RegExp(`^OTLP 127\\.0\\.0\\.1:${vscode.receiverPort}$`));
    const accepted = await postOtlpJson(vscode.receiverPort, traceRequest('sent after resuming', 'pause-check'));
    assert.equal(accepted.status, 200);
    await vscode.tree.traceRow('sent after resuming').first().waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await vscode.tree.traceRow('sent while paused').count(), 0, 'the refused span was not stored');
  });

  uiTest('Clear Traces empties the tree and brings the welcome content back', session, async () => {
    const answer = await postOtlpJson(vscode.receiverPort, traceRequest('about to be cleared', 'clear-check'));
    assert.equal(answer.status, 200);
    await vscode.tree.traceRow('about to be cleared').first().waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok((await vscode.tree.traceRows()).length >= 2, 'earlier tests left traces to clear');

    await vscode.palette.run('aiTraceLens.clearTraces');
    await eventually('an empty tree', async () => ((await vscode.tree.rows()).length === 0 ? true : undefined));
    const welcome = await eventually('the welcome content', () => vscode.tree.welcomeText());
    assert.match(welcome, /No traces yet/);
  });

  uiTest('Show Metrics as YAML lists the AI metrics an app exports, updated while open', session, async () => {
    await vscode.palette.run('aiTraceLens.showMetricsAsYaml');
    assert.match(await vscode.editors.text('AI Metrics'), /^# No AI metrics received yet\./);

    /** One run of an app: its own start time, one export when it shuts down. */
    const runApp = async (durations: number[]) => {
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'metrics-e2e' }),
        readers: [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${vscode.receiverPort}/v1/metrics` }),
            exportIntervalMillis: 60_000,
          }),
        ],
      });
      const meter = provider.getMeter('opentelemetry.instrumentation.openai_v2');
      const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
      for (const seconds of durations) duration.record(seconds, { 'gen_ai.request.model': 'gpt-4o' });
      meter.createCounter('http.client.request.count').add(1);
      await provider.shutdown();
    };
    type Report = Record<string, { instrument: string; series: { service: string; count: number; sum: string }[] }>;
    const seriesOnceCounted = (count: number) =>
      eventually(`the metrics document counting ${count} calls`, async () => {
        const text = await vscode.editors.text('AI Metrics');
        const report = parse(text) as Report | null;
        const series = report?.['gen_ai.client.operation.duration']?.series[0];
        return series?.count === count ? { text, report: report!, series } : undefined;
      });

    await runApp([0.75, 1.25]);
    const first = await seriesOnceCounted(2);
    assert.equal(first.report['gen_ai.client.operation.duration']!.instrument, 'histogram, cumulative');
    assert.deepEqual([first.series.service, first.series.sum], ['metrics-e2e', '2 s']);
    assert.match(first.text, /\n# 1 point of other metrics not kept\.\n/);
    assert.deepEqual(Object.keys(first.report), ['gen_ai.client.operation.duration'], 'the HTTP metric is not listed');
    // The app runs again: its points add to the first run's, and the open document follows.
    await runApp([3]);
    const second = await seriesOnceCounted(3);
    assert.equal(second.series.sum, '5 s');
    await vscode.screenshot('metrics');
  });

  uiTest('Compare Traces opens two runs selected in the view side by side in the diff editor', session, async () => {
    // Two runs of the demo agent: the same work, other ids and times.
    for (const endTimeMs of [Date.now() - 60_000, Date.now()]) {
      assert.equal((await postOtlpJson(vscode.receiverPort, buildDemoTrace({ endTimeMs }).body)).status, 200);
    }
    const demo = DEMO_ROOT_SPAN_NAME;
    const rows = vscode.tree.traceRow(demo);
    await eventually('two runs of the demo', async () => ((await rows.count()) === 2 ? true : undefined));
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['ControlOrMeta'] });
    await vscode.workbench.runContextMenuEntry(rows.nth(1), 'Compare Traces');
    const diff = vscode.editors.diff;
    await diff.waitFor({ timeout: UI_TIMEOUT_MS });
    const time = '\\d\\d∶\\d\\d∶\\d\\d';
    const title = await vscode.editors.activeTabTitle();
    assert.match(title, new RegExp(`^${demo} ${time} ↔ ${demo} ${time}$`));
    const side = (name: 'original' | 'modified') =>
      eventually(`the ${name} side`, async () => {
        const text = normalizeLines(await diff.locator(`.editor.${name} .view-lines`).innerText());
        return text.includes(`${demo} · Agent`) ? text : undefined;
      });
    const [earlier, later] = [await side('original'), await side('modified')];
    const traceLine = (text: string) => text.split('\n').find((line) => line.startsWith('# Trace '));
    assert.notEqual(traceLine(earlier), traceLine(later), 'each side names its own trace');
    assert.match(earlier, /^cost: \$\d/m, 'the run’s cost, from the bundled prices');
    assert.equal(
      earlier.slice(earlier.indexOf('duration:')),
      later.slice(later.indexOf('duration:')),
      'two runs of the same demo read the same below their headers',
    );
    await vscode.screenshot('compare-traces');
  });

  uiTest(
    'Save Trace As… writes a trace file that Open Trace File… brings back after Clear Traces',
    session,
    async () => {
      const saved = join(vscode.workspaceFolder, 'saved-run.jsonl');
      await vscode.workbench.runContextMenuEntry(vscode.tree.traceRow(DEMO_ROOT_SPAN_NAME).first(), 'Save Trace As…');
      await vscode.palette.answerFileDialog(saved, vscode.notifications.toast(/^Saved 9 spans to saved-run\.jsonl\./));
      const loaded = loadOtlpFile(parseOtlpFile(await readFile(saved), saved), saved, {
        traces: new TraceStore({ maxSpans: 100 }),
        logs: new LogStore({ maxRecords: 100 }),
      });
      assert.equal(loaded.spans, 9);
      assert.deepEqual(loaded.problems, []);

      await vscode.palette.run('aiTraceLens.clearTraces');
      await eventually('an empty tree', async () => ((await vscode.tree.rows()).length === 0 ? true : undefined));
      await vscode.palette.run('aiTraceLens.openTraceFile');
      await vscode.palette.answerFileDialog(
        saved,
        vscode.notifications.toast('Opened saved-run.jsonl: 1 trace, 9 spans.'),
      );
      // The opened trace is revealed expanded; a refresh of the view can collapse it again, which expandTrace undoes.
      const trace = await vscode.tree.expandTrace(DEMO_ROOT_SPAN_NAME);
      assert.equal(trace.children[0]?.label, DEMO_ROOT_SPAN_NAME, 'the opened trace holds the saved spans');
      assert.equal((await vscode.tree.traceRows()).length, 1);

      // A .jsonl file in the Explorer opens from its context menu too.
      await vscode.palette.run('aiTraceLens.clearTraces');
      await vscode.workbench.runContextMenuEntry(
        await vscode.workbench.explorerRow('saved-run.jsonl'),
        'Open Trace File…',
      );
      await vscode.tree.expandTrace(DEMO_ROOT_SPAN_NAME);
      assert.equal((await vscode.tree.traceRows()).length, 1);
    },
  );
});

/** The editor's text with its non-breaking spaces (used for rendering) made plain. */
function normalizeLines(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}
