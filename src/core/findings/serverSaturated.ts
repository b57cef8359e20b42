/**
 * `server-saturated`: an LLM call whose prefill overlapped a non-empty queue, a KV cache over 95 % or preemptions on
 * its model server (core/modelServers: the scraped or received samples). The findings engine evaluates one trace at a
 * time; `ServerSampleWindow` tells the index which time a batch of new samples covers, so that only the traces
 * there are evaluated again.
 */
import { callServerState } from '../modelServers/callServerState';
import { STALE_AFTER_NANOS, type ModelServerStore } from '../modelServers/modelServerStore';
import { isServerSaturated } from '../modelServers/serverState';
import type { SpanNode } from '../store/types';
import { modelOf } from './calls';
import type { FindingSink } from './evaluate';

const HINT =
  'The server, not the prompt, held the first token back: lower the concurrency sent to it, give its KV cache more ' +
  'memory (vLLM: --gpu-memory-utilization, fewer --max-num-seqs), or add a replica.';

export function serverSaturated(node: SpanNode, servers: ModelServerStore, sink: FindingSink): void {
  const found = callServerState(node, servers);
  if (found === undefined || !isServerSaturated(found.state)) return;
  const during = found.prefill ? 'prefill' : 'call (no first token recorded)';
  const call = modelOf(node) ?? node.span.name;
  sink.add(
    'server-saturated',
    'warning',
    node,
    `${call}'s ${during} ran on a saturated model server ${found.target}: ${found.state.text}`,
    HINT,
  );
}

/** The time new samples of some targets cover, from what was seen of each before. */
export class ServerSampleWindow {
  /** The newest sample time seen per target and metric. */
  private readonly seen = new Map<string, bigint>();

  /**
   * The span of the samples of `targets` newer than those seen, widened by how long a sample stands for a server's
   * state (both ways: before a call, and preemptions counted up to an interval after it); undefined when none.
   */
  newSince(servers: ModelServerStore, targets: readonly string[]): { from: bigint; to: bigint } | undefined {
    const wanted = new Set(targets);
    let from: bigint | undefined;
    let to: bigint | undefined;
    for (const info of servers.targets()) {
      if (!wanted.has(info.target)) continue;
      for (const metric of info.metrics) {
        const key = `${info.target}\u0000${metric}`;
        const after = (this.seen.get(key) ?? -1n) + 1n;
        const samples = servers.seriesIn(info.target, metric, after, BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n);
        if (samples.length === 0) continue;
        const first = samples[0]!.timeUnixNano;
        const last = samples.at(-1)!.timeUnixNano;
        this.seen.set(key, last);
        if (from === undefined || first < from) from = first;
        if (to === undefined || last > to) to = last;
      }
    }
    if (from === undefined || to === undefined) return undefined;
    return { from: from - STALE_AFTER_NANOS, to: to + STALE_AFTER_NANOS };
  }

  clear(): void {
    this.seen.clear();
  }
}
