/**
 * OpenAI's wire format, as api.openai.com/v1 answers it: chat completions (SSE `data:` chunks ending in `[DONE]`, a
 * usage chunk only when the request sets `stream_options.include_usage`, or one JSON object), the Responses API
 * (SSE `event:` + `data:` from response.created to response.completed, or one JSON object), and embeddings (float
 * arrays or base64, as the `openai` client asks by default). Reasoning goes out as `delta.reasoning_content`, as
 * OpenAI-compatible servers (vLLM, DeepSeek) stream it; OpenAI's own chat API streams none.
 *
 * Usage: prompt_tokens = input, cached_tokens = cache read, completion_tokens = output, reasoning_tokens = reasoning.
 */
import {
  Frames,
  bodyObject,
  embeddingVector,
  splitInto,
  type FakeScript,
  type FakeToolCall,
  type Reply,
} from './script';

const CREATED = 1_760_000_000;
const REQUEST_ID = 'req_fakeupstream0001';
const HEADERS = { 'x-request-id': REQUEST_ID, 'openai-processing-ms': '5' };
const SSE = 'text/event-stream; charset=utf-8';

export async function answerOpenAi(reply: Reply): Promise<boolean> {
  const { method, path } = reply.record;
  if (method !== 'POST') return false;
  if (path === '/chat/completions') await chatCompletion(reply);
  else if (path === '/responses') await responses(reply);
  else if (path === '/embeddings') await embeddings(reply);
  else return false;
  return true;
}

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  404: { type: 'invalid_request_error', code: 'unknown_url' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
};

export function openAiError(reply: Reply, status: number, message: string): void {
  const { type, code } = ERRORS[status] ?? { type: 'server_error', code: null };
  const headers: Record<string, string> = { ...HEADERS };
  if (status === 429) {
    headers['retry-after'] = String(reply.script.retryAfterSeconds);
    headers['x-ratelimit-remaining-requests'] = '0';
  }
  reply.json(status, { error: { message, type, param: null, code } }, headers);
}

function modelOf(reply: Reply): string {
  return reply.script.responseModel ?? String(bodyObject(reply.record).model);
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function chatUsage({ usage }: FakeScript): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatToolCall(toolCall: FakeToolCall): Record<string, unknown> {
  return { id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } };
}

