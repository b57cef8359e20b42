/**
 * The request a gateway call sent, kept on its span when content is recorded, so Replay LLM Call… can send it again
 * exactly: every field the app set (`tool_choice`, `response_format`, images, reasoning effort, `n`, the Responses
 * API's shape), not only what the GenAI conventions name. Only the body and the path are kept, never a header, and
 * anything in them that looks like a credential is dropped: no provider here takes its key in the body, but Gemini
 * takes it in the query (`?key=`), and a client may put one anywhere.
 */
import { isObject, parseJson } from './providers/jsonFields';
import { GatewayAttributes } from './spanAttributes';

/**
 * The largest body kept. A span's attributes live in memory with every other span; a long context or a few images
 * can weigh megabytes, while the prompts developers replay are mostly far smaller. A larger call is still replayed,
 * rebuilt from its recorded messages as an instrumented call is.
 */
export const MAX_RECORDED_REQUEST_BYTES = 256 * 1024;

/** Field and query parameter names that carry credentials in some API: dropped wherever this looks. */
const CREDENTIAL_NAME = /^(key|api[-_]?key|x[-_]api[-_]key|access[-_]?token|token|secret|password|authorization)$/i;

/** The recorded request's attributes (path and body), or none when the body is too large or not a JSON object. */
export function recordedRequestAttributes(path: string, query: string, body: Uint8Array): [string, string][] {
  if (body.byteLength > MAX_RECORDED_REQUEST_BYTES) return [];
  const json = parseJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  if (!isObject(json)) return [];
  // Top-level fields only: deeper, a name such as `key` is content (a tool's JSON Schema property), not a credential.
  const kept = Object.fromEntries(Object.entries(json).filter(([name]) => !CREDENTIAL_NAME.test(name)));
  const parameters = new URLSearchParams(query);
  for (const name of [...parameters.keys()]) if (CREDENTIAL_NAME.test(name)) parameters.delete(name);
  const search = parameters.toString();
  return [
    [GatewayAttributes.requestPath, search === '' ? path : `${path}?${search}`],
    [GatewayAttributes.requestBody, JSON.stringify(kept)],
  ];
}
