/**
 * What the OTLP/HTTP receiver and the AI gateway share of running an HTTP server: listening with the listen error
 * intact, closing with every connection, and reading a request body under a byte limit.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceiverAddress } from './receiver/options';

/**
 * Listens on `host:port`; rejects with the listen error (its `code`, e.g. EADDRINUSE, intact). Errors after that go
 * to `onError`, so the server never throws them.
 */
export function listen(
  server: Server,
  host: string,
  port: number,
  onError: (error: Error) => void,
): Promise<ReceiverAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', onError);
      const { address, port: bound } = server.address() as AddressInfo;
      resolve({ host: address, port: bound });
    });
  });
}

/** Closes the listener and every connection, idle keep-alive ones included, and resolves once it is closed. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** The whole body, or undefined as soon as more than `limit` bytes arrived (the rest is not read). */
export function readLimited(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (settle: () => void) => {
      request.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onFailure);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        finish(() => resolve(undefined));
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks, size)));
    // 'close' before 'end' means the client went away.
    const onFailure = () => finish(() => reject(new Error('The request was aborted.')));
    request.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onFailure);
  });
}
