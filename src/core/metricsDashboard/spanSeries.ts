/**
 * The dashboard's series from the stored spans: per model, per bucket of start time, the TTFT, TPOT and duration of
 * its calls, their output tokens, errors and cost; per tool, its calls' durations. A call is counted once, as the
 * Statistics view counts it: a gateway span its app's span stands for, and the MCP layers of one tool call, are skipped.
 */
import { StatusCode } from '../model';
import { countedCall, toolNameOf, type PriceOf } from '../stats/aiStats';
import type { SpanNode, TraceRecord } from '../store/types';
import { BucketSamples, bucketOf, type Buckets } from './buckets';

export interface ModelBuckets {
  readonly ttft: BucketSamples;
  readonly tpot: BucketSamples;
  readonly duration: BucketSamples;
  readonly calls: Float64Array;
  readonly errors: Float64Array;
  readonly outputTokens: Float64Array;
  /** Summed USD of the priced calls; `priced` counts them, so an unpriced model draws no cost line. */
  readonly costUsd: Float64Array;
  readonly priced: Float64Array;
}

export interface SpanBuckets {
  readonly models: Map<string, ModelBuckets>;
  readonly tools: Map<string, BucketSamples>;
}

const NANOS_PER_MS = 1_000_000n;

export function spanBuckets(traces: Iterable<TraceRecord>, buckets: Buckets, priceOf: PriceOf): SpanBuckets {
  const models = new Map<string, ModelBuckets>();
  const tools = new Map<string, BucketSamples>();
  for (const trace of traces) {
    if (!overlaps(trace, buckets)) continue;
    for (const node of trace.spans()) {
      const bucket = bucketOf(buckets, Number(node.span.startTimeUnixNano / NANOS_PER_MS));
      if (bucket < 0) continue;
      const counted = countedCall(node);
      if (counted === 'model') addModelCall(modelOf(models, node, buckets.count), node, bucket, priceOf);
      else if (counted === 'tool') {
        const tool = toolNameOf(node);
        let samples = tools.get(tool);
        if (samples === undefined) tools.set(tool, (samples = new BucketSamples(buckets.count)));
        samples.add(bucket, durationMs(node));
      }
    }
  }
  return { models, tools };
}

function overlaps(trace: TraceRecord, buckets: Buckets): boolean {
  const { startTimeUnixNano, endTimeUnixNano } = trace.summary;
  const toMs = buckets.fromMs + buckets.count * buckets.widthMs;
  return Number(endTimeUnixNano / NANOS_PER_MS) >= buckets.fromMs && Number(startTimeUnixNano / NANOS_PER_MS) < toMs;
}

function modelOf(models: Map<string, ModelBuckets>, node: SpanNode, count: number): ModelBuckets {
  const model = node.ai.responseModel ?? node.ai.requestModel ?? 'unknown model';
  let held = models.get(model);
  if (held === undefined) {
    held = {
      ttft: new BucketSamples(count),
      tpot: new BucketSamples(count),
      duration: new BucketSamples(count),
      calls: new Float64Array(count),
      errors: new Float64Array(count),
      outputTokens: new Float64Array(count),
      costUsd: new Float64Array(count),
      priced: new Float64Array(count),
    };
    models.set(model, held);
  }
  return held;
}

function addModelCall(model: ModelBuckets, node: SpanNode, bucket: number, priceOf: PriceOf): void {
  const { ai } = node;
  model.calls[bucket]! += 1;
  if (node.span.status.code === StatusCode.Error) model.errors[bucket]! += 1;
  model.duration.add(bucket, durationMs(node));
  if (ai.ttftMs !== undefined) model.ttft.add(bucket, ai.ttftMs);
  if (ai.tpotMs !== undefined) model.tpot.add(bucket, ai.tpotMs);
  model.outputTokens[bucket]! += ai.outputTokens ?? 0;
  const cost = priceOf(ai);
  if (cost !== undefined && cost !== 'unpriced') {
    model.costUsd[bucket]! += cost.usd;
    model.priced[bucket]! += 1;
  }
}

function durationMs(node: SpanNode): number {
  return Number(node.span.endTimeUnixNano - node.span.startTimeUnixNano) / 1e6;
}
