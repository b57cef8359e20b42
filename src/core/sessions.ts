/**
 * Conversations (sessions, threads): which one a trace belongs to, and what each one adds up to. A chat app makes one
 * trace per turn; grouping the turns by the conversation id their spans carry shows a conversation's cost and errors.
 */
import type { CostTotals } from '../shared/cost';
import { formatCostTotals, formatDuration, formatTokenFlow, plural } from '../shared/format';
import { nanosToMillis, type AttributeMap, type Span } from './model';
import type { SpanNode, TraceRecord } from './store/types';

/**
 * The attributes that name a conversation, in order of preference (genai-conventions.md, "Session / conversation").
 * Left out on purpose: MCP's `mcp.session.id` (a transport session) and LangSmith's `langsmith.trace.session_id`
 * (a project).
 */
export const SESSION_ATTRIBUTE_KEYS = [
  // OpenTelemetry GenAI; also ADK, Pydantic AI, Agent Framework, and Traceloop's copy of its association property.
  'gen_ai.conversation.id',
  // OpenInference.
  'session.id',
  // Traceloop association properties (app-defined keys; these are the common ones).
  'traceloop.association.properties.session_id',
  'traceloop.association.properties.conversation_id',
  'traceloop.association.properties.thread_id',
  // Vercel AI SDK telemetry metadata (app-defined keys).
  'ai.telemetry.metadata.sessionId',
  'ai.telemetry.metadata.conversationId',
  'ai.telemetry.metadata.threadId',
  'ai.telemetry.metadata.session_id',
  // LangSmith metadata.
  'langsmith.metadata.session_id',
  'langsmith.metadata.thread_id',
  'langsmith.metadata.conversation_id',
  // Google ADK, older versions.
  'gcp.vertex.agent.session_id',
] as const;

const SESSION_KEY_RANKS: ReadonlyMap<string, number> = new Map(SESSION_ATTRIBUTE_KEYS.map((key, rank) => [key, rank]));

/** The conversation a span names, if any. Ids recorded as numbers are read as their decimal text. */
export function sessionIdOfSpan(span: Span): string | undefined {
  const attributes = span.attributes;
  if (attributes.size < SESSION_ATTRIBUTE_KEYS.length) {
    // Most spans carry a few attributes and none of these keys: one look-up per attribute beats one per key (the
    // findings read the session of every trace a batch touches, span by span).
    let found: string | undefined;
    let foundRank: number = SESSION_ATTRIBUTE_KEYS.length;
    for (const key of attributes.keys()) {
      const rank = SESSION_KEY_RANKS.get(key);
      if (rank === undefined || rank >= foundRank) continue;
      const id = idText(attributes, key);
      if (id === undefined) continue;
      found = id;
      foundRank = rank;
    }
    return found;
  }
  for (const key of SESSION_ATTRIBUTE_KEYS) {
    const id = idText(attributes, key);
    if (id !== undefined) return id;
  }
  return undefined;
}

function idText(attributes: AttributeMap, key: string): string | undefined {
  const value = attributes.get(key);
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return String(value);
  return undefined;
}

