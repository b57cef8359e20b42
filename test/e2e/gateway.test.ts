/**
 * LLM calls without instrumentation in a real VS Code: the user turns capture on from the Traces view's welcome
 * content, runs a Node program that calls a model with the `openai` SDK and has no OpenTelemetry at all in a new
 * terminal, and its call appears in the tree with its TTFT and its tokens counted (the stream carried no usage); the
 * flame graph's bar shows the TTFT tick and label. The model is a fake OpenAI upstream on loopback.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe } from 'node:test';
import { FakeUpstreams } from '../support/fakeUpstreams';
import { FlameGraph, type FlameBar } from './pages/flameGraph';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

const FIRST_CHUNK_DELAY_MS = 400;
const CALL_NAME = 'chat gpt-4o-mini';
const SCRIPT = 'ask-model.js';

/** The `openai` SDK of the producer tests' dependencies: the program needs it, VS Code does not. */
const OPENAI_SDK = resolve(__dirname, '../producers/node_modules/openai');

/** A program as a user writes it: the SDK's defaults, reading OPENAI_BASE_URL and OPENAI_API_KEY; no tracing. */
function askModelScript(): string {
  return `
const { writeFileSync } = require('node:fs');
const { default: OpenAI } = require(${JSON.stringify(OPENAI_SDK)});
const [answerFile] = process.argv.slice(2);
(async () => {
  const stream = await new OpenAI({ apiKey: 'sk-e2e-not-a-real-key' }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  writeFileSync(answerFile, JSON.stringify({ text, baseUrl: process.env.OPENAI_BASE_URL }));
})().catch((error) => writeFileSync(answerFile, JSON.stringify({ error: String(error) })));
`;
}

describe('LLM calls captured without instrumentation', { timeout: 10 * 60_000 }, () => {
  const fake = new FakeUpstreams({ firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, chunkIntervalMs: 30, chunkCount: 6 });
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      await fake.start();
      vscode = await VsCodeSession.start({
        name: 'gateway',
        machineSettings: { 'aiTraceLens.gateway.upstreams': { openai: fake.baseUrl('openai') } },
      });
      await writeFile(join(vscode.workspaceFolder, SCRIPT), askModelScript());
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
    await fake.stop();
  });

  uiTest(
    'Capture in the welcome view, then a program run in a new terminal shows its call with TTFT',
    session,
    async () => {
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
      await vscode.tree.captureLlmCalls();
      await vscode.notifications
        .toast(/^Capturing LLM calls in /)
        .first()
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await vscode.terminals.runInNew(`node ${SCRIPT} answer.json`);
      const answerPath = join(vscode.workspaceFolder, 'answer.json');
      const answer = await eventually(
        'the program’s answer',
        () =>
          existsSync(answerPath) ? (JSON.parse(readFileSync(answerPath, 'utf8')) as Record<string, string>) : undefined,
        60_000,
      );
      assert.equal(answer.error, undefined, answer.error);
      assert.equal(answer.text, fake.script.answer);
      assert.equal(answer.baseUrl, `http://127.0.0.1:${vscode.gatewayPort}/openai`);
      assert.equal(fake.requests.length, 1);

      // A trace of its own, named by the call and by its client; its tokens were counted from the streamed text, so its
      // cost is an estimate too.
      const trace = await vscode.tree.expandTrace(CALL_NAME);
      assert.match(trace.description, /^OpenAI\/JS [\d.]+ · [\d.]+ (ms|s) · ≈\d+ tok · ≈<?\$[\d.]+$/);
      const [call] = trace.children;
      assert.ok(call, 'the call’s span under its trace');
      assert.equal(call.label, CALL_NAME);
      assert.match(call.description, /≈\d+→\d+ tok/);
      const ttft = /TTFT (\d+) ms/.exec(call.description);
      assert.ok(ttft, call.description);
      assert.ok(Number(ttft[1]) >= FIRST_CHUNK_DELAY_MS, call.description);
      await vscode.screenshot('gateway-call');
    },
  );

  uiTest('the flame bar shows the TTFT tick and label, measured at the gateway', session, async () => {
    await vscode.tree.clickRowAction(CALL_NAME, 'Open Flame Graph');
    const flame = await FlameGraph.find(vscode.page, CALL_NAME);
    assert.match(await flame.figures(), /1 LLM call .*≈\d+→\d+ tok/);
    let bar: FlameBar | undefined;
    const drawn = await flame.drawnWhile(async () => (bar = await flame.hoverBar(CALL_NAME, 0.5)));
    assert.ok(
      drawn.labels.some((label) => label.startsWith(CALL_NAME) && /TTFT \d+ ms/.test(label)),
      JSON.stringify(drawn.labels),
    );
    // One notch at the bar's top edge and one at its bottom, per drawing.
    assert.ok(drawn.ttftNotches >= 2, `${drawn.ttftNotches} TTFT notches`);
    assert.ok(bar);
    assert.ok(
      bar.lines.some((line) => /^TTFT \d+ ms.*\(measured at the gateway\)$/.test(line)),
      bar.lines.join(' | '),
    );
    assert.ok(
      bar.lines.some((line) => line.includes('(estimated, measured at the gateway)')),
      bar.lines.join(' | '),
    );
    await vscode.screenshot('gateway-flame');
  });
});
