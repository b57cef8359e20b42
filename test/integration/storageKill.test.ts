/**
 * `serve --store` killed with SIGKILL while GenAI traces are being posted: every span whose request got a 200 is in the
 * store afterwards, as `summarize --store` and a restarted `serve --store` read it; then a byte flipped in the middle of
 * the segment costs that one request, reported with its offset.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import type { Span } from '../../src/core/model';
import { segmentFileName } from '../../src/core/storage/segmentReader';
import type { SummaryJson } from '../../src/core/summarize';
import { encodeWithProtobufjs } from '../support/protobufjsOracle';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';
import { finished, runCli, startCli } from './cliFixtures';

const REQUESTS = 400;
const SPANS_PER_REQUEST = 50;
/** The server is killed once this many requests were acknowledged, with others in flight. */
const KILL_AFTER_ACKS = REQUESTS / 2;
const CONCURRENCY = 4;

/** One agent trace: an invoke_agent root over chat and tool spans with GenAI attributes and a prompt. */
function agentTrace(index: number): { spanIds: string[]; body: Uint8Array } {
  const traceId = randomBytes(16).toString('hex');
  const startMs = Date.now() - 60_000 + index;
  const root = makeSpan({ traceId, name: 'invoke_agent planner', startMs, durationMs: 5000, serviceName: 'kill-test' });
  const spans: Span[] = [root];
  for (let child = 1; child < SPANS_PER_REQUEST; child++) {
    const chat = child % 2 === 1;
    const attributes: PlainAttributes = chat
      ? {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1200 + child,
          'gen_ai.usage.output_tokens': 80,
          'gen_ai.input.messages': `[{"role":"user","parts":[{"type":"text","content":"Step ${child} of request ${index}: plan the next tool call."}]}]`,
        }
      : { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' };
    const name = chat ? 'chat gpt-4o-mini' : 'execute_tool search';
    spans.push(makeSpan({ traceId, parentSpanId: root.spanId, name, startMs: startMs + child, attributes }));
  }
  const request = {
    resourceSpans: [
      { resource: root.resource, schemaUrl: '', scopeSpans: [{ scope: root.scope, schemaUrl: '', spans }] },
    ],
  };
  return { spanIds: spans.map((span) => span.spanId), body: encodeWithProtobufjs(request) };
}

describe('serve --store killed with SIGKILL', () => {
  let dir = '';
  /** Spans the first test found in the store. */
  let storedSpans = 0;
  after(() => rm(dir, { recursive: true, force: true }));

  test(`every span of an acknowledged request is stored (${REQUESTS * SPANS_PER_REQUEST} spans posted)`, async (t) => {
    dir = await mkdtemp(join(tmpdir(), 'atl-kill-'));
    const store = join(dir, 'store');
    const child = startCli(['serve', '--port', '0', '--store', store]);
    const ended = finished(child);
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      ended.then((result) => reject(new Error(`serve exited early: ${result.stderr}`)), reject);
    });
    const url = `${/^listening (http:\/\/\S+)$/.exec(firstLine)![1]}/v1/traces`;

    const traces = Array.from({ length: REQUESTS }, (_, index) => agentTrace(index));
    const acked: string[] = [];
    let ackedRequests = 0;
    let failedRequests = 0;
    let next = 0;
    const post = async () => {
      while (next < traces.length) {
        const { spanIds, body } = traces[next++]!;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-protobuf' },
            body,
          });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`status ${response.status}`);
          acked.push(...spanIds);
          if (++ackedRequests === KILL_AFTER_ACKS) child.kill('SIGKILL');
        } catch {
          failedRequests++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, post));
    assert.equal((await ended).signal, 'SIGKILL');
    assert.ok(
      ackedRequests >= KILL_AFTER_ACKS && failedRequests > 0,
      `${ackedRequests} acked, ${failedRequests} failed`,
    );

    const summarized = await runCli(['summarize', '--store', store, '--json']);
    assert.equal(summarized.code, 0, summarized.stderr);
    const summary = JSON.parse(summarized.stdout) as SummaryJson;
    const found = new Set(summary.traces.flatMap((trace) => trace.spans.map((span) => span.spanId)));
    const missing = acked.filter((spanId) => !found.has(spanId));
    const counts = `${REQUESTS * SPANS_PER_REQUEST} posted, ${acked.length} acknowledged, ${found.size} found`;
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged spans missing (${counts})`);
    assert.ok(found.size <= REQUESTS * SPANS_PER_REQUEST, counts);
    t.diagnostic(counts);

    // A restarted serve reads the same store and says what it holds.
    const restarted = startCli(['serve', '--port', '0', '--store', store]);
    const restartEnded = finished(restarted);
    await new Promise((resolve) => createInterface({ input: restarted.stdout }).once('line', resolve));
    restarted.kill('SIGTERM');
    const { stderr } = await restartEnded;
    const held = /^store .+: (\d+) trace, 0 logs and 0 metrics requests in 1 segment \(\d+ bytes\)/m.exec(stderr);
    assert.ok(held, stderr);
    assert.equal(Number(held[1]), found.size / SPANS_PER_REQUEST, stderr);
    storedSpans = found.size;
  });

  test('a flipped byte in the middle of the segment loses that request alone, reported with its offset', async () => {
    const segment = join(dir, 'store', segmentFileName(1));
    const bytes = await readFile(segment);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle]! ^= 0x01;
    await writeFile(segment, bytes);
    const summarized = await runCli(['summarize', '--store', join(dir, 'store'), '--json']);
    assert.equal(summarized.code, 1);
    const damaged = /segment-000000000001\.atl: (\d+) damaged bytes at (\d+) skipped/.exec(summarized.stderr);
    assert.ok(damaged, summarized.stderr);
    const [offset, length] = [Number(damaged[2]), Number(damaged[1])];
    assert.ok(offset <= middle && middle < offset + length, `${middle} in [${offset}, +${length})`);
    const summary = JSON.parse(summarized.stdout) as SummaryJson;
    const spans = summary.traces.reduce((sum, trace) => sum + trace.spans.length, 0);
    assert.equal(spans, storedSpans - SPANS_PER_REQUEST);

    const queried = await runCli([
      'query',
      '{ name = "invoke_agent planner" }',
      '--store',
      join(dir, 'store'),
      '--json',
    ]);
    const roots = (JSON.parse(queried.stdout) as { spans: unknown[] }).spans;
    assert.equal(roots.length, storedSpans / SPANS_PER_REQUEST - 1);
  });
});
