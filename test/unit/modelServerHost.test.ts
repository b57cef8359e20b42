/**
 * The model-server host logic in core: `aiTraceLens.modelServers` parsed, which discovered servers are tried and
 * offered, and the findings index evaluating again the traces that new server samples cover (`server-saturated`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FindingsIndex } from '../../src/core/findings/findingsIndex';
import { DEFAULT_FINDINGS_OPTIONS } from '../../src/core/findings/types';
import { ModelServerDiscovery } from '../../src/core/modelServers/discoveryOffers';
import { parseExposition } from '../../src/core/modelServers/exposition';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { parseModelServerTargets } from '../../src/core/modelServers/targetSettings';
import type { AttributeMap } from '../../src/core/model';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { TraceStore } from '../../src/core/store/traceStore';
import { agentSpan, llmSpan } from '../support/findingSpans';
import { DEFAULT_START_MS } from '../support/spanBuilder';
import { vllmText, type VllmState } from './modelServerFixtures';

describe('aiTraceLens.modelServers', () => {
  const cases: { name: string; value: unknown; targets: { url: string; name?: string }[]; problems: RegExp[] }[] = [
    { name: 'unset', value: undefined, targets: [], problems: [] },
    {
      name: 'URLs normalised, names trimmed',
      value: [{ url: ' http://127.0.0.1:8000/metrics ' }, { url: 'https://GPU-box:9400/metrics', name: ' dcgm ' }],
      targets: [{ url: 'http://127.0.0.1:8000/metrics' }, { url: 'https://gpu-box:9400/metrics', name: 'dcgm' }],
      problems: [],
    },
    {
      name: 'not http(s), no URL, credentials and repeats left out, each said',
      value: [
        { url: 'file:///etc/passwd' },
        { name: 'no url' },
        'http://127.0.0.1:8000/metrics',
        { url: 'http://user:secret@10.0.0.5:8000/metrics' },
        { url: 'http://127.0.0.1:8000/metrics' },
        { url: 'http://127.0.0.1:8000/metrics' },
      ],
      targets: [{ url: 'http://127.0.0.1:8000/metrics' }],
      problems: [/\[0\] must have an http/, /\[1\] must have/, /\[2\] must have/, /\[3\] must have/, /\[5\] repeats/],
    },
    { name: 'not an array', value: { url: 'http://x' }, targets: [], problems: [/must be an array/] },
    {
      name: 'a name that is not text',
      value: [{ url: 'http://127.0.0.1:30000/metrics', name: 3 }],
      targets: [{ url: 'http://127.0.0.1:30000/metrics' }],
      problems: [/\[0\]\.name must be a non-empty string/],
    },
  ];
  for (const { name, value, targets, problems } of cases) {
    test(name, () => {
      const parsed = parseModelServerTargets(value);
      assert.deepEqual(parsed.targets, targets);
      assert.equal(parsed.problems.length, problems.length, parsed.problems.join('\n'));
      problems.forEach((problem, index) => assert.match(parsed.problems[index]!, problem));
    });
  }
});

describe('ModelServerDiscovery', () => {
  const span = (address: string, port: number): AttributeMap =>
    new Map<string, string | number>([
      ['server.address', address],
      ['server.port', port],
    ]);

  test('tries each new private candidate once, offers those that answer, skips configured and declined ones', async () => {
    const probed: string[] = [];
    const offered: string[] = [];
    const discovery = new ModelServerDiscovery({
      configured: () => ['http://127.0.0.1:8000/metrics'],
      declined: (url) => url === 'http://10.0.0.7:8080/metrics',
      probe: (url) => {
        probed.push(url);
        if (url.includes('30000')) return Promise.reject(new Error('refused'));
        return Promise.resolve(!url.includes('11434'));
      },
      offer: (url) => offered.push(url),
    });
    const spans = [
      span('127.0.0.1', 8000),
      span('localhost', 30000),
      span('10.0.0.7', 8080),
      span('api.openai.com', 443),
      span('192.168.1.20', 8001),
    ];
    const first = await discovery.consider(spans, ['http://127.0.0.1:11434', 'https://api.anthropic.com']);
    assert.deepEqual(probed, [
      'http://localhost:30000/metrics',
      'http://192.168.1.20:8001/metrics',
      'http://127.0.0.1:11434/metrics',
    ]);
    assert.deepEqual(first, ['http://192.168.1.20:8001/metrics']);
    assert.deepEqual(offered, first);
    // Once per session: the same spans again try nothing.
    assert.deepEqual(await discovery.consider(spans), []);
    assert.equal(probed.length, 3);
  });
});

describe('FindingsIndex with model-server samples', () => {
  const IDLE: VllmState = {
    running: 1,
    waiting: 0,
    kvCache: 0.3,
    preemptions: 0,
    prefixHits: 0,
    prefixQueries: 0,
    ttftBuckets: [0, 0, 0, 0, 0],
    ttftSum: 0,
  };
  const URL_TEXT = 'http://127.0.0.1:8000/metrics';
  const scrape = (servers: ModelServerStore, state: VllmState, atMs: number) =>
    servers.add(
      metricsOf(scrapeToOtlp(parseExposition(vllmText(state)), new URL(URL_TEXT), BigInt(atMs) * 1_000_000n)),
    );

  test('samples arriving after a trace flag its call; traces outside their time are not evaluated again', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const servers = new ModelServerStore({ maxSamples: 1000, maxAgeNanos: 3_600_000_000_000n });
    const index = new FindingsIndex(store, { ...DEFAULT_FINDINGS_OPTIONS, modelServers: servers });
    const agent = agentSpan('planner', { at: 0 });
    const server = { 'server.address': '127.0.0.1', 'server.port': 8000 };
    const call = llmSpan({ parent: agent, at: 500, ttftS: 1, attributes: server });
    // An hour later: no sample of these stands for its time.
    const laterTrace = 'f'.repeat(32);
    const later = agentSpan('later', { at: 3_600_000, traceId: laterTrace });
    const laterCall = llmSpan({ parent: later, at: 3_600_500, ttftS: 1, traceId: laterTrace, attributes: server });
    store.ingest([agent, call, later, laterCall]);
    index.reset();
    assert.equal(index.forTrace(agent.traceId).length, 0);

    const changes: string[][] = [];
    index.onDidChange((change) => changes.push([...change.updated]));
    scrape(servers, IDLE, DEFAULT_START_MS);
    scrape(servers, { ...IDLE, waiting: 14, kvCache: 0.97 }, DEFAULT_START_MS + 1000);
    index.serversChanged([URL_TEXT]);
    const findings = index.forTrace(agent.traceId).filter((finding) => finding.rule === 'server-saturated');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.spanId, call.spanId);
    assert.match(findings[0]!.message, /queue 14 waiting · KV cache 97%/);
    assert.deepEqual(changes, [[agent.traceId]]);
    // The same samples again are nothing new.
    index.serversChanged([URL_TEXT]);
    assert.equal(changes.length, 1);
  });
});
