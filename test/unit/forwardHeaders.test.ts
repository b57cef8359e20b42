/** OTEL_EXPORTER_OTLP_HEADERS parsing and where forwarding may go. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forwardTarget } from '../../src/core/forward/forwardTarget';
import { parseOtlpHeaders } from '../../src/core/forward/otlpHeaders';

describe('parseOtlpHeaders', () => {
  test('reads key=value pairs, trimmed and percent-decoded, a value keeping its own "="', () => {
    const parsed = parseOtlpHeaders(' api-key = abc%20def%2C1 ,x-tenant=team%3Da,Authorization=Basic dXNlcjpwdw==');
    assert.deepEqual(parsed.headers, {
      'api-key': 'abc def,1',
      'x-tenant': 'team=a',
      Authorization: 'Basic dXNlcjpwdw==',
    });
    assert.deepEqual(parsed.skipped, []);
  });

  test('nothing set means no headers; empty entries are ignored; a later key wins', () => {
    assert.deepEqual(parseOtlpHeaders(undefined), { headers: {}, skipped: [] });
    assert.deepEqual(parseOtlpHeaders(''), { headers: {}, skipped: [] });
    assert.deepEqual(parseOtlpHeaders('a=1,,a=2,'), { headers: { a: '2' }, skipped: [] });
    assert.deepEqual(parseOtlpHeaders('a='), { headers: { a: '' }, skipped: [] });
  });

  test('skips malformed entries, naming them without their values', () => {
    const parsed = parseOtlpHeaders('novalue,=secret1,bad key=secret2,k=%E0%A4%A,ok=1,nl=line%0Abreak');
    assert.deepEqual(parsed.headers, { ok: '1' });
    assert.deepEqual(parsed.skipped, [
      'entry 1 has no "="',
      'entry 2 has an invalid header name',
      'entry 3 has an invalid header name',
      'entry 4 (k) has an invalid value',
      'entry 6 (nl) has an invalid value',
    ]);
    assert.ok(!parsed.skipped.join().includes('secret'));
  });
});

describe('forwardTarget', () => {
  const receivers = ['http://127.0.0.1:4318', 'http://127.0.0.1:4317'];

  test('the setting wins over the environment', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    assert.deepEqual(forwardTarget(' https://team.example.com/otlp ', env, receivers), {
      endpoint: 'https://team.example.com/otlp',
      source: 'setting',
    });
  });

  test('with no setting, VS Code’s own OTLP endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.internal:4318' };
    assert.deepEqual(forwardTarget('', env, receivers), {
      endpoint: 'http://collector.internal:4318',
      source: 'environment',
    });
    assert.deepEqual(forwardTarget('  ', { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, receivers), {
      endpoint: 'http://collector.internal:4318',
      source: 'environment',
    });
  });

  test('nothing when neither is set, or the environment’s endpoint speaks gRPC', () => {
    assert.equal(forwardTarget('', {}, receivers), undefined);
    assert.equal(forwardTarget('', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, receivers), undefined);
    const grpc = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' };
    assert.equal(forwardTarget('', grpc, receivers), undefined);
  });

  test('never one of our own receivers, by any loopback name', () => {
    for (const endpoint of [
      'http://127.0.0.1:4318',
      'http://localhost:4318/',
      'http://[::1]:4317',
      'http://127.0.0.2:4318/otlp',
      'http://0.0.0.0:4318',
    ]) {
      assert.equal(forwardTarget(endpoint, {}, receivers), undefined, endpoint);
      assert.equal(forwardTarget('', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, receivers), undefined, endpoint);
    }
    assert.equal(forwardTarget('http://192.168.1.5:4318', {}, ['http://192.168.1.5:4318']), undefined);
    assert.equal(forwardTarget('http://localhost', {}, ['http://127.0.0.1:80']), undefined, 'the default port');
  });

  test('a collector on this machine on another port, or elsewhere on the same port, is fine', () => {
    assert.deepEqual(forwardTarget('http://localhost:14318', {}, receivers), {
      endpoint: 'http://localhost:14318',
      source: 'setting',
    });
    assert.deepEqual(forwardTarget('http://collector:4318', {}, receivers), {
      endpoint: 'http://collector:4318',
      source: 'setting',
    });
  });
});
