/**
 * Anthropic's Messages API wire format, as api.anthropic.com answers `POST /v1/messages`: streamed as SSE `event:` +
 * `data:` pairs (message_start, content_block_start, ping, content_block_delta, content_block_stop, message_delta,
 * message_stop), or one JSON message. Thinking is a `thinking` block (thinking_delta, then a signature_delta); a tool
 * call is a `tool_use` block whose input streams as input_json_delta pieces.
 *
 * Usage: input_tokens = input − cache read − cache write (Anthropic counts them apart), cache_read_input_tokens,
 * cache_creation_input_tokens; message_start says output_tokens 1, message_delta the final output count.
 */
import { Frames, bodyObject, splitInto, type FakeScript, type Reply } from './script';

const MESSAGE_ID = 'msg_fakeupstream0001';
const REQUEST_ID = 'req_fakeupstream0001';
const SIGNATURE = 'ZmFrZS1zaWduYXR1cmU=';
const HEADERS = { 'request-id': REQUEST_ID, 'anthropic-organization-id': 'fake-organization' };

export async function answerAnthropic(reply: Reply): Promise<boolean> {
  const { method, path } = reply.record;
  if (method !== 'POST' || path !== '/v1/messages') return false;
  if (bodyObject(reply.record).stream === true) await streamMessage(reply);
  else await reply.answer(message(reply), HEADERS);
  return true;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
};

export function anthropicError(reply: Reply, status: number, message: string): void {
  const type = ERROR_TYPES[status] ?? 'api_error';
  const headers: Record<string, string> = { ...HEADERS };
  if (status === 429) headers['retry-after'] = String(reply.script.retryAfterSeconds);
  reply.json(status, { type: 'error', error: { type, message }, request_id: REQUEST_ID }, headers);
}

function usageJson({ usage }: FakeScript, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function stopReason(script: FakeScript): string {
  return script.toolCall ? 'tool_use' : 'end_turn';
}

function message(reply: Reply): Record<string, unknown> {
  const { script } = reply;
  const content: Record<string, unknown>[] = [];
  if (script.reasoning.length > 0) {
    content.push({ type: 'thinking', thinking: script.reasoning.join(''), signature: SIGNATURE });
  }
  if (script.answer) content.push({ type: 'text', text: script.answer });
  if (script.toolCall) {
    const { id, name, arguments: args } = script.toolCall;
    content.push({ type: 'tool_use', id, name, input: JSON.parse(args) as unknown });
  }
  return {
    id: MESSAGE_ID,
    type: 'message',
    role: 'assistant',
    model: modelOf(reply),
    content,
    stop_reason: stopReason(script),
    stop_sequence: null,
    usage: usageJson(script, script.usage.outputTokens),
  };
}

function modelOf(reply: Reply): string {
  return reply.script.responseModel ?? String(bodyObject(reply.record).model);
}

function event(type: string, fields: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

async function streamMessage(reply: Reply): Promise<void> {
  const { script } = reply;
  const frames = new Frames();
  const start = { ...message(reply), content: [], stop_reason: null, usage: usageJson(script, 1) };
  frames.frame(event('message_start', { message: start }));
  frames.frame(event('ping'));
  let index = 0;
  const delta = (fields: Record<string, unknown>) => event('content_block_delta', { index, delta: fields });
  if (script.reasoning.length > 0) {
    frames.frame(
      event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    );
    for (const thinking of script.reasoning) frames.content(delta({ type: 'thinking_delta', thinking }));
    frames.frame(delta({ type: 'signature_delta', signature: SIGNATURE }));
    frames.frame(event('content_block_stop', { index: index++ }));
  }
  if (script.answer) {
    frames.frame(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const text of splitInto(script.answer, script.chunkCount)) frames.content(delta({ type: 'text_delta', text }));
    frames.frame(event('content_block_stop', { index: index++ }));
  }
  if (script.toolCall) {
    const { id, name, arguments: args } = script.toolCall;
    // The block's start names the tool: a tool-call event, so content.
    frames.content(event('content_block_start', { index, content_block: { type: 'tool_use', id, name, input: {} } }));
    for (const partial_json of splitInto(args, script.chunkCount)) {
      frames.content(delta({ type: 'input_json_delta', partial_json }));
    }
    frames.frame(event('content_block_stop', { index: index++ }));
  }
  const messageDelta = { stop_reason: stopReason(script), stop_sequence: null };
  frames.frame(event('message_delta', { delta: messageDelta, usage: { output_tokens: script.usage.outputTokens } }));
  frames.frame(event('message_stop'));
  await reply.stream('text/event-stream; charset=utf-8', frames, HEADERS);
}
