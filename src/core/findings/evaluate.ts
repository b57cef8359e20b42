/**
 * The findings engine: every rule over one trace, in one walk of its span tree plus work on the calls it gathered, so
 * that evaluating a trace costs in proportion to that trace. Rules of one span (errors, truncation, TTFT, stalls) run
 * during the walk; rules over many calls (loops, retries, agent runs) run on what the walk gathered (groupRules.ts).
 */
import { formatDuration, plural } from '../../shared/format';
import { isUnpricedCall } from '../cost/spanCost';
import { sessionIdOfTrace } from '../sessions';
import type { SpanNode, TraceRecord } from '../store/types';
import { isDuplicateCall, modelOf } from './calls';
import { evaluateGroups, type AgentRun, type ToolCallRecord } from './groupRules';
import { serverSaturated } from './serverSaturated';
import { repeatsRunFinding, SessionGrowth } from './sessionGrowth';
import {
  errorDescription,
  errorKindOf,
  hasFailed,
  preview,
  toolArgumentsOf,
  toolResultOf,
  truncatingFinishReason,
  valueText,
  type ErrorKind,
} from './spanFacts';
import { TtftStats, ttftSamplesOf } from './ttftStats';
import {
  compareFindings,
  DEFAULT_FINDINGS_OPTIONS,
  type Finding,
  type FindingsOptions,
  type RuleId,
  type Severity,
} from './types';

const ERROR_HINTS: Record<ErrorKind, string> = {
  'rate-limit':
    'Rate limited: back off and retry with jitter (honour Retry-After), lower concurrency, or raise the quota.',
  'context-length':
    "The input exceeds the model's context window: trim or summarize the history, cut large tool results, " +
    'or use a model with a longer context.',
  auth: "Authentication failed: check the API key, the variable it is read from, and the key's access to this model.",
  server: 'The provider failed or is overloaded: retry with backoff, or fall back to another model or region.',
  other: "Read the span's status and exception events for the provider's answer.",
};

// Bound once: called per span (an imported binding is a property read under CommonJS).
const duplicateCall = isDuplicateCall;
const failed = hasFailed;
const argumentsOf = toolArgumentsOf;
const resultOf = toolResultOf;
const truncation = truncatingFinishReason;
const textOf = valueText;
const unpricedCall = isUnpricedCall;

/** Collects findings for one trace, skipping rules that are off. */
export class FindingSink {
  readonly findings: Finding[] = [];

  constructor(
    readonly traceId: string,
    readonly options: FindingsOptions,
  ) {}

  on(rule: RuleId): boolean {
    return !this.options.disabled.has(rule);
  }

  add(rule: RuleId, severity: Severity, node: SpanNode, message: string, hint: string): void {
    this.findings.push({ rule, severity, traceId: this.traceId, spanId: node.span.spanId, message, hint });
  }
}

/**
 * Every enabled rule over one trace. With `ttft`, the trace's TTFT samples replace its earlier ones there and
 * `slow-ttft` also flags calls above their model's p95 in it; without, only the absolute threshold applies. `calls`,
 * when given, receives the trace's LLM calls (in walk order) for the rules over a session (sessionGrowth.ts).
 */
export function evaluateTrace(
  trace: TraceRecord,
  options: FindingsOptions = DEFAULT_FINDINGS_OPTIONS,
  ttft?: TtftStats,
  calls: SpanNode[] = [],
): Finding[] {
  const sink = new FindingSink(trace.summary.traceId, options);
  const traceRun: AgentRun = { agent: undefined, calls: [], tools: [] };
  const runs: AgentRun[] = [traceRun];
  const tools: ToolCallRecord[] = [];
  const timed = ttft === undefined || !sink.on('slow-ttft') ? undefined : new Map<string, SpanNode[]>();
  const wantToolValues = sink.on('tool-loop') || sink.on('large-tool-result');
  const unpriced = sink.on('unpriced-model') ? new Map<string, { first: SpanNode; calls: number }>() : undefined;
  const servers = sink.on('server-saturated') ? options.modelServers : undefined;
  // An explicit stack in parallel arrays: traces can be deeper than the call stack, and frames cost no allocation.
  const nodes: SpanNode[] = [];
  const nodeRuns: AgentRun[] = [];
  const parentCalls: (ToolCallRecord | undefined)[] = [];
  const roots = trace.roots;
  for (let i = roots.length - 1; i >= 0; i--) {
    nodes.push(roots[i]!);
    nodeRuns.push(traceRun);
    parentCalls.push(undefined);
  }
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    let run = nodeRuns.pop()!;
    const parentCall = parentCalls.pop();
    let call: ToolCallRecord | undefined;
    const kind = node.ai.kind;
    if (kind === 'agent') {
      run = { agent: node, calls: [], tools: [] };
      runs.push(run);
    } else if (kind === 'llm' || kind === 'embedding') {
      if (!duplicateCall(node)) {
        if (kind === 'llm') {
          run.calls.push(node);
          calls.push(node);
          modelCallRules(node, sink);
          if (servers !== undefined) serverSaturated(node, servers, sink);
          if (timed !== undefined && node.ai.ttftMs !== undefined) addTimed(timed, node);
        }
        if (failed(node.span) && sink.on('llm-error')) llmError(node, sink);
        if (unpriced !== undefined && unpricedCall(node.ai, options.prices)) addUnpriced(unpriced, node);
      }
    } else if (kind === 'tool' || kind === 'mcp') {
      call = toolCallRules(node, parentCall, wantToolValues, sink);
      if (call !== parentCall) {
        run.tools.push(call);
        tools.push(call);
      }
    }
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]!);
      nodeRuns.push(run);
      parentCalls.push(call);
    }
  }
  evaluateGroups({ trace, runs, calls, tools }, sink);
  if (unpriced !== undefined) unpricedModels(unpriced, sink);
  if (timed !== undefined) aboveP95(timed, ttft!, sink);
  return sink.findings;
}

