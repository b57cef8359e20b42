/**
 * What a judge reads of an LLM call, an agent run (trace) or a session: the user's question, the system prompt, the
 * context and tool results, the tool calls and the answer, taken from the recorded conversation (core/transcript.ts,
 * span attributes, events and correlated logs) and tool spans. Each part is cut to a share of a character budget.
 * When nothing was recorded the target cannot be judged: `EvaluationError` says so and how to record content.
 */
import type { TranscriptMessage } from '../../shared/transcript';
import { StatusCode, type AttributeValue, type Span } from '../model';
import type { LogRecord } from '../otlp/logModel';
import { readString } from '../semantics/attributes';
import { toolCallOf } from '../semantics/extract';
import { attributeValueText } from '../spanDetailsText';
import { rootSpanOf } from '../store/rootSpan';
import type { SpanNode, TraceRecord } from '../store/types';
import { extractInputMessages, extractOutputMessages } from '../transcript';
import type { ContentPart, EvaluationScope } from './evaluators';

/** A target that cannot be evaluated (nothing recorded, the judge's answer unusable); the message says why. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

/** Each part as text, '' when the target recorded none of it. */
export type TargetContent = Readonly<Record<ContentPart, string>>;

export interface EvaluationTarget {
  readonly scope: EvaluationScope;
  /** The span its results are parented to: the LLM call, the run's root span, a session's last root span. */
  readonly traceId: string;
  readonly spanId: string;
  /** `gen_ai.response.id` of an LLM call, which the result event repeats. */
  readonly responseId: string | undefined;
  /** For people: `LLM call "chat gpt-4o"`, `agent run "invoke_agent planner"`, `session s-42`. */
  readonly description: string;
  readonly content: TargetContent;
}

/** The log records correlated with a span (GenAI events sent as logs carry conversations). */
export type LogsOf = (span: Span) => readonly LogRecord[];

/**
 * Characters of recorded content one judge call reads at most, about 6k tokens: within the context of small local
 * judges (8k) with room for the rubric and the answer, and a bounded cost per call when CI grades every run.
 */
const TARGET_CHARACTER_BUDGET = 24_000;

/** Each part's share of the budget: the answer and what it should rest on matter most. */
const SHARES: Readonly<Record<ContentPart, number>> = {
  question: 0.15,
  systemPrompt: 0.15,
  context: 0.3,
  toolCalls: 0.15,
  answer: 0.25,
};

const NOT_RECORDED =
  'was not recorded: turn on content capture in the instrumentation (for OTel GenAI ' +
  'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true) or send the calls through the AI gateway';

export function llmCallTarget(trace: TraceRecord, node: SpanNode, logsOf: LogsOf): EvaluationTarget {
  const { span } = node;
  const logs = logsOf(span);
  const input = extractInputMessages(span, logs);
  const output = extractOutputMessages(span, logs);
  const description = `LLM call "${span.name}"`;
  if (!hasText(input) && !hasText(output)) {
    throw new EvaluationError(`${description} (span ${span.spanId}): its conversation ${NOT_RECORDED}.`);
  }
  const lastUser = input.map((message) => message.role).lastIndexOf('user');
  const context = input.filter((message, index) => message.role !== 'system' && index !== lastUser);
  return {
    scope: 'llm',
    traceId: trace.summary.traceId,
    spanId: span.spanId,
    responseId: readString(span.attributes, 'gen_ai.response.id'),
    description,
    content: bounded({
      question: lastUser < 0 ? '' : input[lastUser]!.text,
      systemPrompt: textOf(input, 'system'),
      context: context.map(messageLine).join('\n'),
      toolCalls: toolCallLines(output).join('\n'),
      answer: textOf(output, 'assistant'),
    }),
  };
}

export function traceTarget(trace: TraceRecord, logsOf: LogsOf): EvaluationTarget {
  const root = rootSpanOf(trace) ?? trace.roots[0];
  const description = `agent run "${trace.summary.rootName}"`;
  if (root === undefined) throw new EvaluationError(`${description}: the trace holds no span.`);
  const run = runContent(trace, logsOf);
  if (run === undefined) {
    throw new EvaluationError(
      `${description} (trace ${trace.summary.traceId}): no LLM call's conversation ${NOT_RECORDED}.`,
    );
  }
  return {
    scope: 'trace',
    traceId: trace.summary.traceId,
    spanId: root.span.spanId,
    responseId: undefined,
    description,
    content: bounded(run),
  };
}

