/**
 * The rules over many calls of one trace, run on what the walk of evaluate.ts gathered: `tool-loop` and `retry` over
 * the whole trace, `agent-steps`, `context-growth`, `cache-miss` and `large-tool-result` over each agent run (the
 * calls whose nearest agent span is that agent; calls under no agent form the trace's own run).
 */
import { formatTokens, plural } from '../../shared/format';
import type { SpanNode, TraceRecord } from '../store/types';
import { modelOf, promptTextOf } from './calls';
import type { FindingSink } from './evaluate';
import type { FindingsOptions } from './types';
import { estimateTokens, hasFailed, preview } from './spanFacts';

export interface AgentRun {
  /** Undefined for the trace's own run: the calls under no agent span. */
  agent: SpanNode | undefined;
  /** Model calls, in walk order (siblings by start time). */
  calls: SpanNode[];
  tools: ToolCallRecord[];
}

export interface ToolCallRecord {
  node: SpanNode;
  tool: string;
  argumentsText: string | undefined;
  resultText: string | undefined;
  failed: boolean;
}

export interface GatheredTrace {
  trace: TraceRecord;
  runs: readonly AgentRun[];
  /** Every model call of the trace. */
  calls: readonly SpanNode[];
  tools: readonly ToolCallRecord[];
}

/** Providers that cache prompt prefixes (OpenAI, Gemini, DeepSeek and xAI by themselves, Anthropic when asked). */
const CACHING_PROVIDERS = new Set([
  'openai',
  'azure.ai.openai',
  'anthropic',
  'aws.bedrock',
  'gcp.gemini',
  'gcp.vertex_ai',
  'deepseek',
  'x_ai',
]);

export const byStart = (a: SpanNode, b: SpanNode) =>
  a.span.startTimeUnixNano < b.span.startTimeUnixNano
    ? -1
    : a.span.startTimeUnixNano > b.span.startTimeUnixNano
      ? 1
      : 0;

export function evaluateGroups(gathered: GatheredTrace, sink: FindingSink): void {
  if (sink.on('tool-loop')) toolLoops(gathered.tools, sink);
  if (sink.on('retry')) retries(gathered.calls, sink);
  for (const run of gathered.runs) {
    if (run.calls.length > 1) run.calls.sort(byStart);
    const name = run.agent === undefined ? 'the trace' : (run.agent.ai.agentName ?? run.agent.span.name);
    if (sink.on('agent-steps')) agentSteps(run, name, gathered.trace, sink);
    if (run.calls.length > 1 && sink.on('context-growth')) contextGrowth(run.calls, name, sink);
    if (run.calls.length > 1 && sink.on('cache-miss')) cacheMisses(run.calls, name, sink);
    if (run.tools.length > 0 && sink.on('large-tool-result')) largeToolResults(run, sink);
  }
}

/** One finding per tool and arguments called `toolLoopCalls` times or more, on the call that reached the count. */
function toolLoops(tools: readonly ToolCallRecord[], sink: FindingSink): void {
  const groups = new Map<string, ToolCallRecord[]>();
  for (const call of tools) {
    // Unrecorded arguments cannot be told identical.
    if (call.argumentsText === undefined) continue;
    const key = `${call.tool}\u0000${call.argumentsText}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [call]);
    else group.push(call);
  }
  const threshold = sink.options.toolLoopCalls;
  for (const group of groups.values()) {
    if (group.length < threshold) continue;
    group.sort((a, b) => byStart(a.node, b.node));
    const { tool, argumentsText } = group[0]!;
    sink.add(
      'tool-loop',
      'warning',
      group[threshold - 1]!.node,
      `${tool} called ${group.length} times with identical arguments ${preview(argumentsText!)}`,
      'The agent repeats a call whose answer cannot change: check that the result reaches the model, and give the ' +
        'loop a stop condition or cache the tool.',
    );
  }
}

/** A call with the same model and input as an earlier call that failed before it started. */
function retries(calls: readonly SpanNode[], sink: FindingSink): void {
  const failedModels = new Set<string>();
  for (const call of calls) if (hasFailed(call.span)) failedModels.add(modelOf(call) ?? '');
  if (failedModels.size === 0) return;
  const candidates = calls.filter((call) => failedModels.has(modelOf(call) ?? '')).sort(byStart);
  /** The last failure of each request, by model and input. */
  const failures = new Map<string, { node: SpanNode; attempts: number }>();
  for (const call of candidates) {
    const input = promptTextOf(call) ?? (call.ai.inputTokens === undefined ? undefined : `#${call.ai.inputTokens}`);
    if (input === undefined) continue;
    const key = `${modelOf(call) ?? ''}\u0000${input}`;
    const failure = failures.get(key);
    if (failure !== undefined && failure.node.span.endTimeUnixNano <= call.span.startTimeUnixNano) {
      sink.add(
        'retry',
        'information',
        call,
        `${modelOf(call) ?? call.span.name} called again with the same input after a failure ` +
          `(attempt ${failure.attempts + 1})`,
        'Make sure retries back off, and that errors no retry can fix (context length, authentication) are not ' +
          'retried.',
      );
    }
    if (hasFailed(call.span)) failures.set(key, { node: call, attempts: (failure?.attempts ?? 0) + 1 });
    else failures.delete(key);
  }
}

function agentSteps(run: AgentRun, name: string, trace: TraceRecord, sink: FindingSink): void {
  const max = sink.options.agentStepsMax;
  if (run.calls.length <= max) return;
  const at = run.agent ?? trace.roots[0] ?? run.calls[0]!;
  sink.add(
    'agent-steps',
    'warning',
    at,
    `${name} made ${run.calls.length} LLM calls in one run, over ${max}`,
    'The agent may be going in circles: give it a step limit and a clear stop condition, and check its tool results.',
  );
}

