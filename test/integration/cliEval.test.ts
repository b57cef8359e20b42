/**
 * `ai-trace-lens eval` as CI runs it: the real CLI over the demo trace, judged by a fake OpenAI-compatible server on
 * loopback with scripted answers. Scores and explanations become events in --out beside the judge's calls, traced in
 * its own service; --min-score sets the exit code, a malformed answer is a clear error with no event, and the API key
 * is sent to the judge but written nowhere.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { parseOtlpFile } from '../../src/core/inputFiles';
import { spansOf } from '../../src/core/model';
import { logRecordsOf } from '../../src/core/otlp/logModel';
import { finished, startCli } from './cliFixtures';

const API_KEY = 'sk-test-key-never-written-0123456789';

describe('ai-trace-lens eval', () => {
  let dir: string;
  let traceFile: string;
  let traceId: string;
  let server: Server;
  let judgeUrl: string;
  /** The answers the judge gives, in order; and what it was asked. */
  let script: string[] = [];
  const requests: { authorization: string | undefined; body: { model: string; messages: { content: string }[] } }[] =
    [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-eval-'));
    const demo = buildDemoTrace();
    traceId = demo.traceId;
    traceFile = join(dir, 'demo.json');
    await writeFile(traceFile, demo.body);
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        requests.push({ authorization: request.headers.authorization, body: JSON.parse(body) as never });
        const content = script.shift() ?? 'no more scripted answers';
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    judgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    finished(
      startCli(['eval', traceFile, '--judge-url', judgeUrl, '--judge-model', 'judge-1', ...args], {
        OPENAI_API_KEY: API_KEY,
      }),
    );

  test('scores and explanations become events on the evaluated span; --min-score fails the run below it', async () => {
    requests.length = 0;
    script = [
      '```json\n{"score": 5, "label": "excellent", "explanation": "Covers packing and dinner."}\n```',
      '{"score": 2, "label": "weak", "explanation": "The exchange rate is guessed after the tool timed out."}',
    ];
    const out = join(dir, 'evaluations.jsonl');
    const result = await run([
      '--evaluator',
      'relevance',
      '--evaluator',
      'faithfulness',
      '--min-score',
      '3',
      '--out',
      out,
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /relevance: 5\/5 excellent on LLM call "chat gpt-4o"/);
    assert.match(result.stdout, /The exchange rate is guessed after the tool timed out\./);
    assert.match(result.stdout, /2 results, 2 skipped, 0 errors, 1 below --min-score 3/);
    // The first call only called tools: no answer text to grade.
    assert.match(result.stdout, /skipped relevance on LLM call "chat gpt-4o" .*: no answer recorded/);
    assert.equal(requests.length, 2);
    assert.equal(requests[0]!.body.model, 'judge-1');
    assert.equal(requests[0]!.authorization, `Bearer ${API_KEY}`);
    assert.match(requests[0]!.body.messages[1]!.content, /I land in Lisbon on Friday/);

    const saved = await readFile(out, 'utf8');
    const contents = parseOtlpFile(Buffer.from(saved), out);
    const records = contents.logRequests.flatMap((request) => logRecordsOf(request.request));
    assert.deepEqual(
      records.map((record) => [
        record.eventName,
        record.traceId,
        record.attributes.get('gen_ai.evaluation.name'),
        record.attributes.get('gen_ai.evaluation.score.value'),
        record.attributes.get('gen_ai.evaluation.score.label'),
      ]),
      [
        ['gen_ai.evaluation.result', traceId, 'relevance', 5, 'excellent'],
        ['gen_ai.evaluation.result', traceId, 'faithfulness', 2, 'weak'],
      ],
    );
    // The judge is traced in its own service: per call a root span and the model call, linked to the graded span.
    const judgeSpans = contents.requests.flatMap((request) => spansOf(request.request));
    const calls = judgeSpans.filter((span) => span.attributes.get('gen_ai.request.model') === 'judge-1');
    assert.equal(calls.length, 2);
    for (const span of judgeSpans) assert.equal(span.resource.attributes.get('service.name'), 'ai-trace-lens judge');
    assert.deepEqual(
      calls.map((span) => [span.links[0]?.traceId, span.links[0]?.spanId]),
      records.map((record) => [record.traceId, record.spanId]),
    );
    for (const text of [saved, result.stdout, result.stderr]) assert.ok(!text.includes(API_KEY));
  });

  test('every score at or above --min-score exits 0', async () => {
    script = ['{"score": 4, "label": "good", "explanation": "Direct."}'];
    const result = await run(['--evaluator', 'relevance', '--min-score', '4']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1 result, 1 skipped, 0 errors, 0 below --min-score 4/);
  });

  test('a malformed judge answer is a clear error and writes no event', async () => {
    script = ['I think this answer is pretty relevant overall.'];
    const out = join(dir, 'none.jsonl');
    const result = await run(['--evaluator', 'relevance', '--out', out]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /relevance on LLM call "chat gpt-4o".*the judge's answer is not usable \(it holds no JSON object\)/,
    );
    const contents = parseOtlpFile(await readFile(out), out);
    assert.equal(contents.logRequests.flatMap((request) => logRecordsOf(request.request)).length, 0);
    // The judge's call happened and is traced, answer unusable or not.
    assert.equal(contents.requests.flatMap((request) => spansOf(request.request)).length, 2);
    assert.ok(!result.stderr.includes(API_KEY) && !result.stdout.includes(API_KEY));
  });

  test('a custom evaluator file is used, and a broken one is a usage error naming the file', async () => {
    const concise = join(dir, 'concise.md');
    await writeFile(
      concise,
      '---\nname: concise\nscale: pass/fail\nappliesTo: trace\n---\nPass when the answer is short.\n',
    );
    script = ['{"score": 1, "label": "pass", "explanation": "Three sentences."}'];
    const result = await run(['--evaluator', concise, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { results: { evaluator: string; scope: string; label: string }[] };
    assert.deepEqual(
      document.results.map(({ evaluator, scope, label }) => [evaluator, scope, label]),
      [['concise', 'trace', 'pass']],
    );
    const broken = join(dir, 'broken.md');
    await writeFile(broken, '---\nname: broken\nscale: lots\nappliesTo: trace\n---\nx\n');
    const failed = await run(['--evaluator', broken]);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /broken\.md: "scale" must be pass\/fail or a range/);
  });

  test('missing --judge-url is a usage error', async () => {
    const result = await finished(startCli(['eval', traceFile, '--judge-model', 'm']));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /eval needs --judge-url/);
  });
});
