/**
 * `ai-trace-lens serve`: the OTLP receivers, and optionally the AI gateway, without VS Code, optionally recording
 * every request and every model call to a file.
 */
import { parseArgs } from 'node:util';
import { OtlpForwarder } from '../core/forward/otlpForwarder';
import { parseOtlpHeaders } from '../core/forward/otlpHeaders';
import { AiGateway } from '../core/gateway/gateway';
import { DEFAULT_GATEWAY_MAX_BODY_BYTES } from '../core/gateway/options';
import { resolveProxy } from '../core/gateway/proxy';
import { PROVIDER_IDS, type ProviderId } from '../core/gateway/wire';
import { traceRequestOf } from '../core/model';
import { encodeTraceRequestJson } from '../core/otlp/jsonEncoders';
import { encodeLogsRequestJson } from '../core/otlp/logsJson';
import { encodeMetricsRequestJson } from '../core/otlp/metricsJson';
import { Scraper, type ScrapeResult } from '../core/modelServers/scraper';
import { OtlpGrpcReceiver } from '../core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from '../core/receiver/httpReceiver';
import {
  DEFAULT_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiverOptions,
  type ReceiverLog,
} from '../core/receiver/options';
import { describeError } from '../shared/errors';
import { HELP_OPTION, integerOption, parseOptions, usageError } from './args';
import { JsonLinesFile } from './jsonLinesFile';
import { openServeStore } from './storeOption';

export const SERVE_USAGE = `  ai-trace-lens serve [--host HOST] [--port PORT] [--grpc-port PORT] [--out FILE] [--store DIR]
                    [--max-body-bytes N] [--gateway-port PORT [--upstream NAME=URL]...] [--forward URL]
                    [--scrape URL [--scrape-interval S]]...
      Receives OTLP/HTTP traces, logs and metrics (POST /v1/traces, /v1/logs, /v1/metrics: protobuf or JSON, gzip or
      deflate) until SIGINT or SIGTERM, and with --grpc-port OTLP/gRPC too. Prints "listening http://HOST:PORT"
      first, then "listening grpc://HOST:PORT". --out appends each trace, logs and metrics request to FILE as one
      OTLP JSON line, written to disk before the exporter gets its response; summarize reads that file back.
      --store DIR appends each accepted request, as received (inflated), to the durable store in DIR before the
      exporter gets its response (fsynced at least every second; at most 2 GiB and 7 days are kept, oldest dropped
      first); at startup it prints what the store holds to stderr. It holds DIR's lock: a second serve --store DIR
      fails (exit code 1). summarize --store and query --store read it.
      With --gateway-port, the AI gateway forwards /openai, /anthropic, /gemini and /ollama to their providers and
      records each model call as a span (written by --out like received traces); it prints "gateway http://HOST:PORT"
      after the listening lines. --upstream NAME=URL (NAME: ${PROVIDER_IDS.join(', ')}) replaces a provider's
      default upstream; HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply to upstream calls.
      --forward URL sends every request received, as received, to the OTLP/HTTP collector at URL (a base URL, like
      OTEL_EXPORTER_OTLP_ENDPOINT: /v1/traces, /v1/logs or /v1/metrics is appended), with the headers in
      OTEL_EXPORTER_OTLP_HEADERS; failures are retried from a bounded queue. On SIGINT or SIGTERM it delivers what is
      queued for up to 5 s, then prints "forwarded N, dropped N" to stderr.
      --scrape URL (repeatable) scrapes a model server's Prometheus metrics (vLLM, SGLang, TGI, llama.cpp server,
      NVIDIA DCGM exporter) like the extension: every second while spans arrive, every 10 s otherwise, or every S
      seconds with --scrape-interval S. The metrics it knows are recorded by --out and --store as OTLP metrics
      (gauges, sums, histograms) whose resource's url.full is URL. A target that fails is reported once on stderr.
      Defaults: ${DEFAULT_HOST}, port ${DEFAULT_HTTP_PORT} (0 picks a free port; --grpc-port 0 and --gateway-port 0 too), ${DEFAULT_MAX_BODY_BYTES} bytes.
`;