/** The first call of a run whose input passed the factor over the run's first input, or the absolute size. */
function contextGrowth(calls: readonly SpanNode[], name: string, sink: FindingSink): void {
  const crossing = contextGrowthCrossing(calls, sink.options);
  if (crossing === undefined) return;
  sink.add('context-growth', 'warning', crossing.call, contextGrowthMessage(crossing, name), CONTEXT_GROWTH_HINT);
}

/** Where a series of calls' input crossed the `context-growth` thresholds. */
export interface ContextGrowthCrossing {
  readonly call: SpanNode;
  /** Its 0-based position in the series. */
  readonly position: number;
  readonly firstInput: number;
  readonly input: number;
}

/**
 * The first of `calls` (in start order) whose input reached `contextGrowthFactor` times the first call's input or
 * `contextGrowthTokens`; calls that report no input tokens are skipped, and the first that does is the baseline.
 */
export function contextGrowthCrossing(
  calls: readonly SpanNode[],
  options: Pick<FindingsOptions, 'contextGrowthFactor' | 'contextGrowthTokens'>,
): ContextGrowthCrossing | undefined {
  const { contextGrowthFactor, contextGrowthTokens } = options;
  let first: number | undefined;
  for (let i = 0; i < calls.length; i++) {
    const input = calls[i]!.ai.inputTokens;
    if (input === undefined) continue;
    if (first === undefined) {
      first = input;
      continue;
    }
    if (input >= contextGrowthTokens || (first > 0 && input >= first * contextGrowthFactor)) {
      return { call: calls[i]!, position: i, firstInput: first, input };
    }
  }
  return undefined;
}

/** `input grew from 2k to 9k tokens (4.5x) by call 7 of ${name}`. */
export function contextGrowthMessage(crossing: ContextGrowthCrossing, name: string): string {
  const { firstInput, input, position } = crossing;
  const growth = firstInput > 0 ? ` (${(input / firstInput).toFixed(1)}x)` : '';
  return `input grew from ${formatTokens(firstInput)} to ${formatTokens(input)} tokens${growth} by call ${position + 1} of ${name}`;
}

export const CONTEXT_GROWTH_HINT =
  'Every turn resends the history: summarize or drop old turns and large tool results, or keep state outside the ' +
  'prompt.';

/**
 * Calls that re-sent the previous call's prompt as their prefix without cache reads, on a provider that caches. The
 * prefix is measured on the prompt text when both calls recorded it; otherwise, when the provider reported zero cache
 * reads, an input at least as long as the previous one is taken to extend it (an agent's history only grows).
 */
function cacheMisses(calls: readonly SpanNode[], name: string, sink: FindingSink): void {
  const minimum = sink.options.cacheMinPrefixTokens;
  let first: SpanNode | undefined;
  let misses = 0;
  let largestPrefix = 0;
  for (let i = 1; i < calls.length; i++) {
    const previous = calls[i - 1]!;
    const call = calls[i]!;
    const ai = call.ai;
    if ((ai.cachedTokens ?? 0) > 0 || ai.provider === undefined || !CACHING_PROVIDERS.has(ai.provider)) continue;
    if (modelOf(previous) !== modelOf(call) || (previous.ai.inputTokens ?? minimum) < minimum) continue;
    const prefix = repeatedPrefixTokens(previous, call);
    if (prefix === undefined || prefix < minimum) continue;
    first ??= call;
    misses++;
    largestPrefix = Math.max(largestPrefix, prefix);
  }
  if (first === undefined) return;
  const anthropic = first.ai.provider === 'anthropic' || first.ai.provider === 'aws.bedrock';
  sink.add(
    'cache-miss',
    'warning',
    first,
    `${plural(misses, 'call')} of ${modelOf(first) ?? first.span.name} in ${name} re-sent a prompt prefix of up to ` +
      `~${formatTokens(largestPrefix)} tokens without cache reads`,
    anthropic
      ? 'Anthropic caches only marked prefixes: add cache_control to the system prompt, the tools and the history.'
      : 'Keep the prompt prefix byte-identical across calls (no timestamps or ids early in the prompt) so the ' +
          "provider's cache can hit.",
  );
}

function repeatedPrefixTokens(previous: SpanNode, call: SpanNode): number | undefined {
  const before = promptTextOf(previous);
  const now = before === undefined ? undefined : promptTextOf(call);
  if (before !== undefined && now !== undefined) {
    let common = 0;
    const length = Math.min(before.length, now.length);
    while (common < length && before.charCodeAt(common) === now.charCodeAt(common)) common++;
    return estimateTokens(before.slice(0, common));
  }
  const previousInput = previous.ai.inputTokens;
  const input = call.ai.inputTokens;
  if (call.ai.cachedTokens !== 0 || previousInput === undefined || input === undefined) return undefined;
  return input >= previousInput ? previousInput : undefined;
}

/** A tool result over the threshold, when a later model call of the same run was sent after it. */
function largeToolResults(run: AgentRun, sink: FindingSink): void {
  const threshold = sink.options.largeToolResultTokens;
  for (const call of run.tools) {
    if (call.resultText === undefined) continue;
    const tokens = estimateTokens(call.resultText);
    if (tokens <= threshold) continue;
    const end = call.node.span.endTimeUnixNano;
    if (!run.calls.some((llm) => llm.span.startTimeUnixNano >= end)) continue;
    sink.add(
      'large-tool-result',
      'warning',
      call.node,
      `${call.tool} returned ~${formatTokens(tokens)} tokens (${plural(call.resultText.length, 'character')}), ` +
        'sent back to the model',
      'Large results fill the context and are paid again on every later call: paginate, filter or summarize them ' +
        'before returning them.',
    );
  }
}
