/** `ai-trace-lens summarize`: saved OTLP exports read into the stores, and each trace printed as its span tree or as JSON. */
import { parseArgs } from 'node:util';
import { OtlpFileError, readOtlpFile } from '../core/inputFiles';
import { ModelServerStore } from '../core/modelServers/modelServerStore';
import { LogStore } from '../core/store/logStore';
import { TraceStore } from '../core/store/traceStore';
import { renderSummaryText, summarizeStore } from '../core/summarize';
import { loadOtlpFile } from '../core/traceFile';
import { describeError } from '../shared/errors';
import { HELP_OPTION, parseOptions, usageError } from './args';
import { loadStoreDirectory } from './storeOption';

export const SUMMARIZE_USAGE = `  ai-trace-lens summarize (FILE... | --store DIR) [--json]
      Reads saved OTLP exports (protobuf, OTLP JSON or JSON Lines, gzipped or not), or the store serve --store DIR
      writes (read as it is: damaged records are reported and skipped), and prints every trace's span tree,
      or with --json one JSON document: {"traces":[...],"metricDataPoints":N}, oldest trace first, spans parents
      first. Logs requests are joined to their spans: each span's logCount and the conversation in its transcript.
      Metrics requests are counted, not summarized (metricDataPoints). A JSON request is a logs or metrics request
      when its first key is resourceLogs or resourceMetrics. A protobuf file holds one request and does not name its
      signal: it is read as the first of traces, logs and metrics that yields a span with a start time, a log record
      with a time, or a data point with a time; failing that, as the first that decodes (an empty request is traces).
`;

export async function summarize(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: INPUT_OPTIONS, allowPositionals: true }),
  );
  if (values.help) return help();
  if (positionals.length === 0 && values.store === undefined) {
    throw usageError('summarize needs at least one file or --store DIR.');
  }
  const { store, logs, metricDataPoints, failed } = await readInputFiles(positionals, values.store);
  const summary = values.json
    ? `${JSON.stringify(summarizeStore(store, { logs, metricDataPoints }), null, 2)}\n`
    : undefined;
  process.stdout.write(summary ?? renderSummaryText(store));
  return failed ? 1 : 0;
}

/** The options of the commands that read saved exports and stores. */
export const INPUT_OPTIONS = { json: { type: 'boolean' }, store: { type: 'string' }, help: HELP_OPTION } as const;

export interface InputStores {
  store: TraceStore;
  logs: LogStore;
  /** The model-server samples among the metrics read (scraped by `serve --scrape`, or sent with the same names). */
  modelServers: ModelServerStore;
  metricDataPoints: number;
  /** Some file could not be read or used (reported on stderr); the rest is in the stores. */
  failed: boolean;
}

/**
 * The durable store in `storeDir`, if given, and saved OTLP exports read into unbounded stores, each unusable file or
 * part reported on stderr.
 */
export async function readInputFiles(paths: readonly string[], storeDir?: string): Promise<InputStores> {
  const store = new TraceStore({ maxSpans: Number.MAX_SAFE_INTEGER });
  const logs = new LogStore({ maxRecords: Number.MAX_SAFE_INTEGER });
  // Unbounded in count and, at 2^63 ns (~292 years), in age: the command reads every sample it is given.
  const modelServers = new ModelServerStore({ maxSamples: Number.MAX_SAFE_INTEGER, maxAgeNanos: 2n ** 63n });
  let metricDataPoints = 0;
  let failed = false;
  const report = (message: string) => {
    failed = true;
    process.stderr.write(`ai-trace-lens: ${message}\n`);
  };
  if (storeDir !== undefined) {
    const note = (message: string) => process.stderr.write(`ai-trace-lens: ${message}\n`);
    metricDataPoints += await loadStoreDirectory(storeDir, { traces: store, logs, modelServers }, report, note);
  }
  for (const path of paths) {
    try {
      const loaded = loadOtlpFile(await readOtlpFile(path), path, { traces: store, logs, modelServers });
      loaded.problems.forEach(report);
      metricDataPoints += loaded.metricDataPoints;
    } catch (error) {
      // OtlpFileError messages already start with the path.
      report(error instanceof OtlpFileError ? error.message : `${path}: ${describeError(error)}`);
    }
  }
  return { store, logs, modelServers, metricDataPoints, failed };
}
