/**
 * An LLM span's request as a replay document. A gateway span recorded the request the app sent, read from its body,
 * and keeps that body itself when content is recorded (replayed exactly: exactRequest.ts); an instrumented span's
 * request is rebuilt from the content its instrumentation recorded (core/transcript.ts reads
 * every convention's messages). A span with no recorded input cannot be replayed: the answer says so, and how that
 * span's producer is told to record content.
 */
import type { TranscriptMessage } from '../../shared/transcript';
import type { Span } from '../model';
import type { LogRecord } from '../otlp/logModel';
import { analyzeSpan } from '../semantics/analyze';
import { isGatewaySpan } from '../semantics/gateway';
import type { Convention } from '../semantics/types';
import { extractInputMessages } from '../transcript';
import type { ProviderId } from '../gateway/wire';
import { isObject, parseJson } from '../gateway/providers/jsonFields';
import { GatewayAttributes } from '../gateway/spanAttributes';
import type { ModelRequest, RequestMessage } from '../modelRoutes/modelRequest';
import type { GatewayRequest, ReplayDocument } from './replayDocument';
import { parametersOf, toolsOf } from './spanRequest';

export type BuiltDocument = { document: ReplayDocument } | { error: string };

/** How each convention's producers are told to record prompts and answers. */
const RECORDING_HINTS: Readonly<Record<Convention, string>> = {
  'otel-genai':
    'Set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the app’s environment (some instrumentations ' +
    'take SPAN_ONLY or SPAN_AND_EVENT), then run the app again.',
  openinference:
    'OpenInference hides content when OPENINFERENCE_HIDE_INPUTS or OPENINFERENCE_HIDE_INPUT_MESSAGES is true: ' +
    'unset them, then run the app again.',
  traceloop: 'Set TRACELOOP_TRACE_CONTENT=true (OpenLLMetry’s default) in the app’s environment, then run it again.',
  'vercel-ai':
    'Pass experimental_telemetry: { isEnabled: true, recordInputs: true } to the AI SDK call, then run it again.',
  'otel-mcp': 'Turn on content recording in the app’s instrumentation, then run it again.',
  heuristic: 'Turn on content recording in the app’s instrumentation, then run it again.',
};
const GATEWAY_HINT = 'Turn on the aiTraceLens.gateway.recordContent setting, then run the app again.';

export function buildReplayDocument(span: Span, logs: readonly LogRecord[] = []): BuiltDocument {
  const built = requestOfSpan(span, logs);
  if ('error' in built) return built;
  const gatewayRequest = recordedRequestOf(span, built.request.provider);
  return {
    document: {
      replayOf: { traceId: span.traceId, spanId: span.spanId, name: span.name },
      ...built.request,
      ...(gatewayRequest && { gatewayRequest }),
    },
  };
}

/** The provider-neutral request an LLM span records, or why it cannot be replayed. */
export function requestOfSpan(
  span: Span,
  logs: readonly LogRecord[] = [],
): { request: ModelRequest } | { error: string } {
  const info = analyzeSpan(span);
  if (info.kind !== 'llm') return { error: `“${span.name}” is not an LLM call: only model calls can be replayed.` };
  const messages = replayMessages(extractInputMessages(span, logs));
  if (messages.every((message) => message.content === '' && message.tool_calls === undefined)) {
    const hint = isGatewaySpan(span) ? GATEWAY_HINT : RECORDING_HINTS[info.convention ?? 'heuristic'];
    return { error: `“${span.name}” was recorded without its prompt, so it cannot be replayed. ${hint}` };
  }
  return {
    request: {
      provider: providerIdOf(info.provider),
      model: info.requestModel ?? info.responseModel ?? '',
      messages,
      parameters: parametersOf(span.attributes),
      tools: toolsOf(span.attributes),
    },
  };
}

/** The request a gateway span kept (gateway/recordedRequest.ts), when content was recorded and it was small enough. */
function recordedRequestOf(span: Span, provider: ProviderId): GatewayRequest | undefined {
  if (!isGatewaySpan(span)) return undefined;
  const path = span.attributes.get(GatewayAttributes.requestPath);
  const text = span.attributes.get(GatewayAttributes.requestBody);
  if (typeof path !== 'string' || typeof text !== 'string') return undefined;
  const body = parseJson(text);
  return isObject(body) ? { provider, path, body } : undefined;
}

/** `gen_ai.provider.name` (and older spellings) → the wire format to replay with; anything else speaks OpenAI's. */
export function providerIdOf(provider: string | undefined): ProviderId {
  const name = provider?.toLowerCase() ?? '';
  if (name.includes('anthropic')) return 'anthropic';
  if (name.includes('gemini') || name.includes('google') || name.includes('vertex')) return 'gemini';
  if (name.includes('ollama')) return 'ollama';
  return 'openai';
}

/**
 * Transcript messages in the document's shape. Recorded tool calls often lack their ids while the tool results that
 * follow keep them (or the other way round); each call takes the id of the result in its place, else a made-up one,
 * so the request pairs each result with its call as providers require.
 */
function replayMessages(transcript: readonly TranscriptMessage[]): RequestMessage[] {
  const messages: RequestMessage[] = [];
  let pending: string[] = [];
  let made = 0;
  transcript.forEach((message, index) => {
    if (message.role === 'tool') {
      const id = message.toolCallId ?? pending.shift() ?? `call_${made++}`;
      messages.push({ role: 'tool', content: message.text, tool_call_id: id });
      return;
    }
    if (message.toolCalls === undefined || message.toolCalls.length === 0) {
      messages.push({ role: message.role, content: message.text });
      return;
    }
    const results: TranscriptMessage[] = [];
    for (let next = index + 1; transcript[next]?.role === 'tool'; next++) results.push(transcript[next]!);
    const ids = message.toolCalls.map((_, call) => results[call]?.toolCallId ?? `call_${made++}`);
    pending = ids.filter((_, call) => results[call]?.toolCallId === undefined);
    messages.push({
      role: message.role,
      content: message.text,
      tool_calls: message.toolCalls.map((call, callIndex) => ({
        id: ids[callIndex],
        name: call.name,
        arguments: call.arguments,
      })),
    });
  });
  return messages;
}
