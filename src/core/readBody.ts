/** A request body read whole under a byte limit, for the OTLP receiver and the AI gateway. */
import type { IncomingMessage } from 'node:http';

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