const stderrLog: ReceiverLog = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
};

export async function serve(args: string[], help: () => number): Promise<number> {
  const { values } = parseOptions(() =>
    parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'grpc-port': { type: 'string' },
        out: { type: 'string' },
        store: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'gateway-port': { type: 'string' },
        upstream: { type: 'string', multiple: true },
        forward: { type: 'string' },
        scrape: { type: 'string', multiple: true },
        'scrape-interval': { type: 'string' },
        help: HELP_OPTION,
      },
    }),
  );
  if (values.help) return help();
  const port = integerOption('--port', values.port, DEFAULT_HTTP_PORT, 0, 65535);
  const grpcPortText = values['grpc-port'];
  const grpcPort = grpcPortText === undefined ? undefined : integerOption('--grpc-port', grpcPortText, 0, 0, 65535);
  const maxBodyBytes = integerOption('--max-body-bytes', values['max-body-bytes'], DEFAULT_MAX_BODY_BYTES, 1);
  const gatewayPortText = values['gateway-port'];
  const gatewayPort =
    gatewayPortText === undefined ? undefined : integerOption('--gateway-port', gatewayPortText, 0, 0, 65535);
  const upstreams = upstreamOptions(values.upstream ?? []);
  if (gatewayPort === undefined && values.upstream !== undefined) throw usageError('--upstream needs --gateway-port.');
  const host = values.host ?? DEFAULT_HOST;
  const forwarder = values.forward === undefined ? undefined : forwarderTo(values.forward);
  const scrapeUrls = scrapeOptions(values.scrape ?? []);
  const scrapeIntervalMs = scrapeIntervalOption(values['scrape-interval'], scrapeUrls.length > 0);
  // Listen for signals before announcing the address: whoever reads that line may signal right away.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const out = values.out === undefined ? undefined : await JsonLinesFile.open(values.out);
  const store = values.store === undefined ? undefined : await openServeStore(values.store, stderrLog);
  const options: OtlpReceiverOptions = {
    host,
    port,
    maxBodyBytes,
    log: stderrLog,
    onTraces: (result) => {
      for (const scraper of scrapers) scraper.active();
      return out?.append(encodeTraceRequestJson(result.request));
    },
    onLogs: (result) => out?.append(encodeLogsRequestJson(result.request)),
    onMetrics: (result) => out?.append(encodeMetricsRequestJson(result.request)),
    onDecodedBody: store && (({ signal, encoding, body }) => store.store.append(signal, encoding, body, Date.now())),
    onAccepted: forwarder && ((request) => forwarder.enqueue(request)),
  };
  const recordScrape = ({ url, request }: ScrapeResult) => {
    if (request.resourceMetrics[0]?.scopeMetrics[0]?.metrics.length === 0) return;
    const json = encodeMetricsRequestJson(request);
    const written: Promise<void>[] = [];
    if (out) written.push(out.append(json));
    if (store) written.push(store.store.append('metrics', 'json', Buffer.from(json), Date.now()));
    Promise.all(written).catch((error: unknown) => {
      stderrLog.error(`metrics of ${url.href} could not be recorded: ${describeError(error)}`);
    });
  };
  const scrapers = scrapeUrls.map(
    (url) =>
      new Scraper({
        url,
        onScrape: recordScrape,
        log: stderrLog,
        activeIntervalMs: scrapeIntervalMs,
        idleIntervalMs: scrapeIntervalMs,
      }),
  );
  const receivers: { scheme: string; receiver: OtlpHttpReceiver | OtlpGrpcReceiver }[] = [
    { scheme: 'http', receiver: new OtlpHttpReceiver(options) },
  ];
  if (grpcPort !== undefined) {
    receivers.push({ scheme: 'grpc', receiver: new OtlpGrpcReceiver({ ...options, port: grpcPort }) });
  }
  const gateway =
    gatewayPort === undefined
      ? undefined
      : new AiGateway({
          host,
          port: gatewayPort,
          maxBodyBytes: DEFAULT_GATEWAY_MAX_BODY_BYTES,
          upstreams,
          recordContent: true,
          proxy: resolveProxy(undefined, undefined, process.env).proxy,
          log: stderrLog,
          onSpan: (span) => {
            out?.append(encodeTraceRequestJson(traceRequestOf(span))).catch((error: unknown) => {
              stderrLog.error(`${span.name} could not be written to --out: ${describeError(error)}`);
            });
          },
        });
  const servers = [...receivers, ...(gateway ? [{ scheme: 'gateway', receiver: gateway }] : [])];
  const stopAll = () => Promise.all(servers.map(({ receiver }) => receiver.stop()));
  for (const { scheme, receiver } of servers) {
    const wanted = scheme === 'grpc' ? grpcPort : scheme === 'gateway' ? gatewayPort : port;
    try {
      const address = await receiver.start();
      const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
      const line = scheme === 'gateway' ? `gateway http://` : `listening ${scheme}://`;
      process.stdout.write(`${line}${shownHost}:${address.port}\n`);
    } catch (error) {
      await stopAll();
      await out?.close();
      await store?.close();
      await forwarder?.stop(0);
      process.stderr.write(`ai-trace-lens: cannot listen on ${host}:${wanted}: ${describeError(error)}\n`);
      return 1;
    }
  }
  for (const scraper of scrapers) scraper.start();
  const signal = await stopSignal;
  stderrLog.info(`${signal}: stopping`);
  for (const scraper of scrapers) scraper.stop();
  await stopAll();
  await out?.close();
  await store?.close();
  if (forwarder) {
    await forwarder.stop(FORWARD_FLUSH_MS);
    const { forwarded, dropped } = forwarder.stats;
    stderrLog.info(`forwarding to ${forwarder.target}: forwarded ${forwarded}, dropped ${dropped}`);
  }
  return 0;
}

