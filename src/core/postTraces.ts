/** A minimal OTLP/HTTP client: one POST to `{endpoint}/v1/traces` (or another signal's path), as an SDK exporter would send it. */
import { request } from 'node:http';
import type { OtlpSignal } from './receiver/signals';

export interface PostResponse {
  status: number;
  body: string;
}

export function postTraces(
  endpoint: string,
  body: string | Uint8Array,
  contentType: 'application/json' | 'application/x-protobuf',
  timeoutMs = 10_000,
): Promise<PostResponse> {
  return postOtlp(endpoint, 'traces', body, contentType, timeoutMs);
}

export function postOtlp(
  endpoint: string,
  signal: OtlpSignal,
  body: string | Uint8Array,
  contentType: 'application/json' | 'application/x-protobuf',
  timeoutMs = 10_000,
  headers: Record<string, string> = {},
): Promise<PostResponse> {
  const url = new URL(`/v1/${signal}`, endpoint);
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Type': contentType, 'Content-Length': payload.byteLength },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