async function chatCompletion(reply: Reply): Promise<void> {
  const { script } = reply;
  const body = bodyObject(reply.record);
  const finishReason = script.toolCall ? 'tool_calls' : 'stop';
  const base = {
    id: 'chatcmpl-fakeupstream0001',
    created: CREATED,
    model: modelOf(reply),
    service_tier: 'default',
    system_fingerprint: 'fp_fakeupstream',
  };
  if (body.stream !== true) {
    const message: Record<string, unknown> = { role: 'assistant', content: script.answer || null, refusal: null };
    if (script.reasoning.length > 0) message.reasoning_content = script.reasoning.join('');
    if (script.toolCall) message.tool_calls = [chatToolCall(script.toolCall)];
    message.annotations = [];
    const choice = { index: 0, message, logprobs: null, finish_reason: finishReason };
    await reply.answer({ ...base, object: 'chat.completion', choices: [choice], usage: chatUsage(script) }, HEADERS);
    return;
  }
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  const includeUsage = streamOptions?.include_usage === true;
  // With include_usage every chunk carries `usage: null` and a last chunk with no choices carries the numbers.
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sse({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames = new Frames();
  frames.frame(chunk({ role: 'assistant', content: '', refusal: null }, null));
  for (const piece of script.reasoning) frames.content(chunk({ reasoning_content: piece }, null));
  for (const piece of splitInto(script.answer, script.chunkCount)) frames.content(chunk({ content: piece }, null));
  if (script.toolCall) {
    const { id, name } = script.toolCall;
    const opening = { index: 0, id, type: 'function', function: { name, arguments: '' } };
    frames.content(chunk({ tool_calls: [opening] }, null));
    for (const piece of splitInto(script.toolCall.arguments, script.chunkCount)) {
      frames.content(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
    }
  }
  frames.frame(chunk({}, finishReason));
  if (includeUsage) {
    frames.frame(sse({ ...base, object: 'chat.completion.chunk', choices: [], usage: chatUsage(script) }));
  }
  frames.frame('data: [DONE]\n\n');
  await reply.stream(SSE, frames, HEADERS);
}

/** The Responses API's response object, in progress (no output yet) or completed. */
function responseObject(reply: Reply, output: unknown[] | undefined): Record<string, unknown> {
  const { usage } = reply.script;
  return {
    id: 'resp_fakeupstream0001',
    object: 'response',
    created_at: CREATED,
    status: output ? 'completed' : 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: modelOf(reply),
    output: output ?? [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: output
      ? {
          input_tokens: usage.inputTokens,
          input_tokens_details: { cached_tokens: usage.cacheReadTokens },
          output_tokens: usage.outputTokens,
          output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
          total_tokens: usage.inputTokens + usage.outputTokens,
        }
      : null,
    user: null,
    metadata: {},
  };
}

const REASONING_ID = 'rs_fakeupstream0001';
const MESSAGE_ID = 'msg_fakeupstream0001';
const FUNCTION_CALL_ID = 'fc_fakeupstream0001';

/** The completed output items: a reasoning summary, the message, the function call, each when scripted. */
function outputItems({ reasoning, answer, toolCall }: FakeScript): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (reasoning.length > 0) {
    const summary = [{ type: 'summary_text', text: reasoning.join('') }];
    items.push({ id: REASONING_ID, type: 'reasoning', summary });
  }
  if (answer) {
    const content = [{ type: 'output_text', annotations: [], logprobs: [], text: answer }];
    items.push({ id: MESSAGE_ID, type: 'message', status: 'completed', role: 'assistant', content });
  }
  if (toolCall) {
    const { id, name, arguments: args } = toolCall;
    items.push({
      id: FUNCTION_CALL_ID,
      type: 'function_call',
      status: 'completed',
      arguments: args,
      call_id: id,
      name,
    });
  }
  return items;
}

async function responses(reply: Reply): Promise<void> {
  const { script } = reply;
  const items = outputItems(script);
  if (bodyObject(reply.record).stream !== true) {
    await reply.answer(responseObject(reply, items), HEADERS);
    return;
  }
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  const frames = new Frames();
  frames.frame(event('response.created', { response: responseObject(reply, undefined) }));
  frames.frame(event('response.in_progress', { response: responseObject(reply, undefined) }));
  for (const [output_index, item] of items.entries()) {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      frames.frame(event('response.output_item.added', { output_index, item: { ...item, summary: [] } }));
      const part = { type: 'summary_text', text: '' };
      const at = { item_id, output_index, summary_index: 0 };
      frames.frame(event('response.reasoning_summary_part.added', { ...at, part }));
      for (const delta of script.reasoning) {
        frames.content(event('response.reasoning_summary_text.delta', { ...at, delta }));
      }
      const text = script.reasoning.join('');
      frames.frame(event('response.reasoning_summary_text.done', { ...at, text }));
      frames.frame(event('response.reasoning_summary_part.done', { ...at, part: { ...part, text } }));
    } else if (item.type === 'message') {
      const inProgress = { ...item, status: 'in_progress', content: [] };
      frames.frame(event('response.output_item.added', { output_index, item: inProgress }));
      const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
      const at = { item_id, output_index, content_index: 0 };
      frames.frame(event('response.content_part.added', { ...at, part }));
      for (const delta of splitInto(script.answer, script.chunkCount)) {
        frames.content(event('response.output_text.delta', { ...at, delta, logprobs: [] }));
      }
      frames.frame(event('response.output_text.done', { ...at, text: script.answer, logprobs: [] }));
      frames.frame(event('response.content_part.done', { ...at, part: { ...part, text: script.answer } }));
    } else {
      const inProgress = { ...item, status: 'in_progress', arguments: '' };
      // The opening names the function: a tool-call event, so content.
      frames.content(event('response.output_item.added', { output_index, item: inProgress }));
      const args = String(item.arguments);
      for (const delta of splitInto(args, script.chunkCount)) {
        frames.content(event('response.function_call_arguments.delta', { item_id, output_index, delta }));
      }
      frames.frame(event('response.function_call_arguments.done', { item_id, output_index, arguments: args }));
    }
    frames.frame(event('response.output_item.done', { output_index, item }));
  }
  frames.frame(event('response.completed', { response: responseObject(reply, items) }));
  await reply.stream(SSE, frames, HEADERS);
}

async function embeddings(reply: Reply): Promise<void> {
  const body = bodyObject(reply.record);
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((_, index) => {
    const vector = embeddingVector(index, reply.script.embeddingDimensions);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const { inputTokens } = reply.script.usage;
  const usage = { prompt_tokens: inputTokens, total_tokens: inputTokens };
  await reply.answer({ object: 'list', data, model: modelOf(reply), usage }, HEADERS);
}
