/**
 * The receivers' lifecycle as the extension runs it (core/receiver/receiverSupervisor.ts), on real sockets: what
 * listens, what arrives in the stores, and the states and failure events the host shows.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { findFreePort } from '../../src/core/endpoint';
import type { ForwardedRequest } from '../../src/core/forward/otlpForwarder';
import { NO_LOG } from '../../src/core/receiver/options';
import { ReceiverSupervisor, type ReceiverState } from '../../src/core/receiver/receiverSupervisor';
import { listenFailure, type ListenFailureEvent } from '../../src/core/receiver/serverSupervisor';
import type { ReceiverSettings } from '../../src/core/settings';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { jsonRequest, send } from '../support/receiverClient';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const HOST = '127.0.0.1';

function settings(overrides: Partial<ReceiverSettings> = {}): ReceiverSettings {
  return { enabled: true, host: HOST, port: 0, grpcPort: 0, maxBodyBytes: 1024 * 1024, ...overrides };
}

interface Running {
  supervisor: ReceiverSupervisor;
  traces: TraceStore;
  states: ReceiverState[];
  failures: ListenFailureEvent[];
}

const running: ReceiverSupervisor[] = [];
const occupied: Server[] = [];

function supervise(receiverSettings: ReceiverSettings): Running {
  const traces = new TraceStore({ maxSpans: 1000 });
  const supervisor = new ReceiverSupervisor(
    { traces, logs: new LogStore({ maxRecords: 1000 }), metrics: new MetricStore({ maxPoints: 1000 }) },
    NO_LOG,
    receiverSettings,
  );
  running.push(supervisor);
  const states: ReceiverState[] = [];
  const failures: ListenFailureEvent[] = [];
  supervisor.onDidChangeState((state) => states.push(state));
  supervisor.onDidFailToListen((failure) => failures.push(failure));
  return { supervisor, traces, states, failures };
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: HOST, port }, () => resolve(server));
  });
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((supervisor) => supervisor.stop()));
  await Promise.all(occupied.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('ReceiverSupervisor', () => {
  test('listens on the bound port, says so, and hands received spans to the store', async () => {
    const { supervisor, traces, states } = supervise(settings());
    assert.equal(supervisor.state.kind, 'starting');
    await supervisor.restart();
    assert.deepEqual(
      states.map((state) => state.kind),
      ['starting', 'listening'],
    );
    const { port } = supervisor.state;
    assert.ok(port > 0);
    assert.equal(supervisor.endpoint, `http://${HOST}:${port}`);
    const response = await send(port, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(jsonRequest([{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'chat gpt-4o' }])),
    });
    assert.equal(response.status, 200);
    assert.equal(traces.getTrace(TRACE_ID)?.getSpan(SPAN_ID)?.span.name, 'chat gpt-4o');
  });

  test('with forwarding set, every accepted request is also handed on as received; unset, none is', async () => {
    const { supervisor } = supervise(settings());
    await supervisor.restart();
    const forwarded: ForwardedRequest[] = [];
    supervisor.setForwarding((request) => forwarded.push(request));
    const body = JSON.stringify(jsonRequest([{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'chat gpt-4o' }]));
    const headers = { 'content-type': 'application/json' };
    assert.equal((await send(supervisor.state.port, { headers, body })).status, 200);
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0]!.signal, 'traces');
    assert.equal(Buffer.from(forwarded[0]!.body).toString(), body);
    supervisor.setForwarding(undefined);
    assert.equal((await send(supervisor.state.port, { headers, body })).status, 200);
    assert.equal(forwarded.length, 1);
  });

  test('a port in use is a failed state and one failure event; a restart once it is free listens', async () => {
    const port = await findFreePort(HOST);
    const blocker = await occupy(port);
    occupied.push(blocker);
    const { supervisor, failures } = supervise(settings({ port }));
    await supervisor.restart();
    assert.equal(supervisor.state.kind, 'failed');
    assert.deepEqual(supervisor.state.failure, {
      reason: 'the port is in use (another collector?)',
      code: 'EADDRINUSE',
    });
    assert.deepEqual(failures, [{ protocol: 'http', host: HOST, port, failure: supervisor.state.failure }]);

    await new Promise((resolve) => blocker.close(resolve));
    occupied.length = 0;
    await supervisor.restart();
    assert.equal(supervisor.state.kind, 'listening');
    assert.equal(supervisor.state.port, port);
    assert.equal(failures.length, 1);
  });

  test('gRPC that cannot listen leaves HTTP listening, its failure in the state and in one event', async () => {
    const grpcPort = await findFreePort(HOST);
    occupied.push(await occupy(grpcPort));
    const { supervisor, failures } = supervise(settings({ grpcPort }));
    await supervisor.restart();
    assert.equal(supervisor.state.kind, 'listening');
    assert.equal(supervisor.state.grpc?.port, grpcPort);
    assert.equal(supervisor.state.grpc?.failure?.code, 'EADDRINUSE');
    assert.deepEqual(
      failures.map(({ protocol, port }) => [protocol, port]),
      [['grpc', grpcPort]],
    );
  });

  test('paused, exporters are told to retry; resumed, spans are received again', async () => {
    const { supervisor, traces, states } = supervise(settings());
    await supervisor.restart();
    const { port } = supervisor.state;
    const post = () =>
      send(port, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(jsonRequest([{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'tool' }])),
      });
    supervisor.setPaused(true);
    supervisor.setPaused(true);
    assert.equal(supervisor.state.kind, 'paused');
    const refused = await post();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '5');
    assert.equal(traces.traceCount, 0);
    supervisor.setPaused(false);
    assert.equal((await post()).status, 200);
    assert.equal(traces.traceCount, 1);
    assert.deepEqual(
      states.map((state) => state.kind),
      ['starting', 'listening', 'paused', 'listening'],
    );
  });

  test('the same settings restart nothing; turned off, nothing listens', async () => {
    const { supervisor, states } = supervise(settings());
    await supervisor.restart();
    const { port } = supervisor.state;
    await supervisor.apply(settings());
    assert.equal(states.length, 2);
    await supervisor.apply(settings({ enabled: false }));
    assert.equal(supervisor.state.kind, 'stopped');
    await assert.rejects(send(port, { body: '{}' }), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
  });

  test('stop frees the port at once, and no later restart listens again', async () => {
    const { supervisor, states, failures } = supervise(settings());
    await supervisor.restart();
    const { port } = supervisor.state;
    await supervisor.stop();
    occupied.push(await occupy(port));
    await supervisor.restart();
    assert.deepEqual(
      states.map((state) => state.kind),
      ['starting', 'listening'],
    );
    assert.deepEqual(failures, []);
  });
});

describe('listenFailure', () => {
  test('names the usual causes and keeps any other message', () => {
    const coded = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
    assert.deepEqual(listenFailure(coded('EACCES')), {
      reason: 'permission denied (ports below 1024 need privileges)',
      code: 'EACCES',
    });
    assert.equal(
      listenFailure(coded('EADDRNOTAVAIL')).reason,
      'this machine has no such address (check aiTraceLens.receiver.host)',
    );
    assert.equal(
      listenFailure(coded('EAI_AGAIN')).reason,
      'the host name does not resolve (check aiTraceLens.receiver.host)',
    );
    assert.deepEqual(listenFailure(coded('EPERM')), { reason: 'listen EPERM', code: 'EPERM' });
    assert.deepEqual(listenFailure('plain text'), { reason: 'plain text', code: undefined });
  });
});
