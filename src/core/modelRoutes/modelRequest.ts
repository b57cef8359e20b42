/**
 * A model request in one provider-neutral shape: provider, model, messages, parameters and tool definitions, with
 * OpenAI-like names most developers know. Replay documents are one (core/replay/replayDocument.ts), and so is what the
 * judge asks; wireRequest.ts turns one into its provider's own request body, and tracedCall.ts sends it along a route.
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

export const modelRequestSchema = z.object({
  provider: z.enum(PROVIDER_IDS),
  model: z.string().min(1, 'Name the model to run.'),
  messages: z.array(messageSchema).min(1, 'A request needs at least one message.'),
  parameters: parametersSchema,
  tools: z.array(toolSchema),
});

export type ModelRequest = z.infer<typeof modelRequestSchema>;
export type RequestMessage = ModelRequest['messages'][number];
export type RequestToolCall = z.infer<typeof toolCallSchema>;
export type RequestParameters = ModelRequest['parameters'];
export type RequestTool = ModelRequest['tools'][number];
