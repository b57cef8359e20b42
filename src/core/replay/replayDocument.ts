/**
 * The editable request of a replay: a model request (core/modelRoutes/modelRequest.ts) and the span it replays,
 * checked by its zod schema when it is run, so an edit that breaks it is named with where and why.
 */
import { z } from 'zod';
import { PROVIDER_IDS } from '../gateway/wire';
import { modelRequestSchema } from '../modelRoutes/modelRequest';

/** The request a gateway call sent, as its span kept it: sent again as it is, with the document's edits applied. */
const gatewayRequestSchema = z.object({
  provider: z.enum(PROVIDER_IDS),
  /** After the provider's base URL: `/chat/completions`, `/responses`, `/v1beta/models/…:streamGenerateContent?alt=sse`. */
  path: z.string().startsWith('/'),
  body: z.record(z.string(), z.unknown()),
});

export const replayDocumentSchema = modelRequestSchema.extend({
  /** A note for the reader; ignored when run. */
  '//': z.string().optional(),
  replayOf: z.object({ traceId: z.string(), spanId: z.string(), name: z.string() }),
  gatewayRequest: gatewayRequestSchema.optional(),
});

export type ReplayDocument = z.infer<typeof replayDocumentSchema>;
export type GatewayRequest = z.infer<typeof gatewayRequestSchema>;

/** The note at the top of a replay document. */
export const REPLAY_NOTE =
  'Edit this request, then run it with ▶ Run Replay or Run ×N… above. The route (provider, endpoint or VS Code model) is picked when it runs.';

/** The note's addition when the document holds the exact request of a gateway call. */
export const GATEWAY_REQUEST_NOTE =
  ' gatewayRequest is the body the app sent through the gateway: it is sent as it is, with your edits to model, messages, parameters and tools applied.';

/** The document as the editor shows it: two-space JSON, the note first, the recorded body (large) last. */
export function formatReplayDocument(document: ReplayDocument): string {
  const { gatewayRequest, ...fields } = document;
  const note = gatewayRequest === undefined ? REPLAY_NOTE : REPLAY_NOTE + GATEWAY_REQUEST_NOTE;
  return `${JSON.stringify({ '//': note, ...fields, ...(gatewayRequest && { gatewayRequest }) }, undefined, 2)}\n`;
}

/** The document in `text`, or a message saying what is wrong with it (where, and why). */
export function parseReplayDocument(text: string): { document: ReplayDocument } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `The replay document is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = replayDocumentSchema.safeParse(value);
  if (!parsed.success) return { error: `The replay document is not a request:\n${z.prettifyError(parsed.error)}` };
  return { document: parsed.data };
}