/**
 * Every trace of a store, `slow-ttft` against the p95 of all of them: the TTFT samples are gathered first. Sorted
 * most severe first.
 */
export function evaluateTraces(
  traces: readonly TraceRecord[],
  options: FindingsOptions = DEFAULT_FINDINGS_OPTIONS,
): Finding[] {
  const ttft = options.disabled.has('slow-ttft') ? undefined : new TtftStats();
  if (ttft !== undefined) for (const trace of traces) ttft.setTrace(trace.summary.traceId, ttftSamplesOf(trace));
  const sessions = new SessionGrowth();
  const findings: Finding[] = [];
  const own = new Map<string, Finding[]>();
  for (const trace of traces) {
    const calls: SpanNode[] = [];
    const traceFindings = evaluateTrace(trace, options, ttft, calls);
    own.set(trace.summary.traceId, traceFindings);
    findings.push(...traceFindings);
    if (calls.length > 0) sessions.setTrace(trace.summary.traceId, sessionIdOfTrace(trace), calls);
  }
  for (const sessionId of sessions.sessionIds()) {
    const finding = sessions.evaluate(sessionId, options).finding;
    if (finding !== undefined && !repeatsRunFinding(own.get(finding.traceId) ?? [], finding)) findings.push(finding);
  }
  return findings.sort(compareFindings);
}

function modelCallRules(node: SpanNode, sink: FindingSink): void {
  const ai = node.ai;
  const options = sink.options;
  if (sink.on('truncated-output')) {
    const reason = truncation(node.span);
    if (reason !== undefined) {
      const after = ai.outputTokens === undefined ? '' : ` after ${plural(ai.outputTokens, 'output token')}`;
      sink.add(
        'truncated-output',
        'warning',
        node,
        `${callName(node)} stopped at its output limit (finish reason "${reason}")${after}`,
        'The answer is cut off: raise max_tokens, ask for a shorter answer, or continue it in a follow-up call.',
      );
    }
  }
  if (ai.ttftMs !== undefined && ai.ttftMs > options.slowTtftMs && sink.on('slow-ttft')) {
    const threshold = formatDuration(options.slowTtftMs);
    const message = `TTFT ${formatDuration(ai.ttftMs)} for ${callName(node)}, over the ${threshold} threshold`;
    sink.add('slow-ttft', 'warning', node, message, TTFT_HINT);
  }
  if (ai.longestGapMs !== undefined && ai.longestGapMs > options.stallMs && sink.on('stall')) {
    const waits = ai.stalls === undefined ? '' : ` (${plural(ai.stalls, 'wait')} over 1 s)`;
    sink.add(
      'stall',
      'warning',
      node,
      `${callName(node)}'s stream stalled ${formatDuration(ai.longestGapMs)} between chunks${waits}`,
      'The provider paused mid-stream: look for load or rate limiting on its side, and give the stream a read ' +
        'timeout that retries a stalled call.',
    );
  }
}

/** The model, for messages, else the span's name. */
const callName = (node: SpanNode): string => modelOf(node) ?? node.span.name;

const TTFT_HINT =
  'Long prompts and cold caches delay the first token: shorten or cache the prompt prefix, or use a faster model ' +
  'or region.';

