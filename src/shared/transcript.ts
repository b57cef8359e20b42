/** An LLM call's conversation as a chat transcript: what core/transcript.ts extracts and the flame graph page shows. */

export type TranscriptRole = 'system' | 'user' | 'assistant' | 'tool';

export interface TranscriptToolCall {
  readonly name: string;
  /** As recorded: usually a JSON string; structured arguments are shown as JSON. */
  readonly arguments: string;
}

export interface TranscriptMessage {
  readonly role: TranscriptRole;
  readonly text: string;
  readonly toolCalls?: readonly TranscriptToolCall[];
  /** On tool results: the id of the call they answer. */
  readonly toolCallId?: string;
}
