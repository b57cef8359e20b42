import assert from 'node:assert/strict';
import type { ReceiverAddress } from '../../src/core/receiver/options';

interface Startable {
  readonly address: ReceiverAddress | undefined;
  start(): Promise<ReceiverAddress>;
  stop(): Promise<void>;
}

/** Both receivers: a port in use rejects start() with EADDRINUSE, and start() succeeds once the port is free. */
export async function assertPortInUseThenRetry(receiverOn: (port: number) => Startable): Promise<void> {
  const first = receiverOn(0);
  const { port } = await first.start();
  const second = receiverOn(port);
  try {
    await assert.rejects(second.start(), (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE');
    assert.equal(second.address, undefined);
    await first.stop();
    assert.deepEqual(await second.start(), { host: '127.0.0.1', port });
  } finally {
    await second.stop();
    await first.stop();
  }
}
