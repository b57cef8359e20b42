/**
 * The `server-saturated` cases of findingsRules.test.ts: LLM calls against a vLLM server scraped every second, idle,
 * then saturated (14 waiting, KV cache 97 %, 2 preemptions), then idle again.
 */
import type { FindingsOptions, Severity } from '../../src/core/findings/types';
import type { Span } from '../../src/core/model';
import { parseExposition } from '../../src/core/modelServers/exposition';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { agentSpan, llmSpan } from '../support/findingSpans';
import { DEFAULT_START_MS } from '../support/spanBuilder';
import { vllmText, type VllmState } from './modelServerFixtures';

export interface ServerCase {
  name: string;
  build: () => { spans: Span[]; flagged: Span[] };
  severity?: Severity;
  message?: RegExp;
  hint?: RegExp;
  options?: Partial<FindingsOptions>;
}

const VLLM = { url: 'http://127.0.0.1:8000/metrics', address: { 'server.address': 'localhost', 'server.port': 8000 } };
const IDLE: VllmState = {
  running: 1,
  waiting: 0,
  kvCache: 0.4,
  preemptions: 5,
  prefixHits: 0,
  prefixQueries: 0,
  ttftBuckets: [0, 0, 0, 0, 0],
  ttftSum: 0,
};

/** A vLLM server scraped every second from the trace's start: idle, then saturated at 1 s, then idle from 2 s. */
function vllmServer(): ModelServerStore {
  const store = new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 3_600_000_000_000n });
  const states = [IDLE, { ...IDLE, waiting: 14, kvCache: 0.97, preemptions: 7 }, { ...IDLE, preemptions: 7 }];
  for (const [second, state] of [...states, states[2]!, states[2]!].entries()) {
    const time = BigInt(DEFAULT_START_MS + second * 1000) * 1_000_000n;
    store.add(metricsOf(scrapeToOtlp(parseExposition(vllmText(state)), new URL(VLLM.url), time)));
  }
  return store;
}

function agentWith(build: (agent: Span) => Span[]): Span[] {
  const agent = agentSpan('planner', { at: 0 });
  return [agent, ...build(agent)];
}

export const SERVER_SATURATED_CASES: ServerCase[] = [
  {
    name: "a prefill over the server's queue, full KV cache and preemptions, on the server the span names",
    build: () => {
      const agent = agentSpan('planner', { at: 0 });
      const call = llmSpan({ parent: agent, at: 500, ttftS: 1, durationMs: 2000, attributes: VLLM.address });
      return { spans: [agent, call], flagged: [call] };
    },
    options: { modelServers: vllmServer() },
    severity: 'warning',
    message:
      /^gpt-4o's prefill ran on a saturated model server http:\/\/127\.0\.0\.1:8000\/metrics: queue 14 waiting · KV cache 97% · 2 preemptions during prefill$/,
    hint: /concurrency/,
  },
  {
    name: 'a call without a first token: its whole time, on the only server active then',
    build: () => {
      const agent = agentSpan('planner', { at: 0 });
      const call = llmSpan({ parent: agent, at: 500, durationMs: 1000 });
      return { spans: [agent, call], flagged: [call] };
    },
    options: { modelServers: vllmServer() },
    message: /^gpt-4o's call \(no first token recorded\) ran on a saturated model server .*queue 14 waiting/,
  },
  {
    name: 'a prefill while the server was idle',
    build: () => ({
      spans: agentWith((agent) => [llmSpan({ parent: agent, at: 2500, ttftS: 0.3, attributes: VLLM.address })]),
      flagged: [],
    }),
    options: { modelServers: vllmServer() },
  },
  {
    name: 'a call to another server than the one scraped',
    build: () => ({
      spans: agentWith((agent) => [
        llmSpan({
          parent: agent,
          at: 500,
          ttftS: 1,
          attributes: { 'server.address': 'api.openai.com', 'server.port': 443 },
        }),
      ]),
      flagged: [],
    }),
    options: { modelServers: vllmServer() },
  },
  {
    name: 'no model-server samples given',
    build: () => ({
      spans: agentWith((agent) => [llmSpan({ parent: agent, at: 500, ttftS: 1, attributes: VLLM.address })]),
      flagged: [],
    }),
  },
];
