/**
 * The model-server metrics understood by name: which server exposes each, what it measures (a `ServerMetricId` shared
 * across servers, so a lane draws "waiting requests" whichever server it watches), its unit and its chart label.
 *
 * Sources (names and types checked against each project):
 * - vLLM: vllm/v1/metrics/loggers.py (`vllm:num_requests_running|waiting`, `vllm:kv_cache_usage_perc`, counters
 *   `vllm:prefix_cache_hits|queries` and `vllm:num_preemptions`, exposed with `_total`, histogram
 *   `vllm:time_to_first_token_seconds`); the v0 engine (vllm/engine/metrics.py) named the KV cache
 *   `vllm:gpu_cache_usage_perc`, its prefix cache `vllm:gpu_prefix_cache_hits|queries` or the gauge
 *   `vllm:gpu_prefix_cache_hit_rate`. Every "perc" is a fraction (1 means 100 %).
 * - SGLang: python/sglang/srt/metrics/collector.py and docs/references/production_metrics.md (gauges
 *   `sglang:num_running_reqs`, `sglang:num_queue_reqs`, `sglang:token_usage` and `sglang:cache_hit_rate`, fractions).
 * - TGI: docs/source/reference/metrics.md (gauges `tgi_queue_size`, `tgi_batch_current_size`).
 * - llama.cpp server: tools/server/README.md, `--metrics` (gauges `llamacpp:kv_cache_usage_ratio`, a fraction that
 *   newer builds no longer export, `llamacpp:requests_processing`, `llamacpp:requests_deferred`).
 * - NVIDIA DCGM exporter: etc/default-counters.csv (gauges `DCGM_FI_DEV_GPU_UTIL` in %, `DCGM_FI_DEV_FB_USED` in MiB,
 *   one series per GPU).
 * - OpenTelemetry GenAI semantic conventions: `gen_ai.server.time_to_first_token` and
 *   `gen_ai.server.time_per_output_token` histograms in seconds, which servers may send over OTLP.
 */

/** What a sample measures, whatever server it came from. */
export const SERVER_METRICS = {
  running: { unit: '{request}', label: 'Running' },
  waiting: { unit: '{request}', label: 'Waiting' },
  kvCache: { unit: '%', label: 'KV cache' },
  prefixCacheHitRate: { unit: '%', label: 'Prefix cache hits' },
  /** Per second; each sample also holds the count since the scrape before (`Sample.increase`). */
  preemptions: { unit: '/s', label: 'Preemptions' },
  ttftP50: { unit: 's', label: 'TTFT p50' },
  ttftP95: { unit: 's', label: 'TTFT p95' },
  tpotP50: { unit: 's', label: 'TPOT p50' },
  tpotP95: { unit: 's', label: 'TPOT p95' },
  gpuUtilization: { unit: '%', label: 'GPU' },
  gpuMemoryUsed: { unit: 'MiB', label: 'GPU memory' },
} as const satisfies Record<string, { unit: string; label: string }>;

export type ServerMetricId = keyof typeof SERVER_METRICS;

export type ServerKind = 'vllm' | 'sglang' | 'tgi' | 'llamacpp' | 'dcgm' | 'otel';

/**
 * How one exposed metric becomes samples. `gauge`: the value (times `scale`), series combined by `combine`;
 * `counter`: a rate per second between scrapes; `histogram`: p50 and p95 of what was observed between scrapes;
 * `ratio`: the increase of this counter over the increase of `denominator`'s (times `scale`).
 */
export type KnownMetric = {
  readonly server: ServerKind;
  /** As exposed, without a counter's `_total`. */
  readonly name: string;
  /** The chart label on this server, when it differs from the metric's usual one. */
  readonly label?: string;
} & (
  | { readonly kind: 'gauge'; readonly id: ServerMetricId; readonly scale: number; readonly combine: 'sum' | 'max' }
  | { readonly kind: 'counter'; readonly id: ServerMetricId }
  | { readonly kind: 'histogram'; readonly ids: readonly [p50: ServerMetricId, p95: ServerMetricId] }
  | { readonly kind: 'ratio'; readonly id: ServerMetricId; readonly denominator: string; readonly scale: number }
  | { readonly kind: 'denominator' }
);

const PERCENT = 100;

