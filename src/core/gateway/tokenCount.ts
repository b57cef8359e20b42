/**
 * Token counts for a call whose provider reported none: an OpenAI-compatible stream without
 * `stream_options.include_usage`. Counted with OpenAI's current encoding, which is exact for OpenAI's current models
 * and an estimate for any other; spans mark these counts as estimated either way.
 */
import type { GenAiMessage, GenAiPart } from './wire';

type Tokenizer = typeof import('./tokenizer');
let tokenizer: Promise<Tokenizer> | undefined;

/** Loads the encoding on first use; later calls share it. */
function loadTokenizer(): Promise<Tokenizer> {
  tokenizer ??= import('./tokenizer');
  return tokenizer;
}

export async function countTextTokens(text: string): Promise<number> {
  if (text === '') return 0;
  return (await loadTokenizer()).countTokens(text);
}

// OpenAI's chat format: each message costs a few tokens of framing, and the reply is primed with three more
// (the count OpenAI's cookbook gives for current chat models).
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

/** The prompt's tokens: the messages' text and the tool definitions, plus the chat format's framing. */
export async function countPromptTokens(
  messages: readonly GenAiMessage[],
  systemInstructions: readonly GenAiPart[] | undefined,
  toolDefinitions: readonly unknown[] | undefined,
): Promise<number> {
  const texts: string[] = [];
  for (const part of systemInstructions ?? []) texts.push(partText(part));
  for (const message of messages) for (const part of message.parts) texts.push(partText(part));
  if (toolDefinitions !== undefined && toolDefinitions.length > 0) texts.push(JSON.stringify(toolDefinitions));
  const framing = TOKENS_PER_MESSAGE * (messages.length + (systemInstructions ? 1 : 0)) + REPLY_PRIMING_TOKENS;
  return (await countTextTokens(texts.join('\n'))) + framing;
}

function partText(part: GenAiPart): string {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return part.content;
    case 'tool_call':
      return part.name + (part.arguments === undefined ? '' : JSON.stringify(part.arguments));
    case 'tool_call_response':
      return typeof part.response === 'string' ? part.response : JSON.stringify(part.response);
    default:
      return '';
  }
}
