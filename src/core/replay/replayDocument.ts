/**
 * The editable request of a replay: provider, model, messages, parameters and tool definitions, in one
 * provider-neutral JSON shape the user edits (OpenAI-like names, which most developers know), checked by a zod schema
 * when it is run. wireRequest.ts turns it into the provider's own request body.
 */
import { z } from 'zod';
import { PROVIDER_IDS } from '../gateway/wire';

const toolCallSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  /** The arguments as the model wrote them: JSON text. */
  arguments: z.string(),
});

const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  tool_calls: z.array(toolCallSchema).optional(),
  /** On tool results: the id of the call they answer. */
  tool_call_id: z.string().optional(),
});

const parametersSchema = z
  .object({
    temperature: z.number(),
    top_p: z.number(),
    top_k: z.number().int(),
    max_tokens: z.number().int().positive(),
    frequency_penalty: z.number(),
    presence_penalty: z.number(),
    seed: z.number().int(),
    stop: z.array(z.string()),
  })
  .partial()
  .strict();

const toolSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** The arguments' JSON Schema. */
  parameters: z.record(z.string(), z.unknown()).optional(),
});

export const replayDocumentSchema = z.object({
  /** A note for the reader; ignored when run. */
  '//': z.string().optional(),
  replayOf: z.object({ traceId: z.string(), spanId: z.string(), name: z.string() }),
  provider: z.enum(PROVIDER_IDS),
  model: z.string().min(1, 'Name the model to run.'),
  messages: z.array(messageSchema).min(1, 'A replay needs at least one message.'),
  parameters: parametersSchema,
  tools: z.array(toolSchema),
});

export type ReplayDocument = z.infer<typeof replayDocumentSchema>;
export type ReplayMessage = ReplayDocument['messages'][number];
export type ReplayToolCall = z.infer<typeof toolCallSchema>;
export type ReplayParameters = ReplayDocument['parameters'];
export type ReplayTool = ReplayDocument['tools'][number];

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
