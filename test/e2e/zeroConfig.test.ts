/**
 * Zero-config capture in a real VS Code: a program that configures no endpoint, started in a new integrated terminal
 * or with F5, exports through the OpenTelemetry SDK's own defaults and its trace shows up; and the launch.json command
 * adds the variables to a chosen configuration without dropping its own.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

/**
 * Exports one span with the SDK's OTLP/protobuf exporter built with no options, so everything comes from the
 * environment, and writes the OTEL_* variables it saw to a file. Usage: node export-trace.js SPAN_NAME ENV_FILE
 */
function exportScript(): string {
  const resolve = (name: string) => JSON.stringify(require.resolve(name));
  return `
const { writeFileSync } = require('node:fs');
const { BasicTracerProvider, SimpleSpanProcessor } = require(${resolve('@opentelemetry/sdk-trace-base')});
const { OTLPTraceExporter } = require(${resolve('@opentelemetry/exporter-trace-otlp-proto')});
const { resourceFromAttributes } = require(${resolve('@opentelemetry/resources')});
const [spanName, envFile] = process.argv.slice(2);
const seen = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(OTEL_|SEMANTICKERNEL_)/.test(name)));
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'zero-config-e2e' }),
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())],
});
provider.getTracer('zero-config-e2e').startSpan(spanName, { attributes: { 'gen_ai.operation.name': 'invoke_agent' } }).end();
provider.forceFlush().then(() => provider.shutdown()).then(
  () => writeFileSync(envFile, JSON.stringify({ ...seen, exported: true })),
  (error) => writeFileSync(envFile, JSON.stringify({ ...seen, exported: false, error: String(error) })),
);
`;
}

const SCRIPT = 'export-trace.js';
const LAUNCH_NAME = 'Export a trace';

/** The JSON the script wrote, once it has written it. */
function scriptOutput(vscode: VsCodeSession, file: string): Promise<Record<string, unknown>> {
  const path = join(vscode.workspaceFolder, file);
  return eventually(
    `${file} from the script`,
    () => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined),
    60_000,
  );
}

/** Writes the export script and a launch configuration that runs it into the session's workspace. */
async function prepareWorkspace(vscode: VsCodeSession): Promise<void> {
  await writeFile(join(vscode.workspaceFolder, SCRIPT), exportScript());
  await mkdir(join(vscode.workspaceFolder, '.vscode'), { recursive: true });
  await writeFile(
    join(vscode.workspaceFolder, '.vscode', 'launch.json'),
    JSON.stringify({
      version: '0.2.0',
      configurations: [
        {
          type: 'node',
          request: 'launch',
          name: LAUNCH_NAME,
          program: '${workspaceFolder}/' + SCRIPT,
          args: ['zero-config debug run', 'debug-env.json'],
          cwd: '${workspaceFolder}',
          env: { APP_MODE: 'e2e', OTEL_SERVICE_NAME: 'mine' },
        },
      ],
    }),
  );
}

