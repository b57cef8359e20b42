/**
 * `ai-trace-lens`: the extension's core without VS Code.
 *   summarize FILE... [--json]   read saved OTLP exports and print each trace's span tree (or JSON)
 *   serve [--host H] [--port N] [--grpc-port N] [--out FILE] [--max-body-bytes N]   run the OTLP receivers headless
 * Exit codes: 0 success, 1 some input could not be used (the rest is still reported), 2 usage error.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OtlpFileError, readOtlpFile } from './core/inputFiles';
import { encodeTraceRequestJson } from './core/otlp/jsonEncoders';
import { encodeLogsRequestJson } from './core/otlp/logsJson';
import { encodeMetricsRequestJson } from './core/otlp/metricsJson';
import { OtlpGrpcReceiver } from './core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from './core/receiver/httpReceiver';
import {
  DEFAULT_HTTP_PORT as DEFAULT_PORT,
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiverOptions,
  type ReceiverLog,
} from './core/receiver/options';
import { LogStore } from './core/store/logStore';
import { TraceStore } from './core/store/traceStore';
import { renderSummaryText, summarizeStore } from './core/summarize';
import { loadOtlpFile } from './core/traceFile';

const USAGE = `Usage:
  ai-trace-lens summarize FILE... [--json]
      Reads saved OTLP exports (protobuf, OTLP JSON or JSON Lines, gzipped or not) and prints every trace's span tree,
      or with --json one JSON document: {"traces":[...],"metricDataPoints":N}, oldest trace first, spans parents
      first. Logs requests are joined to their spans: each span's logCount and the conversation in its transcript.
      Metrics requests are counted, not summarized (metricDataPoints). A JSON request is a logs or metrics request
      when its first key is resourceLogs or resourceMetrics. A protobuf file holds one request and does not name its
      signal: it is read as the first of traces, logs and metrics that yields a span with a start time, a log record
      with a time, or a data point with a time; failing that, as the first that decodes (an empty request is traces).
  ai-trace-lens serve [--host HOST] [--port PORT] [--grpc-port PORT] [--out FILE] [--max-body-bytes N]
      Receives OTLP/HTTP traces, logs and metrics (POST /v1/traces, /v1/logs, /v1/metrics: protobuf or JSON, gzip or
      deflate) until SIGINT or SIGTERM, and with --grpc-port OTLP/gRPC too. Prints "listening http://HOST:PORT"
      first, then "listening grpc://HOST:PORT". --out appends each trace, logs and metrics request to FILE as one
      OTLP JSON line, written to disk before the exporter gets its response; summarize reads that file back.
      Defaults: 127.0.0.1, port ${DEFAULT_PORT} (0 picks a free port; --grpc-port 0 too), ${DEFAULT_MAX_BODY_BYTES} bytes.
  ai-trace-lens --help
`;

/** An expected failure: its message alone is printed, and a usage error (exit code 2) is followed by the usage. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const usageError = (message: string) => new CliError(message, 2);

const stderrLog: ReceiverLog = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return help();
  if (command === 'summarize') return summarize(rest);
  if (command === 'serve') return serve(rest);
  throw usageError(command === undefined ? 'No command given.' : `Unknown command "${command}".`);
}

async function summarize(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: { json: { type: 'boolean' }, help: HELP_OPTION }, allowPositionals: true }),
  );
  if (values.help) return help();
  if (positionals.length === 0) throw usageError('summarize needs at least one file.');
  const store = new TraceStore({ maxSpans: Number.MAX_SAFE_INTEGER });
  const logs = new LogStore({ maxRecords: Number.MAX_SAFE_INTEGER });
  let metricDataPoints = 0;
  let failed = false;
  const report = (message: string) => {
    failed = true;
    process.stderr.write(`ai-trace-lens: ${message}\n`);
  };
  for (const path of positionals) {
    try {
      const loaded = loadOtlpFile(await readOtlpFile(path), path, { traces: store, logs });
      loaded.problems.forEach(report);
      metricDataPoints += loaded.metricDataPoints;
    } catch (error) {
      // OtlpFileError messages already start with the path.
      report(error instanceof OtlpFileError ? error.message : `${path}: ${(error as Error).message}`);
    }
  }
  const summary = values.json
    ? `${JSON.stringify(summarizeStore(store, { logs, metricDataPoints }), null, 2)}\n`
    : undefined;
  process.stdout.write(summary ?? renderSummaryText(store));
  return failed ? 1 : 0;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseOptions(() =>
    parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'grpc-port': { type: 'string' },
        out: { type: 'string' },
        'max-body-bytes': { type: 'string' },
        help: HELP_OPTION,
      },
    }),
  );
  if (values.help) return help();
  const port = integerOption('--port', values.port, DEFAULT_PORT, 0, 65535);
  const grpcPortText = values['grpc-port'];
  const grpcPort = grpcPortText === undefined ? undefined : integerOption('--grpc-port', grpcPortText, 0, 0, 65535);
  const maxBodyBytes = integerOption('--max-body-bytes', values['max-body-bytes'], DEFAULT_MAX_BODY_BYTES, 1);
  const host = values.host ?? '127.0.0.1';
  // Listen for signals before announcing the address: whoever reads that line may signal right away.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const out = values.out === undefined ? undefined : await JsonLinesFile.open(values.out);
  const options: OtlpReceiverOptions = {
    host,
    port,
    maxBodyBytes,
    log: stderrLog,
    onTraces: (result) => out?.append(encodeTraceRequestJson(result.request)),
    onLogs: (result) => out?.append(encodeLogsRequestJson(result.request)),
    onMetrics: (result) => out?.append(encodeMetricsRequestJson(result.request)),
  };
  const receivers: { scheme: string; receiver: OtlpHttpReceiver | OtlpGrpcReceiver }[] = [
    { scheme: 'http', receiver: new OtlpHttpReceiver(options) },
  ];
  if (grpcPort !== undefined) {
    receivers.push({ scheme: 'grpc', receiver: new OtlpGrpcReceiver({ ...options, port: grpcPort }) });
  }
  const stopAll = () => Promise.all(receivers.map(({ receiver }) => receiver.stop()));
  for (const { scheme, receiver } of receivers) {
    const wanted = scheme === 'grpc' ? grpcPort : port;
    try {
      const address = await receiver.start();
      const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
      process.stdout.write(`listening ${scheme}://${shownHost}:${address.port}\n`);
    } catch (error) {
      await stopAll();
      await out?.close();
      process.stderr.write(`ai-trace-lens: cannot listen on ${host}:${wanted}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const signal = await stopSignal;
  stderrLog.info(`${signal}: stopping`);
  await stopAll();
  await out?.close();
  return 0;
}

/** `serve --out`: one OTLP JSON request per line, appended in arrival order and synced before the response. */
class JsonLinesFile {
  /** Appends run one after another so concurrent requests never interleave within a line. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<JsonLinesFile> {
    try {
      return new JsonLinesFile(await open(path, 'a'));
    } catch (error) {
      throw new CliError(`cannot open --out ${path}: ${(error as Error).message}`, 1);
    }
  }

  /** `json` is one request's OTLP JSON, without a newline. */
  append(json: string): Promise<void> {
    const line = `${json}\n`;
    const written = this.queue.then(async () => {
      await this.handle.appendFile(line);
      await this.handle.sync();
    });
    // A failed write fails its own request (a 500 the exporter sees) without blocking the ones after it.
    this.queue = written.catch(() => {});
    return written;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}

const HELP_OPTION = { type: 'boolean', short: 'h' } as const;

/** parseArgs rejects unknown options and missing values; those are usage errors. */
function parseOptions<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

function integerOption(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw usageError(`${name} must be an integer from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`ai-trace-lens: ${error.message}\n${error.exitCode === 2 ? `\n${USAGE}` : ''}`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(
        `ai-trace-lens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
