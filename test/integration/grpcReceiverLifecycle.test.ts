import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { protobufRequest } from '../support/receiverClient';
import { assertPortInUseThenRetry } from '../support/receiverLifecycle';
import { assertStatus, call, LIMIT, rawClient, ROOT } from './grpcReceiverFixtures';

describe('OtlpGrpcReceiver lifecycle', () => {
  const options = { host: '127.0.0.1', maxBodyBytes: LIMIT, onTraces() {} };

  test('a port in use rejects start() with EADDRINUSE, and a retry succeeds once the port is free', async () => {
    await assertPortInUseThenRetry((port) => new OtlpGrpcReceiver({ ...options, port }));
  });

  test('stop() closes open client connections and frees the port', async () => {
    const receiver = new OtlpGrpcReceiver({ ...options, port: 0 });
    const { port } = await receiver.start();
    const client = rawClient(port);
    try {
      assert.equal((await call(client, protobufRequest([ROOT]))).length, 0);
      await receiver.stop();
      assert.equal(receiver.address, undefined);
      await assertStatus(call(client, protobufRequest([ROOT])), grpc.status.UNAVAILABLE, /./);
      const again = new OtlpGrpcReceiver({ ...options, port });
      assert.deepEqual(await again.start(), { host: '127.0.0.1', port });
      await again.stop();
    } finally {
      client.close();
    }
  });

  test('stop() waits for a running onTraces before resolving', async () => {
    let finished = false;
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = new OtlpGrpcReceiver({
      ...options,
      port: 0,
      onTraces: async () => {
        release();
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    const { port } = await receiver.start();
    const client = rawClient(port);
    const pending = call(client, protobufRequest([ROOT])).catch((error: Error) => error);
    await started;
    await receiver.stop();
    assert.equal(finished, true);
    await pending;
    client.close();
  });
});