describe('zero-config capture', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'zero-config' });
      await prepareWorkspace(vscode);
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('a program run in a new terminal sends its trace with no endpoint configured', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    const welcome = await eventually('the welcome content', () => vscode.tree.welcomeText());
    assert.match(welcome, /Programs you start in a new VS Code terminal send their traces here with no setting/);
    await vscode.terminals.runInNew(`node ${SCRIPT} "zero-config terminal run" terminal-env.json`);

    const seen = await scriptOutput(vscode, 'terminal-env.json');
    assert.equal(seen.exported, true, JSON.stringify(seen));
    assert.equal(seen.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${vscode.receiverPort}`);
    assert.equal(seen.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(seen.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, 'true');
    await vscode.tree.traceRow('zero-config terminal run').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const row = (await vscode.tree.traceRows()).find((candidate) => candidate.label === 'zero-config terminal run');
    assert.match(row?.description ?? '', /zero-config-e2e/);
    await vscode.screenshot('terminal-run');
  });

  uiTest('an F5 run of an unchanged launch configuration sends its trace; its own env is kept', session, async () => {
    await vscode.palette.runLabel('Debug: Start Debugging');
    const seen = await scriptOutput(vscode, 'debug-env.json');
    assert.equal(seen.exported, true, JSON.stringify(seen));
    assert.equal(seen.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${vscode.receiverPort}`);
    assert.equal(seen.OTEL_SERVICE_NAME, 'mine', 'the configuration’s own variables stay');
    // Debugging switches the side bar to Run and Debug.
    await vscode.tree.open();
    await vscode.tree.traceRow('zero-config debug run').first().waitFor({ timeout: UI_TIMEOUT_MS });
  });

  uiTest(
    'Add Trace Export to Launch Configuration writes the variables into launch.json, keeping its env',
    session,
    async () => {
      await vscode.palette.run('aiTraceLens.addTraceExportToLaunchConfiguration');
      const labels = await vscode.palette.pickLabels('Add Trace Export to Launch Configuration');
      assert.deepEqual(labels, [LAUNCH_NAME]);
      await vscode.palette.pick(LAUNCH_NAME);
      const launchPath = join(vscode.workspaceFolder, '.vscode', 'launch.json');
      const env = await eventually('the env written to launch.json', () => {
        const text = readFileSync(launchPath, 'utf8');
        const launch = JSON.parse(text) as { configurations: { name: string; env?: Record<string, string> }[] };
        const configuration = launch.configurations.find((candidate) => candidate.name === LAUNCH_NAME);
        return configuration?.env?.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : configuration.env;
      });
      assert.deepEqual(
        { APP_MODE: env.APP_MODE, OTEL_SERVICE_NAME: env.OTEL_SERVICE_NAME },
        { APP_MODE: 'e2e', OTEL_SERVICE_NAME: 'mine' },
      );
      assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${vscode.receiverPort}`);
      assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    },
  );

  uiTest('after a port change, a new terminal sends to the new port', session, async () => {
    await vscode.palette.run('aiTraceLens.changePort');
    const { input } = vscode.palette;
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    // The command suggests a port that is free now.
    await vscode.palette.waitForTitle('Receiver Port');
    const suggested = await eventually('the suggested port', async () => {
      const value = await input.inputValue();
      return /^\d+$/.test(value) ? value : undefined;
    });
    const newPort = Number(suggested);
    assert.notEqual(newPort, vscode.receiverPort);
    await input.press('Enter');
    await vscode.workbench.waitForStatusBar(new RegExp(`127\\.0\\.0\\.1:${newPort}$`));

    await vscode.terminals.runInNew(`node ${SCRIPT} "zero-config after port change" port-env.json`);
    const seen = await scriptOutput(vscode, 'port-env.json');
    assert.equal(seen.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${newPort}`);
    assert.equal(seen.exported, true, JSON.stringify(seen));
    await vscode.tree.open();
    await vscode.tree.traceRow('zero-config after port change').first().waitFor({ timeout: UI_TIMEOUT_MS });
  });
});

describe('zero-config capture turned off', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({
        name: 'zero-config-off',
        settings: { 'aiTraceLens.terminal.injectEnvironment': false, 'aiTraceLens.debug.injectEnvironment': false },
      });
      await prepareWorkspace(vscode);
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('with both settings off, neither a terminal nor an F5 run gets the variables', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    const welcome = await eventually('the welcome content', () => vscode.tree.welcomeText());
    assert.match(welcome, /No traces yet/);
    assert.doesNotMatch(welcome, /new VS Code terminal/);
    await vscode.terminals.runInNew(`node ${SCRIPT} "terminal run without injection" terminal-env.json`);
    assert.equal((await scriptOutput(vscode, 'terminal-env.json')).OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
    await vscode.palette.runLabel('Debug: Start Debugging');
    const seen = await scriptOutput(vscode, 'debug-env.json');
    assert.equal(seen.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
    assert.equal(seen.OTEL_SERVICE_NAME, 'mine');
  });
});