/** How long a stopping `serve` keeps delivering queued requests to the --forward collector. */
const FORWARD_FLUSH_MS = 5000;

/** The --forward collector, with the headers OTEL_EXPORTER_OTLP_HEADERS names (values never printed). */
function forwarderTo(url: string): OtlpForwarder {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw usageError(`--forward needs an http or https URL, not "${url}".`);
  }
  const { headers, skipped } = parseOtlpHeaders(process.env.OTEL_EXPORTER_OTLP_HEADERS);
  for (const problem of skipped) stderrLog.warn(`OTEL_EXPORTER_OTLP_HEADERS: ${problem}; it is not sent`);
  return new OtlpForwarder({ endpoint: url, headers, log: stderrLog });
}

/** `--scrape URL`, repeatable: http or https URLs, each scraped once however often it is named. */
function scrapeOptions(texts: readonly string[]): string[] {
  for (const text of texts) {
    if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
      throw usageError(`--scrape needs an http or https URL, not "${text}".`);
    }
  }
  return [...new Set(texts.map((text) => new URL(text).href))];
}

/** `--scrape-interval S`: seconds (0.1 to 3600, decimals allowed); undefined keeps the 1 s / 10 s rhythm. */
function scrapeIntervalOption(text: string | undefined, scraping: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!scraping) throw usageError('--scrape-interval needs --scrape.');
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds < 0.1 || seconds > 3600) {
    throw usageError(`--scrape-interval takes seconds from 0.1 to 3600, not "${text}".`);
  }
  return Math.round(seconds * 1000);
}

/** `--upstream openai=http://127.0.0.1:8000/v1`, repeatable; a later one for the same provider wins. */
function upstreamOptions(texts: readonly string[]): Partial<Record<ProviderId, string>> {
  const upstreams: Partial<Record<ProviderId, string>> = {};
  for (const text of texts) {
    const equals = text.indexOf('=');
    const name = text.slice(0, equals);
    const url = text.slice(equals + 1);
    if (equals < 0 || !(PROVIDER_IDS as readonly string[]).includes(name)) {
      throw usageError(`--upstream takes NAME=URL with NAME one of ${PROVIDER_IDS.join(', ')}, not "${text}".`);
    }
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw usageError(`--upstream ${name} needs an http or https URL, not "${url}".`);
    }
    upstreams[name as ProviderId] = url;
  }
  return upstreams;
}