/** The trace's conversation: the one its root spans name, else the first one a span names in tree order. */
export function sessionIdOfTrace(trace: TraceRecord): string | undefined {
  for (const root of trace.roots) {
    const id = sessionIdOfSpan(root.span);
    if (id !== undefined) return id;
  }
  // Depth-first without building the whole span list: the id is usually near the top.
  const stack: SpanNode[] = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) stack.push(trace.roots[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const id = sessionIdOfSpan(node.span);
    if (id !== undefined) return id;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return undefined;
}

/** A conversation's totals, summed from its traces' summaries. */
export interface SessionGroup {
  readonly sessionId: string;
  /** Oldest first: the order the turns happened. */
  readonly traces: TraceRecord[];
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
  toolCalls: number;
  errorCount: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** The newest turn's start: sessions are listed by it, so an active conversation stays on top. */
  latestStartUnixNano: bigint;
}

/** One top-level entry of the "by session" tree: a conversation, or a trace that names none. */
export type SessionEntry = { type: 'session'; group: SessionGroup } | { type: 'trace'; trace: TraceRecord };

export interface SessionGrouping {
  /** Newest first, by a session's latest turn or a lone trace's start. */
  readonly entries: SessionEntry[];
  readonly sessions: ReadonlyMap<string, SessionGroup>;
  /** The session of a listed trace, if it has one. */
  sessionOf(traceId: string): string | undefined;
}

interface KnownTrace {
  /** The summary version the session id was read at. */
  version: number;
  sessionId: string | undefined;
  /** The last grouping that listed the trace; older entries belong to removed traces. */
  generation: number;
}

/**
 * Groups traces by conversation. Each trace's session id is remembered with the summary version it was read at, so
 * regrouping after an ingest only reads the traces that changed; the totals come from the store's trace summaries.
 */
export class SessionIndex {
  private readonly known = new Map<string, KnownTrace>();
  private generation = 0;

  /** `traces` newest first, as `TraceStore.traces()` lists them. */
  group(traces: readonly TraceRecord[]): SessionGrouping {
    const generation = ++this.generation;
    const known = this.known;
    const sessions = new Map<string, SessionGroup>();
    const entries: SessionEntry[] = [];
    for (const trace of traces) {
      const summary = trace.summary;
      let entry = known.get(summary.traceId);
      if (entry === undefined) {
        entry = { version: summary.version, sessionId: sessionIdOfTrace(trace), generation };
        known.set(summary.traceId, entry);
      } else if (entry.version !== summary.version) {
        entry.version = summary.version;
        entry.sessionId = sessionIdOfTrace(trace);
      }
      entry.generation = generation;
      const sessionId = entry.sessionId;
      if (sessionId === undefined) {
        entries.push({ type: 'trace', trace });
        continue;
      }
      let group = sessions.get(sessionId);
      if (group === undefined) {
        // The first trace seen is the session's newest, which places the session in the newest-first list.
        group = {
          sessionId,
          traces: [],
          inputTokens: 0,
          outputTokens: 0,
          llmCalls: 0,
          toolCalls: 0,
          errorCount: 0,
          startTimeUnixNano: summary.startTimeUnixNano,
          endTimeUnixNano: summary.endTimeUnixNano,
          latestStartUnixNano: summary.startTimeUnixNano,
        };
        sessions.set(sessionId, group);
        entries.push({ type: 'session', group });
      }
      group.traces.push(trace);
      group.inputTokens += summary.tokens.inputTokens;
      group.outputTokens += summary.tokens.outputTokens;
      group.llmCalls += summary.callCounts.llm;
      group.toolCalls += summary.callCounts.tool;
      group.errorCount += summary.errorCount;
      if (summary.startTimeUnixNano < group.startTimeUnixNano) group.startTimeUnixNano = summary.startTimeUnixNano;
      if (summary.endTimeUnixNano > group.endTimeUnixNano) group.endTimeUnixNano = summary.endTimeUnixNano;
    }
    for (const group of sessions.values()) group.traces.reverse();
    if (known.size > traces.length) {
      for (const [traceId, entry] of known) if (entry.generation !== generation) known.delete(traceId);
    }
    return {
      entries,
      sessions,
      sessionOf: (traceId) => {
        const entry = known.get(traceId);
        return entry?.generation === generation ? entry.sessionId : undefined;
      },
    };
  }
}

/**
 * `3 turns · 2.8k→340 tok · $0.42 · 4 LLM calls · 2 tool calls · 1 error · 6 min 10 s` (first start to last end), the
 * cost when `cost` is given.
 */
export function describeSession(group: SessionGroup, cost?: CostTotals): string {
  const parts = [plural(group.traces.length, 'turn')];
  const tokens =
    group.inputTokens + group.outputTokens > 0 ? formatTokenFlow(group.inputTokens, group.outputTokens) : undefined;
  if (tokens !== undefined) parts.push(tokens);
  const price = cost === undefined ? undefined : formatCostTotals(cost);
  if (price !== undefined) parts.push(price);
  if (group.llmCalls > 0) parts.push(plural(group.llmCalls, 'LLM call'));
  if (group.toolCalls > 0) parts.push(plural(group.toolCalls, 'tool call'));
  if (group.errorCount > 0) parts.push(plural(group.errorCount, 'error'));
  parts.push(formatDuration(nanosToMillis(group.endTimeUnixNano - group.startTimeUnixNano)));
  return parts.join(' · ');
}