/** A conversation of several runs (`traces` oldest first): each turn's question and answer, in order. */
export function sessionTarget(sessionId: string, traces: readonly TraceRecord[], logsOf: LogsOf): EvaluationTarget {
  const description = `session ${sessionId}`;
  const turns = traces.flatMap((trace) => {
    const run = runContent(trace, logsOf);
    return run === undefined ? [] : [run];
  });
  const last = traces.at(-1);
  const root = last === undefined ? undefined : (rootSpanOf(last) ?? last.roots[0]);
  if (turns.length === 0 || last === undefined || root === undefined) {
    throw new EvaluationError(`${description}: no turn's conversation ${NOT_RECORDED}.`);
  }
  const numbered = (part: ContentPart) =>
    turns.map((turn, index) => (turn[part] === '' ? '' : `Turn ${index + 1}: ${turn[part]}`)).filter(Boolean);
  return {
    scope: 'session',
    traceId: last.summary.traceId,
    spanId: root.span.spanId,
    responseId: undefined,
    description,
    content: bounded({
      question: numbered('question').join('\n'),
      systemPrompt: turns.find((turn) => turn.systemPrompt !== '')?.systemPrompt ?? '',
      context: numbered('context').join('\n'),
      toolCalls: numbered('toolCalls').join('\n'),
      answer: numbered('answer').join('\n'),
    }),
  };
}

/** A run's parts: the first question and system prompt, every tool result, every tool call, the last answer. */
function runContent(trace: TraceRecord, logsOf: LogsOf): Record<ContentPart, string> | undefined {
  const calls = trace
    .spans()
    .filter((node) => node.ai.kind === 'llm')
    .map(({ span }) => ({
      input: extractInputMessages(span, logsOf(span)),
      output: extractOutputMessages(span, logsOf(span)),
    }))
    .filter((call) => hasText(call.input) || hasText(call.output));
  if (calls.length === 0) return undefined;
  const inputs = calls.flatMap((call) => call.input);
  const toolCalls = calls.flatMap((call) => toolCallLines(call.output));
  const answers = calls.map((call) => textOf(call.output, 'assistant')).filter((text) => text !== '');
  // Tool spans say what each tool returned or how it failed; recorded tool messages add what spans do not.
  const toolResults = trace.spans().flatMap((node) => toolSpanLine(node));
  const toolMessages = inputs.filter((message) => message.role === 'tool').map(messageLine);
  return {
    question: inputs.find((message) => message.role === 'user')?.text ?? '',
    systemPrompt: textOf(inputs.filter((message) => message.role === 'system').slice(0, 1), 'system'),
    context: [...new Set([...toolResults, ...toolMessages])].join('\n'),
    toolCalls: toolCalls.join('\n'),
    answer: answers.at(-1) ?? '',
  };
}

function toolSpanLine({ span, ai }: SpanNode): string[] {
  if (ai.kind !== 'tool' || ai.toolName === undefined) return [];
  const call = toolCallOf(span.attributes);
  const failed = span.status.code === StatusCode.Error;
  const outcome = failed
    ? `failed: ${span.status.message || 'error'}`
    : `returned ${valueText(call.result) || '(nothing recorded)'}`;
  return [`tool ${ai.toolName}(${valueText(call.arguments)}) ${outcome}`];
}

function valueText(value: AttributeValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : attributeValueText(value);
}

function hasText(messages: readonly TranscriptMessage[]): boolean {
  return messages.some((message) => message.text !== '' || (message.toolCalls?.length ?? 0) > 0);
}

function textOf(messages: readonly TranscriptMessage[], role: TranscriptMessage['role']): string {
  return messages
    .filter((message) => message.role === role && message.text !== '')
    .map((message) => message.text)
    .join('\n');
}

function toolCallLines(messages: readonly TranscriptMessage[]): string[] {
  return messages.flatMap((message) => (message.toolCalls ?? []).map((call) => `${call.name}(${call.arguments})`));
}

function messageLine(message: TranscriptMessage): string {
  const calls = toolCallLines([message]);
  return [`${message.role}: ${message.text}`, ...calls.map((call) => `${message.role} calls ${call}`)]
    .filter((line) => line !== `${message.role}: `)
    .join('\n');
}

/** Every part cut to its share of the budget. */
function bounded(parts: Record<ContentPart, string>): TargetContent {
  const result = { ...parts };
  for (const part of Object.keys(SHARES) as ContentPart[]) {
    result[part] = cut(parts[part].trim(), Math.floor(TARGET_CHARACTER_BUDGET * SHARES[part]));
  }
  return result;
}

/** The head and the tail, which hold the question and the conclusion, with how much of the middle was cut. */
export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  // Room for the note itself, so the result stays within the limit.
  const keep = Math.max(0, limit - 40);
  const head = Math.ceil(keep / 2);
  const note = `\n[… ${text.length - keep} characters cut …]\n`;
  return text.slice(0, head) + note + text.slice(text.length - (keep - head));
}
