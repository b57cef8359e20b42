/**
 * The Gemini API's wire format, as generativelanguage.googleapis.com answers `/v1beta/models/{model}:{method}`:
 * generateContent (one JSON response), streamGenerateContent?alt=sse (SSE `data:` lines split by CRLF pairs, each a
 * whole response with one part, the last with finishReason and the full usageMetadata), embedContent and
 * batchEmbedContents (which @google/genai calls for `embedContent`). Thoughts are parts with `thought: true`; a
 * function call is one `functionCall` part (Gemini does not stream arguments).
 *
 * Usage: promptTokenCount = input, cachedContentTokenCount = cache read, candidatesTokenCount = output − reasoning
 * (Gemini counts thoughts apart), thoughtsTokenCount = reasoning; earlier chunks carry only the prompt count.
 */
import { bodyObject, embeddingVector, Frames, splitInto, type FakeScript, type Reply } from './script';

const RESPONSE_ID = 'fakeUpstreamResponse0001';
const MODEL_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(\w+)$/;

export async function answerGemini(reply: Reply): Promise<boolean> {
  const { method, path, query } = reply.record;
  const match = MODEL_PATH.exec(path);
  if (method !== 'POST' || !match) return false;
  const model = reply.script.responseModel ?? match[1]!;
  switch (match[2]) {
    case 'generateContent':
      await reply.answer(response(model, parts(reply.script), reply.script, true));
      return true;
    case 'streamGenerateContent':
      if (query.alt !== 'sse') {
        geminiError(reply, 400, 'The fake upstream streams only as SSE (alt=sse).');
        return true;
      }
      await streamContent(reply, model);
      return true;
    case 'embedContent':
      await reply.answer({ embedding: { values: embeddingVector(0, reply.script.embeddingDimensions) } });
      return true;
    case 'batchEmbedContents': {
      const requests = bodyObject(reply.record).requests;
      const count = Array.isArray(requests) ? requests.length : 1;
      const embeddings = Array.from({ length: count }, (_, index) => ({
        values: embeddingVector(index, reply.script.embeddingDimensions),
      }));
      await reply.answer({ embeddings });
      return true;
    }
    default:
      return false;
  }
}

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
};

export function geminiError(reply: Reply, status: number, message: string): void {
  const error: Record<string, unknown> = { code: status, message, status: STATUSES[status] ?? 'INTERNAL' };
  // Google says when to retry in the body, not in a retry-after header.
  if (status === 429) {
    const retryDelay = `${reply.script.retryAfterSeconds}s`;
    error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }];
  }
  reply.json(status, { error }, { 'content-type': 'application/json; charset=UTF-8' });
}

type Part = Record<string, unknown>;

/** Each part a chunk streams: thoughts, text pieces, then the function call. */
function parts(script: FakeScript, textPieces = [script.answer]): Part[] {
  const list: Part[] = script.reasoning.map((text) => ({ text, thought: true }));
  for (const text of textPieces) if (text) list.push({ text });
  if (script.toolCall) {
    const { name, arguments: args } = script.toolCall;
    list.push({ functionCall: { name, args: JSON.parse(args) as unknown } });
  }
  return list;
}

function usageMetadata({ usage }: FakeScript, final: boolean): Record<string, unknown> {
  const prompt = {
    promptTokenCount: usage.inputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  };
  if (!final) return { ...prompt, totalTokenCount: usage.inputTokens };
  return {
    ...prompt,
    candidatesTokenCount: usage.outputTokens - usage.reasoningTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 ? { cachedContentTokenCount: usage.cacheReadTokens } : {}),
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
  };
}

function response(model: string, content: Part[], script: FakeScript, final: boolean): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts: content, role: 'model' }, index: 0 };
  if (final) candidate.finishReason = 'STOP';
  return {
    candidates: [candidate],
    usageMetadata: usageMetadata(script, final),
    modelVersion: model,
    responseId: RESPONSE_ID,
  };
}

async function streamContent(reply: Reply, model: string): Promise<void> {
  const { script } = reply;
  const pieces = parts(script, splitInto(script.answer, script.chunkCount));
  const frames = new Frames();
  for (const [index, part] of pieces.entries()) {
    const final = index === pieces.length - 1;
    frames.content(`data: ${JSON.stringify(response(model, [part], script, final))}\r\n\r\n`);
  }
  await reply.stream('text/event-stream', frames);
}
