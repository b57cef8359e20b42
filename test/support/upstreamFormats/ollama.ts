/**
 * Ollama's native API wire format, as `ollama serve` answers it: `/api/chat` and `/api/generate` stream NDJSON (one
 * JSON object a line, the last with `done: true`, done_reason, the token counts and nanosecond durations) unless the
 * request says `stream: false` (Ollama streams by default), and `/api/embed` answers JSON. Thinking is the `thinking`
 * field; a tool call comes whole in one chunk's `message.tool_calls`, with the arguments as an object.
 *
 * Usage: prompt_eval_count = input, eval_count = output. Durations follow the script's timing (prompt evaluation is
 * the first-chunk delay), and created_at is fixed, so the same request always gets the same bytes.
 */
import { bodyObject, embeddingVector, Frames, splitInto, type FakeScript, type Reply } from './script';

const CREATED_AT = '2025-10-09T08:53:20.000000000Z';
const NDJSON = 'application/x-ndjson';
const MS = 1_000_000;
const LOAD_NS = 2 * MS;

export async function answerOllama(reply: Reply): Promise<boolean> {
  const { method, path } = reply.record;
  if (method !== 'POST') return false;
  if (path === '/api/chat') await answer(reply, 'chat');
  else if (path === '/api/generate') await answer(reply, 'generate');
  else if (path === '/api/embed') await embed(reply);
  else return false;
  return true;
}

export function ollamaError(reply: Reply, status: number, message: string): void {
  reply.json(status, { error: message }, { 'content-type': 'application/json; charset=utf-8' });
}

function modelOf(reply: Reply): string {
  return reply.script.responseModel ?? String(bodyObject(reply.record).model);
}

function doneFields(script: FakeScript): Record<string, unknown> {
  const { firstChunkDelayMs, chunkIntervalMs, usage } = script;
  const promptNs = Math.max(1, firstChunkDelayMs) * MS;
  const evalNs = Math.max(1, (script.reasoning.length + script.chunkCount - 1) * chunkIntervalMs) * MS;
  return {
    done: true,
    done_reason: 'stop',
    total_duration: LOAD_NS + promptNs + evalNs,
    load_duration: LOAD_NS,
    prompt_eval_count: usage.inputTokens,
    prompt_eval_duration: promptNs,
    eval_count: usage.outputTokens,
    eval_duration: evalNs,
  };
}

function toolCalls(script: FakeScript): Record<string, unknown>[] | undefined {
  if (!script.toolCall) return undefined;
  const { id, name, arguments: args } = script.toolCall;
  return [{ id, function: { index: 0, name, arguments: JSON.parse(args) as unknown } }];
}

/**
 * One line of a chat or generate answer: chat puts the text in `message`, generate in `response` (and ends with a
 * `context`). Generate has no tool calls.
 */
function line(kind: 'chat' | 'generate', model: string, fields: { text?: string; thinking?: string; tools?: unknown }) {
  const base = { model, created_at: CREATED_AT };
  const thinking = fields.thinking ? { thinking: fields.thinking } : {};
  if (kind === 'generate') return { ...base, response: fields.text ?? '', ...thinking };
  const tools = fields.tools ? { tool_calls: fields.tools } : {};
  return { ...base, message: { role: 'assistant', content: fields.text ?? '', ...thinking, ...tools } };
}

async function answer(reply: Reply, kind: 'chat' | 'generate'): Promise<void> {
  const { script } = reply;
  const model = modelOf(reply);
  const done = { ...doneFields(script), ...(kind === 'generate' ? { context: [1, 2, 3] } : {}) };
  const tools = kind === 'chat' ? toolCalls(script) : undefined;
  if (bodyObject(reply.record).stream === false) {
    const thinking = script.reasoning.join('');
    await reply.answer({ ...line(kind, model, { text: script.answer, thinking, tools }), ...done });
    return;
  }
  const frames = new Frames();
  const ndjson = (value: unknown) => `${JSON.stringify(value)}\n`;
  for (const thinking of script.reasoning) frames.content(ndjson({ ...line(kind, model, { thinking }), done: false }));
  for (const text of splitInto(script.answer, script.chunkCount)) {
    frames.content(ndjson({ ...line(kind, model, { text }), done: false }));
  }
  if (tools) frames.content(ndjson({ ...line(kind, model, { tools }), done: false }));
  frames.frame(ndjson({ ...line(kind, model, {}), ...done }));
  await reply.stream(NDJSON, frames);
}

async function embed(reply: Reply): Promise<void> {
  const input = bodyObject(reply.record).input;
  const count = Array.isArray(input) ? input.length : 1;
  const embeddings = Array.from({ length: count }, (_, index) =>
    embeddingVector(index, reply.script.embeddingDimensions),
  );
  const { load_duration, prompt_eval_count } = doneFields(reply.script);
  await reply.answer({
    model: modelOf(reply),
    embeddings,
    total_duration: load_duration,
    load_duration,
    prompt_eval_count,
  });
}
