import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Metric, MetricData, NumberDataPoint } from '../../src/core/otlp/metricModel';
import { isKeptMetric, MetricStore } from '../../src/core/store/metricStore';
import { makeResource, makeScope, toAttributeMap, type PlainAttributes } from '../support/spanBuilder';

function numberPoint(value: number, attributes: PlainAttributes = {}, timeUnixNano = 1n): NumberDataPoint {
  return {
    attributes: toAttributeMap(attributes),
    startTimeUnixNano: 0n,
    timeUnixNano,
    flags: 0,
    value,
    exemplars: [],
  };
}

function metric(name: string, data: MetricData, serviceName = 'agent'): Metric {
  return { name, description: '', unit: 's', data, resource: makeResource(serviceName), scope: makeScope('meter') };
}

function histogram(name: string, model: string, sum: number, timeUnixNano = 1n): Metric {
  return metric(name, {
    type: 'histogram',
    aggregationTemporality: 2,
    dataPoints: [
      {
        attributes: toAttributeMap({ 'gen_ai.request.model': model, 'gen_ai.operation.name': 'chat' }),
        startTimeUnixNano: 0n,
        timeUnixNano,
        flags: 0,
        count: 1,
        sum,
        bucketCounts: [0, 1],
        explicitBounds: [1],
        min: sum,
        max: sum,
        exemplars: [],
      },
    ],
  });
}

describe('MetricStore', () => {
  test('keeps GenAI, MCP and model-server metrics and drops the rest, counting them', () => {
    const store = new MetricStore({ maxPoints: 100 });
    const result = store.add([
      histogram('gen_ai.client.operation.duration', 'gpt-4o', 1.2),
      metric('vllm:num_requests_running', { type: 'gauge', dataPoints: [numberPoint(3)] }),
      metric('mcp.client.operation.duration', { type: 'gauge', dataPoints: [numberPoint(0.4)] }),
      metric('http.server.request.duration', { type: 'gauge', dataPoints: [numberPoint(1), numberPoint(2)] }),
      metric('gen_ai.empty', { type: 'none' }),
    ]);
    assert.deepEqual(result, { kept: 3, dropped: 2 });
    assert.equal(store.droppedPoints, 2);
    assert.deepEqual(store.names(), [
      'gen_ai.client.operation.duration',
      'mcp.client.operation.duration',
      'vllm:num_requests_running',
    ]);
    assert.equal(isKeptMetric('gen_ai.server.time_to_first_token'), true);
    assert.equal(isKeptMetric('process.cpu.time'), false);
  });

  test('queries by name and attributes (point first, then resource), with a time floor', () => {
    const store = new MetricStore({ maxPoints: 100 });
    store.add([
      histogram('gen_ai.client.operation.duration', 'gpt-4o', 1.2, 10n),
      histogram('gen_ai.client.operation.duration', 'claude-sonnet', 2.5, 20n),
      histogram('gen_ai.client.operation.duration', 'gpt-4o', 0.8, 30n),
      metric(
        'gen_ai.client.token.usage',
        { type: 'sum', aggregationTemporality: 1, isMonotonic: true, dataPoints: [numberPoint(5)] },
        'other',
      ),
    ]);
    const sums = (points: ReturnType<MetricStore['query']>) =>
      points.map((stored) => (stored.point as { sum?: number }).sum);
    assert.deepEqual(
      sums(store.query({ name: 'gen_ai.client.operation.duration', attributes: { 'gen_ai.request.model': 'gpt-4o' } })),
      [1.2, 0.8],
    );
    assert.deepEqual(sums(store.query({ name: 'gen_ai.client.operation.duration', sinceUnixNano: 20n })), [2.5, 0.8]);
    assert.deepEqual(
      store.query({ name: 'gen_ai.client.operation.duration', attributes: { 'gen_ai.request.model': 'o3' } }),
      [],
    );
    const [usage] = store.query({ name: 'gen_ai.client.token.usage', attributes: { 'service.name': 'other' } });
    assert.equal(usage!.type, 'sum');
    assert.equal(usage!.aggregationTemporality, 1);
    assert.equal(usage!.unit, 's');
    assert.equal(usage!.scopeName, 'meter');
    assert.deepEqual(store.query({ name: 'unknown' }), []);
  });

  test('bounded: the oldest points are evicted first and counted; clear resets', () => {
    const store = new MetricStore({ maxPoints: 3 });
    for (let index = 0; index < 5; index++) {
      const name = index % 2 === 0 ? 'gen_ai.a' : 'gen_ai.b';
      store.add([metric(name, { type: 'gauge', dataPoints: [numberPoint(index)] })]);
    }
    assert.equal(store.pointCount, 3);
    assert.equal(store.evictedPoints, 2);
    const values = (name: string) => store.query({ name }).map((stored) => (stored.point as NumberDataPoint).value);
    assert.deepEqual(values('gen_ai.a'), [2, 4]);
    assert.deepEqual(values('gen_ai.b'), [3]);
    store.clear();
    assert.equal(store.pointCount, 0);
    assert.deepEqual(store.names(), []);
    assert.throws(() => new MetricStore({ maxPoints: 0 }), RangeError);
  });

  test('a lower bound evicts the oldest points at once; a higher one lets more in', () => {
    const store = new MetricStore({ maxPoints: 10 });
    store.add([metric('gen_ai.a', { type: 'gauge', dataPoints: [0, 1, 2, 3].map((value) => numberPoint(value)) })]);
    store.setMaxPoints(2);
    assert.equal(store.pointCount, 2);
    assert.equal(store.evictedPoints, 2);
    store.setMaxPoints(3);
    store.add([metric('gen_ai.b', { type: 'gauge', dataPoints: [numberPoint(4)] })]);
    const values = (name: string) => store.query({ name }).map((stored) => (stored.point as NumberDataPoint).value);
    assert.deepEqual([...values('gen_ai.a'), ...values('gen_ai.b')], [2, 3, 4]);
    assert.throws(() => store.setMaxPoints(-1), RangeError);
    assert.equal(store.pointCount, 3, 'a rejected bound changes nothing');
  });
});
