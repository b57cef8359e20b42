import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, test } from 'node:test';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { send } from '../support/receiverClient';
import { assertPortInUseThenRetry } from '../support/receiverLifecycle';
import { JSON_TYPE, jsonBody, LIMIT, ROOT } from './receiverFixtures';

describe('OtlpHttpReceiver lifecycle', () => {
  const options = { host: '127.0.0.1', maxBodyBytes: LIMIT, onTraces() {} };

  test('a port in use rejects start() with EADDRINUSE, and a retry succeeds once the port is free', async () => {
    await assertPortInUseThenRetry((port) => new OtlpHttpReceiver({ ...options, port }));
  });

  test('stop() closes idle keep-alive connections and the port is free again', async () => {
    const receiver = new OtlpHttpReceiver({ ...options, port: 0 });
    const { port } = await receiver.start();
    assert.deepEqual(receiver.address, { host: '127.0.0.1', port });
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    try {
      const response = await send(port, { headers: JSON_TYPE, body: jsonBody([ROOT]), agent });
      assert.equal(response.status, 200);
      const idle = Object.values(agent.freeSockets).flat();
      assert.equal(idle.length, 1, 'the client keeps the connection open');
      // The agent unrefs idle sockets; ref this one so the test waits for its close instead of exiting early.
      const closed = new Promise((resolve) => idle[0]!.ref().once('close', resolve));
      await receiver.stop();
      await closed;
      assert.equal(receiver.address, undefined);
      const again = new OtlpHttpReceiver({ ...options, port });
      assert.deepEqual(await again.start(), { host: '127.0.0.1', port });
      await again.stop();
    } finally {
      agent.destroy();
    }
  });

  test('stop() does not wait for a client stuck mid-request', async () => {
    const receiver = new OtlpHttpReceiver({ ...options, port: 0 });
    const { port } = await receiver.start();
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { ...JSON_TYPE, 'Content-Length': 1000 },
    });
    const clientSaw = new Promise((resolve) => request.on('error', resolve));
    await new Promise((resolve) => request.write('{"resourceSpans":', resolve));
    // Let the server parse the headers, so the connection is active rather than idle when stop() runs.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await receiver.stop();
    assert.equal(((await clientSaw) as NodeJS.ErrnoException).code, 'ECONNRESET');
  });

  test('stop() waits for a running onTraces before resolving', async () => {
    let finished = false;
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = new OtlpHttpReceiver({
      ...options,
      port: 0,
      onTraces: async () => {
        release();
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    const { port } = await receiver.start();
    const pending = send(port, { headers: JSON_TYPE, body: jsonBody([ROOT]) }).catch((error: Error) => error);
    await started;
    await receiver.stop();
    assert.equal(finished, true);
    await pending;
  });
});
