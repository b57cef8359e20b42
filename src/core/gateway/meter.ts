/**
 * Times one model call as its response streams through the gateway, and collects what its reader reports. The gateway
 * stamps each body chunk's arrival (`chunk`) before the reader parses it, so every sink call made while parsing that
 * chunk is timed by the chunk's arrival, and the clock is read once per chunk, not once per event.
 */
import { STALL_THRESHOLD_MS } from './spanAttributes';
import type { GenAiMessage, GenAiPart, ResponseSink, Usage } from './wire';

interface ToolCallParts {
  id: string | undefined;
  name: string;
  arguments: string;
}

/** One choice's output as it streamed: text and reasoning pieces, tool calls by index. */
class ChoiceOutput {
  readonly text: string[] = [];
  readonly reasoning: string[] = [];
  readonly toolCalls = new Map<number, ToolCallParts>();
  finishReason: string | undefined;

  message(): GenAiMessage {
    const parts: GenAiPart[] = [];
    if (this.reasoning.length > 0) parts.push({ type: 'reasoning', content: this.reasoning.join('') });
    if (this.text.length > 0) parts.push({ type: 'text', content: this.text.join('') });
    for (const call of this.toolCalls.values()) {
      parts.push({
        type: 'tool_call',
        ...(call.id && { id: call.id }),
        name: call.name,
        arguments: parsed(call.arguments),
      });
    }
    return { role: 'assistant', parts, ...(this.finishReason && { finish_reason: this.finishReason }) };
  }
}

/** Tool arguments as JSON when they parse, else the text as it came (a stream cut short). */
function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class CallMeter implements ResponseSink {
  /** When the current chunk arrived; sink calls made while it is parsed happen at this time. */
  private chunkAtMs: number;
  private lastChunkAtMs: number | undefined;
  chunks = 0;
  longestGapMs = 0;
  stalls = 0;
  /** Times are milliseconds on `performance.now()`'s clock, like `startMs`. */
  firstContentMs: number | undefined;
  firstTextMs: number | undefined;
  lastContentMs: number | undefined;
  readonly usageReported: Usage = {};
  model: string | undefined;
  id: string | undefined;
  /** Errors the provider reported in its response body: the first one's type and message. */
  providerError: { type: string; message: string } | undefined;
  private readonly choices: ChoiceOutput[] = [];

  constructor(readonly startMs: number) {
    this.chunkAtMs = startMs;
  }

  /**
   * A body chunk arrived at `atMs`: counts it and, once the answer has begun (the wait for the first content is TTFT,
   * not a stall), measures the wait since the previous chunk.
   */
  chunk(atMs: number): void {
    this.chunkAtMs = atMs;
    this.chunks++;
    if (this.firstContentMs !== undefined && this.lastChunkAtMs !== undefined) {
      const gap = atMs - this.lastChunkAtMs;
      if (gap > this.longestGapMs) this.longestGapMs = gap;
      if (gap > STALL_THRESHOLD_MS) this.stalls++;
    }
    this.lastChunkAtMs = atMs;
  }

  text(delta: string, choice = 0): void {
    if (delta === '') return;
    this.content();
    this.firstTextMs ??= this.chunkAtMs;
    this.choice(choice).text.push(delta);
  }

  reasoning(delta: string, choice = 0): void {
    if (delta === '') return;
    this.content();
    this.choice(choice).reasoning.push(delta);
  }

  toolCall(index: number, piece: { id?: string; name?: string; argumentsDelta?: string }, choice = 0): void {
    this.content();
    const calls = this.choice(choice).toolCalls;
    let call = calls.get(index);
    if (call === undefined) {
      call = { id: undefined, name: '', arguments: '' };
      calls.set(index, call);
    }
    if (piece.id !== undefined) call.id = piece.id;
    if (piece.name !== undefined) call.name = piece.name;
    if (piece.argumentsDelta !== undefined) call.arguments += piece.argumentsDelta;
  }

  usage(usage: Usage): void {
    Object.assign(this.usageReported, usage);
  }

  responseModel(model: string): void {
    this.model = model;
  }

  responseId(id: string): void {
    this.id = id;
  }

  finishReason(reason: string, choice = 0): void {
    this.choice(choice).finishReason = reason;
  }

  error(type: string, message: string): void {
    this.providerError ??= { type, message };
  }

  /** Finish reasons of the choices that gave one, in choice order. */
  finishReasons(): string[] {
    return this.choices.flatMap((choice) => (choice.finishReason === undefined ? [] : [choice.finishReason]));
  }

  /** The answer as GenAI output messages, one per choice. */
  outputMessages(): GenAiMessage[] {
    return this.choices.flatMap((choice) => [choice.message()]);
  }

  /** All visible and reasoning text the response carried, for counting output tokens when the usage is missing. */
  outputText(): string {
    return this.choices
      .flatMap((choice) => {
        const toolText = [...choice.toolCalls.values()].map((call) => call.name + call.arguments);
        return [...choice.reasoning, ...choice.text, ...toolText];
      })
      .join('');
  }

  private content(): void {
    this.firstContentMs ??= this.chunkAtMs;
    this.lastContentMs = this.chunkAtMs;
  }

  private choice(index: number): ChoiceOutput {
    // Sparse when a provider numbers choices from other than 0: flatMap, which every reader uses, skips the holes.
    return (this.choices[index] ??= new ChoiceOutput());
  }
}