export const KNOWN_METRICS: readonly KnownMetric[] = [
  { server: 'vllm', name: 'vllm:num_requests_running', kind: 'gauge', id: 'running', scale: 1, combine: 'sum' },
  { server: 'vllm', name: 'vllm:num_requests_waiting', kind: 'gauge', id: 'waiting', scale: 1, combine: 'sum' },
  { server: 'vllm', name: 'vllm:kv_cache_usage_perc', kind: 'gauge', id: 'kvCache', scale: PERCENT, combine: 'max' },
  { server: 'vllm', name: 'vllm:gpu_cache_usage_perc', kind: 'gauge', id: 'kvCache', scale: PERCENT, combine: 'max' },
  {
    server: 'vllm',
    name: 'vllm:prefix_cache_hits',
    kind: 'ratio',
    id: 'prefixCacheHitRate',
    denominator: 'vllm:prefix_cache_queries',
    scale: PERCENT,
  },
  { server: 'vllm', name: 'vllm:prefix_cache_queries', kind: 'denominator' },
  {
    server: 'vllm',
    name: 'vllm:gpu_prefix_cache_hits',
    kind: 'ratio',
    id: 'prefixCacheHitRate',
    denominator: 'vllm:gpu_prefix_cache_queries',
    scale: PERCENT,
  },
  { server: 'vllm', name: 'vllm:gpu_prefix_cache_queries', kind: 'denominator' },
  {
    server: 'vllm',
    name: 'vllm:gpu_prefix_cache_hit_rate',
    kind: 'gauge',
    id: 'prefixCacheHitRate',
    scale: PERCENT,
    combine: 'max',
  },
  { server: 'vllm', name: 'vllm:num_preemptions', kind: 'counter', id: 'preemptions' },
  { server: 'vllm', name: 'vllm:time_to_first_token_seconds', kind: 'histogram', ids: ['ttftP50', 'ttftP95'] },
  { server: 'sglang', name: 'sglang:num_running_reqs', kind: 'gauge', id: 'running', scale: 1, combine: 'sum' },
  { server: 'sglang', name: 'sglang:num_queue_reqs', kind: 'gauge', id: 'waiting', scale: 1, combine: 'sum' },
  {
    server: 'sglang',
    name: 'sglang:token_usage',
    label: 'Token usage',
    kind: 'gauge',
    id: 'kvCache',
    scale: PERCENT,
    combine: 'max',
  },
  {
    server: 'sglang',
    name: 'sglang:cache_hit_rate',
    kind: 'gauge',
    id: 'prefixCacheHitRate',
    scale: PERCENT,
    combine: 'max',
  },
  { server: 'tgi', name: 'tgi_queue_size', label: 'Queue', kind: 'gauge', id: 'waiting', scale: 1, combine: 'sum' },
  {
    server: 'tgi',
    name: 'tgi_batch_current_size',
    label: 'Batch size',
    kind: 'gauge',
    id: 'running',
    scale: 1,
    combine: 'sum',
  },
  {
    server: 'llamacpp',
    name: 'llamacpp:kv_cache_usage_ratio',
    kind: 'gauge',
    id: 'kvCache',
    scale: PERCENT,
    combine: 'max',
  },
  {
    server: 'llamacpp',
    name: 'llamacpp:requests_processing',
    label: 'Processing',
    kind: 'gauge',
    id: 'running',
    scale: 1,
    combine: 'sum',
  },
  {
    server: 'llamacpp',
    name: 'llamacpp:requests_deferred',
    label: 'Deferred',
    kind: 'gauge',
    id: 'waiting',
    scale: 1,
    combine: 'sum',
  },
  // One series per GPU: the busiest GPU's utilisation, the memory of all of them.
  { server: 'dcgm', name: 'DCGM_FI_DEV_GPU_UTIL', kind: 'gauge', id: 'gpuUtilization', scale: 1, combine: 'max' },
  { server: 'dcgm', name: 'DCGM_FI_DEV_FB_USED', kind: 'gauge', id: 'gpuMemoryUsed', scale: 1, combine: 'sum' },
  { server: 'otel', name: 'gen_ai.server.time_to_first_token', kind: 'histogram', ids: ['ttftP50', 'ttftP95'] },
  { server: 'otel', name: 'gen_ai.server.time_per_output_token', kind: 'histogram', ids: ['tpotP50', 'tpotP95'] },
];

const BY_NAME = new Map(KNOWN_METRICS.map((known) => [known.name, known]));

/** The known metric an exposed or OTLP name stands for (a counter's `_total` suffix ignored). */
export function knownMetric(name: string): KnownMetric | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.replace(/_total$/, ''));
}

/** The chart label of `id` as `server` exposes it. */
export function labelOf(id: ServerMetricId, server: ServerKind | undefined): string {
  const known = KNOWN_METRICS.find(
    (entry) => entry.server === server && 'id' in entry && entry.id === id && entry.label !== undefined,
  );
  return known?.label ?? SERVER_METRICS[id].label;
}
