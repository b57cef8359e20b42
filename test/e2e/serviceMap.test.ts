/**
 * The service map in a real VS Code: empty until traces arrive, then the demo trace's services and models with the
 * calls between them, followed live; keyboard-usable, and a node activated with Enter filters the Traces view to the
 * traces through it. Screenshots in the light theme (the tests' default) and the dark one.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../../src/core/demoTrace';
import { createExporter, exportSpans, postOtlpJson, recordAgentTrace } from './otlp';
import { ServiceMapPage } from './pages/serviceMap';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession } from './session';

interface OtlpJson {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: { spans: { attributes: OtlpAttribute[] }[] }[];
  }[];
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}

/** The demo's services (one per resource) and the models that answered its calls, read from its OTLP/JSON. */
function demoNames(body: string): { services: string[]; models: string[] } {
  const { resourceSpans } = JSON.parse(body) as OtlpJson;
  const values = (attributes: OtlpAttribute[], key: string) =>
    attributes.filter((attribute) => attribute.key === key).map((attribute) => attribute.value.stringValue!);
  const services = resourceSpans.flatMap(({ resource }) => values(resource.attributes, 'service.name'));
  const models = resourceSpans.flatMap(({ scopeSpans }) =>
    scopeSpans.flatMap(({ spans }) => spans.flatMap((span) => values(span.attributes, 'gen_ai.response.model'))),
  );
  return { services, models: [...new Set(models)] };
}

describe('Service map', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'service-map' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('shows the demo’s services and models, and Enter on a node filters the Traces view', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    await vscode.palette.run('aiTraceLens.showServiceMap');
    const empty = await ServiceMapPage.find(vscode.page);
    assert.match(await eventually('the empty state', async () => (await empty.emptyText()) || undefined), /No traces/);

    const demo = buildDemoTrace();
    assert.equal((await postOtlpJson(vscode.receiverPort, demo.body)).status, 200);
    const other = recordAgentTrace({ agentName: 'writer', service: 'docs-app' });
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, other.spans);
    await exporter.shutdown();

    const { services, models } = demoNames(demo.body);
    const map = await ServiceMapPage.find(vscode.page);
    await eventually('the demo’s services and models on the map', async () => {
      const shown = await map.nodeLabels();
      return [...services, ...models, other.names.service].every((name) => shown.includes(name)) ? shown : undefined;
    });
    assert.equal(await map.emptyText(), '');
    assert.match(await map.figures(), /^2 traces · /);
    // The agent asked gpt-4o twice; the MCP server answered once.
    const edges = await map.edgeLabels();
    assert.ok(
      edges.some((edge) => edge.startsWith('2 calls · p50')),
      JSON.stringify(edges),
    );
    assert.deepEqual(await map.overlaps(), []);

    // The demo's MCP server sits right of the agent's service: the left arrow goes back to it.
    const [agentService, mcpServer] = services as [string, string];
    await map.node(mcpServer).focus();
    await map.node(mcpServer).press('ArrowLeft');
    assert.equal(await map.focusedLabel(), agentService);
    assert.match((await map.node(mcpServer).getAttribute('aria-label')) ?? '', /called by .*1 call · p50/);
    await vscode.screenshot('service-map-light');

    await map.node(mcpServer).press('Enter');
    const query = `{ resource.service.name = "${mcpServer}" }`;
    await eventually('the Traces view filtered to the MCP server’s trace', async () =>
      (await vscode.tree.message()) === `1 of 2 traces match ${query}` ? true : undefined,
    );
    // The message changes before the list has redrawn its rows: read them once they have settled on one trace.
    const labels = async () => (await vscode.tree.traceRows()).map((row) => row.label);
    await eventually('the Traces view listing one trace', async () =>
      (await labels()).length === 1 ? true : undefined,
    );
    assert.deepEqual(await labels(), [DEMO_ROOT_SPAN_NAME]);

    await vscode.palette.runLabel('Preferences: Color Theme');
    await vscode.palette.input.fill('Dark Modern');
    await vscode.palette.input.press('Enter');
    await vscode.palette.run('aiTraceLens.showServiceMap');
    await vscode.palette.widget.waitFor({ state: 'hidden' });
    await vscode.screenshot('service-map-dark');
  });
});
