/**
 * Exposition text as real model servers write it, with the values a test chooses, and a fake Prometheus endpoint on
 * 127.0.0.1:0 serving it. Names, types, labels and shapes are copied from each project's documentation: vLLM's
 * /metrics (v1 engine, prometheus_client text format with `_created` samples), SGLang's production_metrics.md,
 * llama.cpp server's README (`--metrics`), and DCGM exporter's default counters.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExposition } from '../../src/core/modelServers/exposition';
import type { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { metricsOf } from '../../src/core/otlp/metricModel';

export interface VllmState {
  running: number;
  waiting: number;
  kvCache: number;
  preemptions: number;
  prefixHits: number;
  prefixQueries: number;
  /** Cumulative TTFT bucket counts for le 0.1, 0.5, 1, 5, +Inf. */
  ttftBuckets: [number, number, number, number, number];
  ttftSum: number;
  /** vLLM 0.6's KV-cache name instead of the v1 one. */
  oldNames?: boolean;
}

/** A vLLM server with one request running, the KV cache 40% full: tests change what they look at. */
export const IDLE_VLLM: VllmState = {
  running: 1,
  waiting: 0,
  kvCache: 0.4,
  preemptions: 5,
  prefixHits: 100,
  prefixQueries: 400,
  ttftBuckets: [10, 10, 10, 10, 10],
  ttftSum: 0.5,
};

/** Adds to `store` what a scrape of `url` at `time` reads in `text`, as the scraper does; returns the samples added. */
export function scrapeInto(store: ModelServerStore, url: string, text: string, time: bigint): number {
  return store.add(metricsOf(scrapeToOtlp(parseExposition(text), new URL(url), time)));
}

const VLLM_LABELS = 'engine="0",model_name="Qwen/Qwen3-0.6B"';

export function vllmText(state: VllmState): string {
  const kvName = state.oldNames ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc';
  const bounds = ['0.1', '0.5', '1.0', '5.0', '+Inf'];
  return [
    '# HELP vllm:num_requests_running Number of requests in model execution batches.',
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running{${VLLM_LABELS}} ${state.running.toFixed(1)}`,
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting{${VLLM_LABELS}} ${state.waiting.toFixed(1)}`,
    `# HELP ${kvName} KV-cache usage. 1 means 100 percent usage.`,
    `# TYPE ${kvName} gauge`,
    `${kvName}{${VLLM_LABELS}} ${state.kvCache}`,
    '# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.',
    '# TYPE vllm:prefix_cache_queries_total counter',
    `vllm:prefix_cache_queries_total{${VLLM_LABELS}} ${state.prefixQueries.toFixed(1)}`,
    `vllm:prefix_cache_queries_created{${VLLM_LABELS}} 1.7650872e+09`,
    '# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.',
    '# TYPE vllm:prefix_cache_hits_total counter',
    `vllm:prefix_cache_hits_total{${VLLM_LABELS}} ${state.prefixHits.toFixed(1)}`,
    `vllm:prefix_cache_hits_created{${VLLM_LABELS}} 1.7650872e+09`,
    '# HELP vllm:num_preemptions_total Cumulative number of preemption from the engine.',
    '# TYPE vllm:num_preemptions_total counter',
    `vllm:num_preemptions_total{${VLLM_LABELS}} ${state.preemptions.toFixed(1)}`,
    `vllm:num_preemptions_created{${VLLM_LABELS}} 1.7650872e+09`,
    '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
    '# TYPE vllm:time_to_first_token_seconds histogram',
    ...bounds.map(
      (le, index) =>
        `vllm:time_to_first_token_seconds_bucket{${VLLM_LABELS},le="${le}"} ${state.ttftBuckets[index]!.toFixed(1)}`,
    ),
    `vllm:time_to_first_token_seconds_count{${VLLM_LABELS}} ${state.ttftBuckets[4].toFixed(1)}`,
    `vllm:time_to_first_token_seconds_sum{${VLLM_LABELS}} ${state.ttftSum}`,
    `vllm:time_to_first_token_seconds_created{${VLLM_LABELS}} 1.7650872e+09`,
    '# HELP python_gc_objects_collected_total Objects collected during gc',
    '# TYPE python_gc_objects_collected_total counter',
    'python_gc_objects_collected_total{generation="0"} 455678.0',
    '',
  ].join('\n');
}

export function sglangText(state: { running: number; queued: number; tokenUsage: number; hitRate: number }): string {
  const labels = 'model_name="meta-llama/Llama-3.1-8B-Instruct"';
  return [
    '# HELP sglang:num_running_reqs The number of running requests.',
    '# TYPE sglang:num_running_reqs gauge',
    `sglang:num_running_reqs{${labels}} ${state.running.toFixed(1)}`,
    '# HELP sglang:num_queue_reqs The number of requests in the waiting queue.',
    '# TYPE sglang:num_queue_reqs gauge',
    `sglang:num_queue_reqs{${labels}} ${state.queued.toFixed(1)}`,
    '# HELP sglang:token_usage The token usage',
    '# TYPE sglang:token_usage gauge',
    `sglang:token_usage{${labels}} ${state.tokenUsage}`,
    '# HELP sglang:cache_hit_rate The cache hit rate',
    '# TYPE sglang:cache_hit_rate gauge',
    `sglang:cache_hit_rate{${labels}} ${state.hitRate}`,
    '',
  ].join('\n');
}

export function llamacppText(state: { processing: number; deferred: number; kvRatio: number }): string {
  return [
    '# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.',
    '# TYPE llamacpp:prompt_tokens_total counter',
    'llamacpp:prompt_tokens_total 6886',
    '# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.',
    '# TYPE llamacpp:kv_cache_usage_ratio gauge',
    `llamacpp:kv_cache_usage_ratio ${state.kvRatio}`,
    '# HELP llamacpp:requests_processing Number of requests processing.',
    '# TYPE llamacpp:requests_processing gauge',
    `llamacpp:requests_processing ${state.processing}`,
    '# HELP llamacpp:requests_deferred Number of requests deferred.',
    '# TYPE llamacpp:requests_deferred gauge',
    `llamacpp:requests_deferred ${state.deferred}`,
    '',
  ].join('\n');
}

/** Two GPUs, as dcgm-exporter labels them. */
export function dcgmText(gpus: readonly { util: number; fbUsed: number }[]): string {
  const labels = (index: number) =>
    `gpu="${index}",UUID="GPU-${index}b2f1c3a",pci_bus_id="00000000:0${index + 1}:00.0",device="nvidia${index}",modelName="NVIDIA A100-SXM4-80GB",Hostname="gpu-box"`;
  return [
    '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
    '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
    ...gpus.map((gpu, index) => `DCGM_FI_DEV_GPU_UTIL{${labels(index)}} ${gpu.util}`),
    '# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).',
    '# TYPE DCGM_FI_DEV_FB_USED gauge',
    ...gpus.map((gpu, index) => `DCGM_FI_DEV_FB_USED{${labels(index)}} ${gpu.fbUsed}`),
    '',
  ].join('\n');
}

export interface FakeEndpoint {
  readonly url: string;
  /** GETs of /metrics answered so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** A /metrics endpoint on 127.0.0.1:0; `answer` writes each response (its body changes between scrapes). */
export async function fakeEndpoint(
  answer: (response: ServerResponse, request: IncomingMessage) => void,
): Promise<FakeEndpoint> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    answer(response, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `text` as Prometheus text format 0.0.4. */
export function exposition(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  response.end(text);
}
