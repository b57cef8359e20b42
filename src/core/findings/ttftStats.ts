/**
 * Per-model TTFT samples of the traces in the store, for `slow-ttft`'s "above the p95 of the same model". Samples are
 * kept per trace so that a re-evaluated or removed trace replaces or drops its own; the p95 is recomputed (in linear
 * time) only once samples added and removed since it was last computed reach a quarter of the model's samples (a
 * re-evaluated trace removes and adds its own, so about an eighth of them replaced), so keeping it costs a constant
 * per sample however large the store. A trace's findings use the p95 as of its own evaluation: a trace is not
 * re-evaluated because the p95 drifted with others' samples.
 */
import type { TraceRecord } from '../store/types';
import { isDuplicateCall, modelOf } from './calls';

export interface TtftBaseline {
  p95Ms: number;
  samples: number;
}

/** A model's samples, by trace. */
interface ModelSamples {
  readonly byTrace: Map<string, readonly number[]>;
  count: number;
  p95Ms: number | undefined;
  /** Samples added or removed since `p95Ms` was computed. */
  changes: number;
}

/** The TTFT of every model call in a trace, by model. */
export function ttftSamplesOf(trace: TraceRecord): Map<string, number[]> {
  const samples = new Map<string, number[]>();
  for (const node of trace.spans()) {
    const ai = node.ai;
    if (ai.kind !== 'llm' || ai.ttftMs === undefined) continue;
    const model = modelOf(node);
    if (model === undefined || isDuplicateCall(node)) continue;
    const list = samples.get(model);
    if (list === undefined) samples.set(model, [ai.ttftMs]);
    else list.push(ai.ttftMs);
  }
  return samples;
}

export class TtftStats {
  private readonly models = new Map<string, ModelSamples>();
  /** The models each trace has samples of, to drop them when the trace goes. */
  private readonly modelsByTrace = new Map<string, readonly string[]>();

  /** Replaces the samples of `traceId` with `samples` (by model). */
  setTrace(traceId: string, samples: ReadonlyMap<string, readonly number[]>): void {
    this.removeTrace(traceId);
    if (samples.size === 0) return;
    for (const [model, values] of samples) {
      let entry = this.models.get(model);
      if (entry === undefined) {
        entry = { byTrace: new Map(), count: 0, p95Ms: undefined, changes: 0 };
        this.models.set(model, entry);
      }
      entry.byTrace.set(traceId, values);
      entry.count += values.length;
      entry.changes += values.length;
    }
    this.modelsByTrace.set(traceId, [...samples.keys()]);
  }

  removeTrace(traceId: string): void {
    const models = this.modelsByTrace.get(traceId);
    if (models === undefined) return;
    this.modelsByTrace.delete(traceId);
    for (const model of models) {
      const entry = this.models.get(model)!;
      const values = entry.byTrace.get(traceId)!;
      entry.byTrace.delete(traceId);
      entry.count -= values.length;
      entry.changes += values.length;
      if (entry.count === 0) this.models.delete(model);
    }
  }

  clear(): void {
    this.models.clear();
    this.modelsByTrace.clear();
  }

  /** The model's p95 when it has at least `minSamples` samples. */
  baseline(model: string, minSamples: number): TtftBaseline | undefined {
    const entry = this.models.get(model);
    if (entry === undefined || entry.count < minSamples) return undefined;
    if (entry.p95Ms === undefined || entry.changes * 4 > entry.count) {
      entry.p95Ms = p95Of(entry);
      entry.changes = 0;
    }
    return { p95Ms: entry.p95Ms, samples: entry.count };
  }
}

/** The nearest-rank p95 of a model's samples. */
function p95Of(entry: ModelSamples): number {
  const all = new Float64Array(entry.count);
  let at = 0;
  for (const values of entry.byTrace.values()) for (const value of values) all[at++] = value;
  return select(all, Math.ceil(0.95 * all.length) - 1);
}

/** The `k`-th smallest value (0-based), by quickselect (Hoare's partition, middle pivot); reorders `values`. */
function select(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return values[k]!;
}
