/** `ai-trace-lens serve`: the OTLP receivers without VS Code, optionally recording every request to a file. */
import { parseArgs } from 'node:util';
import { encodeTraceRequestJson } from '../core/otlp/jsonEncoders';
import { encodeLogsRequestJson } from '../core/otlp/logsJson';
import { encodeMetricsRequestJson } from '../core/otlp/metricsJson';
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
import { HELP_OPTION, integerOption, parseOptions } from './args';
import { JsonLinesFile } from './jsonLinesFile';

export const SERVE_USAGE = `  ai-trace-lens serve [--host HOST] [--port PORT] [--grpc-port PORT] [--out FILE] [--max-body-bytes N]
      Receives OTLP/HTTP traces, logs and metrics (POST /v1/traces, /v1/logs, /v1/metrics: protobuf or JSON, gzip or
      deflate) until SIGINT or SIGTERM, and with --grpc-port OTLP/gRPC too. Prints "listening http://HOST:PORT"
      first, then "listening grpc://HOST:PORT". --out appends each trace, logs and metrics request to FILE as one
      OTLP JSON line, written to disk before the exporter gets its response; summarize reads that file back.
      Defaults: ${DEFAULT_HOST}, port ${DEFAULT_HTTP_PORT} (0 picks a free port; --grpc-port 0 too), ${DEFAULT_MAX_BODY_BYTES} bytes.
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
        'max-body-bytes': { type: 'string' },
        help: HELP_OPTION,
      },
    }),
  );
  if (values.help) return help();
  const port = integerOption('--port', values.port, DEFAULT_HTTP_PORT, 0, 65535);
  const grpcPortText = values['grpc-port'];
  const grpcPort = grpcPortText === undefined ? undefined : integerOption('--grpc-port', grpcPortText, 0, 0, 65535);
  const maxBodyBytes = integerOption('--max-body-bytes', values['max-body-bytes'], DEFAULT_MAX_BODY_BYTES, 1);
  const host = values.host ?? DEFAULT_HOST;
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
      process.stderr.write(`ai-trace-lens: cannot listen on ${host}:${wanted}: ${describeError(error)}\n`);
      return 1;
    }
  }
  const signal = await stopSignal;
  stderrLog.info(`${signal}: stopping`);
  await stopAll();
  await out?.close();
  return 0;
}
