/** A stand-in team collector for forwarding tests: records each request's path, headers and raw body on loopback. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Answers each recorded request; it may hold the response to keep the request in flight. */
export type Answer = (received: Received, response: http.ServerResponse) => void;

export const answerOk: Answer = (_received, response) => response.end();

export interface RecordingCollector {
  endpoint: string;
  received: Received[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on `port` (0: any free port). */
export async function startCollector(answer: Answer = answerOk, port = 0): Promise<RecordingCollector> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close };
}
