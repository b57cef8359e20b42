/**
 * The AI gateway of the built CLI (`dist/cli.js serve --gateway-port 0 --upstream openai=… --out FILE`), which CI runs
 * without VS Code: a program using the `openai` SDK streams without usage through it, its call is written to the file
 * as an OTLP JSON trace line with output tokens counted by the tokenizer bundled apart (dist/tokenizer.js), and
 * `summarize` reads it back. The API key is in neither the file nor the CLI's output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { SummaryJson } from '../../src/core/summarize';
import { FakeUpstreams } from '../support/fakeUpstreams';
import { API_KEYS, runSdkApp, type ScenarioOutput } from './sdkApps';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

const fake = new FakeUpstreams({ chunkCount: 5 });
let dir: string;
let out: string;
let output: ScenarioOutput | undefined;
let serve: CliRun;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion: `serve` until `onLine` stops it, `summarize` until done. */
function runCli(args: string[], onLine?: (line: string, stop: () => void) => void): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args]);
  const result: CliRun = { code: null, stdout: '', stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    result.stdout += `${line}\n`;
    onLine?.(line, () => child.kill('SIGTERM'));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...result, code }));
  });
}

before(async () => {
  await fake.start();
  dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-gateway-cli-'));
  out = join(dir, 'calls.jsonl');
  const args = ['serve', '--port', '0', '--gateway-port', '0', '--upstream', `openai=${fake.baseUrl('openai')}`];
  serve = await runCli([...args, '--out', out], (line, stop) => {
    const gateway = /^gateway (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (gateway === null) return;
    void runSdkApp('sdk-openai.js', fake, { OPENAI_BASE_URL: `${gateway[1]}/openai`, PRODUCER_SCENARIO: 'chat-stream' })
      .then((outputs) => (output = outputs['chat-stream']))
      .finally(stop);
  });
  assert.equal(serve.code, 0, serve.stderr);
});

after(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

test('serve prints the gateway’s address after the receiver’s', () => {
  assert.match(serve.stdout, /^listening http:\/\/127\.0\.0\.1:\d+\ngateway http:\/\/127\.0\.0\.1:\d+\n$/);
});

test('the program got its answer, and its call is in the --out file with its tokens counted', async () => {
  assert.equal(output?.text, fake.script.answer);
  assert.equal(output.usage, null, 'the stream carried no usage');
  const summary = await runSummarize(out);
  const [trace] = summary.traces;
  assert.equal(summary.traces.length, 1);
  const [span] = trace!.spans;
  assert.equal(span!.name, 'chat gpt-4o-mini');
  assert.equal(span!.kind, 'llm');
  assert.equal(span!.outputTokens, fake.answerTokens());
  assert.equal(span!.tokensEstimated, true);
  assert.ok(span!.ttftMs !== null && span!.ttftMs >= 0);
});

test('the API key is in neither the --out file nor anything the CLI printed', async () => {
  const recorded = await readFile(out, 'utf8');
  assert.ok(fake.requests.some((request) => JSON.stringify(request.headers).includes(API_KEYS.OPENAI_API_KEY)));
  for (const text of [recorded, serve.stdout, serve.stderr]) assert.ok(!text.includes(API_KEYS.OPENAI_API_KEY));
});

async function runSummarize(file: string): Promise<SummaryJson> {
  const summary = await runCli(['summarize', '--json', file]);
  assert.equal(summary.code, 0, summary.stderr);
  return JSON.parse(summary.stdout) as SummaryJson;
}
