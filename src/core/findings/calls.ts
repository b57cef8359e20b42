/**
 * Which spans stand for a model call. The gateway records every call it forwards, so a call the app's instrumentation
 * also recorded appears twice: the gateway span below the app's LLM span, which already shows the gateway's figures
 * (core/store/storedTrace.ts). Rules count and flag the app's span only.
 */
import { isGatewaySpan } from '../semantics/gateway';
import type { SpanNode } from '../store/types';
import { extractInputMessages } from '../transcript';

// Bound once: called per span (an imported binding is a property read under CommonJS).
const fromGateway = isGatewaySpan;
const inputMessagesOf = extractInputMessages;

/** A gateway span beneath an app LLM span: the same call, seen twice. */
export function isDuplicateCall(node: SpanNode): boolean {
  if (!fromGateway(node.span)) return false;
  for (let above = node.parent; above !== undefined; above = above.parent) {
    if (above.ai.kind === 'llm') return true;
  }
  return false;
}

/** The text sent to the model (every input message, in order), or undefined when the span does not record it. */
export function promptTextOf(node: SpanNode): string | undefined {
  const messages = inputMessagesOf(node.span);
  if (messages.length === 0) return undefined;
  return messages.map((message) => `${message.role}\n${message.text}`).join('\n\n');
}

/** The model a call is named by in messages and keys: the dated response model when known. */
export const modelOf = (node: SpanNode): string | undefined => node.ai.responseModel ?? node.ai.requestModel;
