/**
 * How a gateway span is told apart, and the figures it carries beyond OTel GenAI's own attributes. Everything else
 * on it is plain GenAI semantic conventions (`gen_ai.usage.*`, `gen_ai.response.time_to_first_chunk`, …), so the
 * classifier and extractor read it like any instrumented LLM span.
 */

/** The instrumentation scope of every span the gateway records. */
export const GATEWAY_SCOPE = 'ai-trace-lens.gateway';

/** Gateway-only figures; times in seconds, as OTel's time attributes. */
export const GatewayAttributes = {
  /** From the request to the first visible text, for reasoning models that think first. */
  timeToFirstText: 'ai_trace_lens.gateway.time_to_first_text',
  /** (last content event − first content event) / (output tokens − 1). */
  timePerOutputToken: 'ai_trace_lens.gateway.time_per_output_token',
  /** The longest wait between two chunks of the response once its first content came. */
  longestChunkGap: 'ai_trace_lens.gateway.longest_chunk_gap',
  /** How many waits between chunks lasted over a second. */
  stalls: 'ai_trace_lens.gateway.stalls',
  /** Chunks of the response body as they arrived from the upstream. */
  chunks: 'ai_trace_lens.gateway.chunks',
  /** True when `gen_ai.usage.input_tokens` was counted by a tokenizer, not reported by the provider. */
  inputTokensEstimated: 'ai_trace_lens.gateway.input_tokens_estimated',
  /** True when `gen_ai.usage.output_tokens` was counted from the streamed text. */
  outputTokensEstimated: 'ai_trace_lens.gateway.output_tokens_estimated',
  /** The path the call was sent to after the provider's base URL, with its query minus credentials (content only). */
  requestPath: 'ai_trace_lens.gateway.request.path',
  /** The JSON body the app sent, minus credential-like fields, when content is recorded and it is small enough. */
  requestBody: 'ai_trace_lens.gateway.request.body',
} as const;

/** A stall: a wait between chunks longer than this. */
export const STALL_THRESHOLD_MS = 1000;
