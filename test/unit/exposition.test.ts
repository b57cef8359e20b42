/** The Prometheus text and OpenMetrics parser, against real servers' exposition text and the format's corner cases. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpositionError, parseExposition } from '../../src/core/modelServers/exposition';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { dcgmText, vllmText } from './modelServerFixtures';

const VLLM = vllmText({
  running: 3,
  waiting: 14,
  kvCache: 0.97,
  preemptions: 2,
  prefixHits: 250,
  prefixQueries: 1000,
  ttftBuckets: [1, 4, 6, 9, 10],
  ttftSum: 7.5,
});

describe('parseExposition', () => {
  test('groups a histogram, its counters and _created samples into their families', () => {
    const families = parseExposition(VLLM);
    const ttft = families.find((family) => family.name === 'vllm:time_to_first_token_seconds')!;
    assert.equal(ttft.type, 'histogram');
    assert.equal(ttft.help, 'Histogram of time to first token in seconds.');
    assert.deepEqual(
      ttft.samples.filter((sample) => sample.name.endsWith('_bucket')).map((sample) => sample.labels.get('le')),
      ['0.1', '0.5', '1.0', '5.0', '+Inf'],
    );
    const preemptions = families.find((family) => family.name === 'vllm:num_preemptions_total')!;
    assert.equal(preemptions.type, 'counter');
    assert.deepEqual(
      preemptions.samples.map((sample) => [sample.name, sample.value]),
      [
        ['vllm:num_preemptions_total', 2],
        ['vllm:num_preemptions_created', 1.7650872e9],
      ],
    );
    const waiting = families.find((family) => family.name === 'vllm:num_requests_waiting')!;
    assert.deepEqual(Object.fromEntries(waiting.samples[0]!.labels), { engine: '0', model_name: 'Qwen/Qwen3-0.6B' });
  });

  test('unescapes label values and help, reads special values and millisecond timestamps', () => {
    const text = [
      '# HELP odd A \\\\ backslash\\nand a newline',
      '# TYPE odd gauge',
      'odd{path="C:\\\\dir\\\\",quote="say \\"hi\\"",nl="a\\nb",} NaN 1700000000123',
      'odd{path="x"} +Inf',
      'odd{path="y"}\t-Inf',
      'odd{path="z"} 1.5e+06',
    ].join('\n');
    const [family] = parseExposition(text);
    assert.equal(family!.help, 'A \\ backslash\nand a newline');
    const [first, second, third, fourth] = family!.samples;
    assert.deepEqual(Object.fromEntries(first!.labels), { path: 'C:\\dir\\', quote: 'say "hi"', nl: 'a\nb' });
    assert.ok(Number.isNaN(first!.value));
    assert.equal(first!.timestampMs, 1700000000123);
    assert.equal(second!.value, Infinity);
    assert.equal(third!.value, -Infinity);
    assert.equal(fourth!.value, 1.5e6);
  });

  test('OpenMetrics: counters named without _total, # UNIT, exemplars, seconds timestamps and # EOF', () => {
    const text = [
      '# TYPE vllm:num_preemptions counter',
      '# UNIT vllm:num_preemptions preemptions',
      '# HELP vllm:num_preemptions Cumulative number of preemption from the engine.',
      'vllm:num_preemptions_total{engine="0"} 7 1700000000.5 # {trace_id="abc"} 1 1700000000.1',
      'vllm:num_preemptions_created{engine="0"} 1700000000',
      '# EOF',
    ].join('\n');
    const [family, ...others] = parseExposition(text);
    assert.equal(others.length, 0);
    assert.equal(family!.name, 'vllm:num_preemptions');
    assert.equal(family!.unit, 'preemptions');
    assert.equal(family!.samples[0]!.value, 7);
    assert.equal(family!.samples[0]!.timestampMs, 1700000000500);
  });

  test('garbage fails on its first bad line, naming it', () => {
    assert.throws(() => parseExposition('<html><body>Not Found</body></html>'), ExpositionError);
    assert.throws(() => parseExposition('# TYPE x gauge\nx{a="1"} 1\nx{a="2} 3'), /line 3: unterminated value/);
    assert.throws(() => parseExposition('x 1 2 3'), /line 1/);
    assert.throws(() => parseExposition('x one'), /"one" is not a number/);
    assert.throws(() => parseExposition('# TYPE x speedometer'), /unknown metric type/);
  });
});

describe('scrapeToOtlp', () => {
  const url = new URL('http://127.0.0.1:8000/metrics');
  const time = 1_765_000_000_000_000_000n;

  test('a histogram becomes per-bucket counts with its finite bounds, its count, sum and start time', () => {
    const request = scrapeToOtlp(parseExposition(VLLM), url, time);
    const metrics = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    const ttft = metrics.find((metric) => metric.name === 'vllm:time_to_first_token_seconds')!;
    assert.equal(ttft.data.type, 'histogram');
    const [point] = ttft.data.type === 'histogram' ? ttft.data.dataPoints : [];
    assert.deepEqual(point!.explicitBounds, [0.1, 0.5, 1, 5]);
    assert.deepEqual(point!.bucketCounts, [1, 3, 2, 3, 1]);
    assert.equal(point!.count, 10);
    assert.equal(point!.sum, 7.5);
    assert.equal(point!.startTimeUnixNano, 1_765_087_200_000_000_000n);
    assert.equal(point!.timeUnixNano, time);
    assert.equal(point!.attributes.get('le'), undefined);
    const preemptions = metrics.find((metric) => metric.name === 'vllm:num_preemptions_total')!;
    assert.equal(preemptions.data.type, 'sum');
    assert.equal(preemptions.data.type === 'sum' && preemptions.data.isMonotonic, true);
    assert.equal(metrics.filter((metric) => metric.name.endsWith('_created')).length, 0);
    assert.equal(request.resourceMetrics[0]!.resource.attributes.get('url.full'), url.href);
    assert.equal(request.resourceMetrics[0]!.resource.attributes.get('server.port'), 8000);
  });

  test('each DCGM GPU is a data point of one gauge, its labels as attributes', () => {
    const text = dcgmText([
      { util: 40, fbUsed: 1000 },
      { util: 90, fbUsed: 3000 },
    ]);
    const metrics = scrapeToOtlp(parseExposition(text), url, time).resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    const util = metrics.find((metric) => metric.name === 'DCGM_FI_DEV_GPU_UTIL')!;
    assert.equal(util.data.type, 'gauge');
    const points = util.data.type === 'gauge' ? util.data.dataPoints : [];
    assert.deepEqual(
      points.map((point) => [point.attributes.get('gpu'), point.value]),
      [
        ['0', 40],
        ['1', 90],
      ],
    );
  });
});