function addTimed(timed: Map<string, SpanNode[]>, node: SpanNode): void {
  const model = modelOf(node);
  if (model === undefined) return;
  const list = timed.get(model);
  if (list === undefined) timed.set(model, [node]);
  else list.push(node);
}

/** Records the trace's TTFT samples, then flags the calls under the absolute threshold but above their model's p95. */
function aboveP95(timed: Map<string, SpanNode[]>, ttft: TtftStats, sink: FindingSink): void {
  const samples = new Map<string, number[]>();
  for (const [model, nodes] of timed)
    samples.set(
      model,
      nodes.map((node) => node.ai.ttftMs!),
    );
  ttft.setTrace(sink.traceId, samples);
  const { slowTtftMs, slowTtftMinSamples } = sink.options;
  for (const [model, nodes] of timed) {
    const baseline = ttft.baseline(model, slowTtftMinSamples);
    if (baseline === undefined) continue;
    for (const node of nodes) {
      const ttftMs = node.ai.ttftMs!;
      if (ttftMs <= baseline.p95Ms || ttftMs > slowTtftMs) continue;
      const message =
        `TTFT ${formatDuration(ttftMs)} for ${model}, above its p95 of ${formatDuration(baseline.p95Ms)} ` +
        `over ${plural(baseline.samples, 'call')}`;
      sink.add('slow-ttft', 'information', node, message, TTFT_HINT);
    }
  }
}

function llmError(node: SpanNode, sink: FindingSink): void {
  const { text, httpStatus } = errorDescription(node.span);
  const status = httpStatus === undefined ? '' : ` (HTTP ${httpStatus})`;
  const detail = text === '' ? '' : `: ${preview(text, 120)}`;
  const what = node.ai.kind === 'embedding' ? 'embedding call' : 'call';
  const message = `${callName(node)} ${what} failed${status}${detail}`;
  sink.add('llm-error', 'error', node, message, ERROR_HINTS[errorKindOf(text, httpStatus)]);
}

/**
 * A tool or MCP span: a new call, or, below a span of the same tool (an MCP server span under its client span), the
 * same call seen from the other side, which fills in what the outer span did not record.
 */
function toolCallRules(
  node: SpanNode,
  parentCall: ToolCallRecord | undefined,
  wantValues: boolean,
  sink: FindingSink,
): ToolCallRecord {
  const tool = node.ai.toolName ?? node.span.name;
  const args = wantValues ? argumentsOf(node.span.attributes) : undefined;
  const result = wantValues ? resultOf(node.span.attributes) : undefined;
  const argumentsText = args === undefined ? undefined : textOf(args);
  const resultText = result === undefined ? undefined : textOf(result);
  const nodeFailed = failed(node.span);
  const sameCall = parentCall !== undefined && parentCall.tool === tool;
  if (nodeFailed && !(sameCall && parentCall.failed) && sink.on('tool-error')) {
    const { text } = errorDescription(node.span);
    const detail = text === '' ? '' : `: ${preview(text, 120)}`;
    sink.add(
      'tool-error',
      'error',
      node,
      `${node.ai.kind === 'mcp' ? 'MCP tool' : 'tool'} ${tool} failed${detail}`,
      'Return the failure to the model as a result it can act on, and check how the tool validates its input.',
    );
  }
  if (sameCall) {
    parentCall.argumentsText ??= argumentsText;
    parentCall.resultText ??= resultText;
    parentCall.failed ||= nodeFailed;
    return parentCall;
  }
  return { node, tool, argumentsText, resultText, failed: nodeFailed };
}

function addUnpriced(unpriced: Map<string, { first: SpanNode; calls: number }>, node: SpanNode): void {
  const key = `${node.ai.provider ?? ''}\u0000${modelOf(node) ?? ''}`;
  const seen = unpriced.get(key);
  if (seen === undefined) unpriced.set(key, { first: node, calls: 1 });
  else seen.calls++;
}

/** One finding per model without a price, at its first call: its calls are left out of the trace's cost. */
function unpricedModels(unpriced: Map<string, { first: SpanNode; calls: number }>, sink: FindingSink): void {
  for (const { first, calls } of unpriced.values()) {
    const provider = first.ai.provider === undefined ? '' : ` at ${first.ai.provider}`;
    const model = `${modelOf(first) ?? 'A model without a name'}${provider}`;
    sink.add(
      'unpriced-model',
      'information',
      first,
      `${model} has no price: ${plural(calls, 'call')} of it left out of this trace's cost`,
      'Add its price, in USD per million tokens, to aiTraceLens.prices ({ "model": "…", "input": …, "output": … }).',
    );
  }
}
