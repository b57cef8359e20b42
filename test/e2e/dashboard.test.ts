/**
 * The AI Metrics dashboard in a real VS Code: Show Metrics opens it; after the demo trace and two agent runs with LLM
 * calls arrive, it draws its model and tool charts with the models in their legends, follows a range change, and is
 * shot in the light theme (the tests' default) and the dark one.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { createExporter, exportSpans, postOtlpJson, recordAgentTrace } from './otlp';
import { DashboardPage } from './pages/dashboard';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession } from './session';

/** The models the demo's LLM spans name, read from its OTLP/JSON. */
function demoModels(body: string): string[] {
  const models = [...body.matchAll(/"key":"gen_ai\.response\.model","value":\{"stringValue":"([^"]+)"/g)].map(
    (match) => match[1]!,
  );
  return [...new Set(models)];
}

describe('AI Metrics dashboard', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'dashboard' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest(
    'Show Metrics opens the dashboard, which draws its charts with the models in the legends',
    session,
    async () => {
      await vscode.workbench.waitForReceiver();
      const demo = buildDemoTrace();
      assert.equal((await postOtlpJson(vscode.receiverPort, demo.body)).status, 200);
      const exporter = createExporter('protobuf', vscode.receiverPort);
      for (const [agentName, service] of [
        ['writer', 'docs-app'],
        ['planner', 'ops-app'],
      ] as const) {
        await exportSpans(exporter, recordAgentTrace({ agentName, service }).spans);
      }
      await exporter.shutdown();

      await vscode.palette.run('aiTraceLens.showMetrics');
      const dashboard = await DashboardPage.find(vscode.page);
      const models = demoModels(demo.body);
      assert.ok(models.length > 0, 'the demo names its models');
      const drawn = await eventually('the model and tool charts drawn', async () => {
        const titles = await dashboard.drawnTitles();
        return ['Time to first token', 'Duration', 'Error rate', 'Tool latency'].every((title) =>
          titles.includes(title),
        )
          ? titles
          : undefined;
      });
      assert.ok(drawn.includes('Output tokens per second'), drawn.join(', '));
      const titles = await dashboard.titles();
      for (const title of ['Time per output token', 'Cost per hour']) assert.ok(titles.includes(title), title);
      const legend = await dashboard.legend('Duration');
      for (const model of [...models, 'gpt-4o'])
        assert.ok(legend.includes(`${model} p50`), `${model} in ${legend.join(', ')}`);
      assert.equal(await dashboard.range(), '1 h');
      await vscode.screenshot('dashboard-light');

      await dashboard.chooseRange('15 min');
      await eventually('the 15 min range drawn', async () =>
        (await dashboard.range()) === '15 min' && (await dashboard.drawnTitles()).includes('Duration')
          ? true
          : undefined,
      );

      await vscode.palette.runLabel('Preferences: Color Theme');
      await vscode.palette.input.fill('Dark Modern');
      await vscode.palette.input.press('Enter');
      await vscode.palette.widget.waitFor({ state: 'hidden' });
      // The page redraws its charts in the new theme's colours when VS Code switches the body's class.
      const dark = await DashboardPage.find(vscode.page);
      await dark.frame.locator('body.vscode-dark').waitFor();
      await dark.frame.locator('canvas').first().waitFor();
      await vscode.screenshot('dashboard-dark');
    },
  );
});
