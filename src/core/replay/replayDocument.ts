/**
 * The editable request of a replay: a model request (core/modelRoutes/modelRequest.ts) and the span it replays,
 * checked by its zod schema when it is run, so an edit that breaks it is named with where and why.
 */
import { z } from 'zod';
import { modelRequestSchema } from '../modelRoutes/modelRequest';

export const replayDocumentSchema = modelRequestSchema.extend({
  /** A note for the reader; ignored when run. */
  '//': z.string().optional(),
  replayOf: z.object({ traceId: z.string(), spanId: z.string(), name: z.string() }),
});

export type ReplayDocument = z.infer<typeof replayDocumentSchema>;

/** The note at the top of a replay document. */
export const REPLAY_NOTE =
  'Edit this request, then run it with ▶ Run Replay or Run ×N… above. The route (provider, endpoint or VS Code model) is picked when it runs.';

/** The document as the editor shows it: two-space JSON, the note first. */
export function formatReplayDocument(document: ReplayDocument): string {
  return `${JSON.stringify({ '//': REPLAY_NOTE, ...document }, undefined, 2)}\n`;
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
