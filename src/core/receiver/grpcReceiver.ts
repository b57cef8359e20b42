/**
 * OTLP/gRPC receiver (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc): the three collector services, unary
 * `Export`, with the same limits and answers as the HTTP receiver. grpc-js frames, inflates (gzip, deflate) and bounds
 * each message by `maxBodyBytes` (RESOURCE_EXHAUSTED past it); the services are declared by hand with identity
 * (de)serializers, so the raw bytes reach our own protobuf decoder and no protobuf library loads at run time.
 * Our own `net.Server` accepts the connections and hands them to grpc-js: listening fails with the same errors (an
 * `EADDRINUSE` code) and reports the same bound address as the HTTP receiver. Traces, logs and metrics follow the
 * HTTP receiver's rules (src/core/receiver/signals.ts); logs or metrics without a handler are decoded and dropped.
 */
import * as grpc from '@grpc/grpc-js';
import * as net from 'node:net';
import { describeError } from '../../shared/errors';
import { asBuffer } from '../otlp/protoReader';
import { encodeExportResponseProto } from '../otlp/protoResponses';
import { OtlpDecodeError } from '../otlp/types';
import { NO_LOG, type OtlpReceiverOptions, type ReceiverAddress, type ReceiverLog } from './options';
import { grpcStatusOf, pausedRefusal, refusalOf, RpcCode, undecodable } from './refusals';
import { deliverSignal, partialSuccessOf, SIGNAL_CODECS, type OtlpSignal } from './signals';

/** Each signal's service, as `package.Service`; its one method is `Export`. */
const SERVICES: Record<OtlpSignal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

const identity = (bytes: Buffer): Buffer => bytes;

function exportService(service: string): grpc.ServiceDefinition {
  return {
    Export: {
      path: `/${service}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: asBuffer,
      requestDeserialize: identity,
      responseSerialize: asBuffer,
      responseDeserialize: identity,
    },
  };
}

type ExportCall = grpc.ServerUnaryCall<Buffer, Uint8Array>;
type ExportCallback = grpc.sendUnaryData<Uint8Array>;

export class OtlpGrpcReceiver {
  /** While true, every export gets UNAVAILABLE (retryable per the spec) instead of being dropped. */
  paused = false;

  private listener: net.Server | undefined;
  private grpcServer: grpc.Server | undefined;
  private bound: ReceiverAddress | undefined;
  /** Handlers still running, so `stop()` can wait for `onTraces` work (e.g. a file append) to finish. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly droppedSignals = new Set<OtlpSignal>();
  private readonly log: ReceiverLog;

  constructor(private readonly options: OtlpReceiverOptions) {
    this.log = options.log ?? NO_LOG;
  }

  /** The bound address while listening. */
  get address(): ReceiverAddress | undefined {
    return this.bound;
  }

  /** Listens; rejects with the listen error (its `code`, e.g. EADDRINUSE, intact) and can then be started again. */
  start(): Promise<ReceiverAddress> {
    if (this.listener) return Promise.reject(new Error('The OTLP/gRPC receiver is already started.'));
    const grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': this.options.maxBodyBytes });
    for (const signal of Object.keys(SERVICES) as OtlpSignal[]) {
      grpcServer.addService(exportService(SERVICES[signal]), {
        Export: (call: ExportCall, callback: ExportCallback) => this.track(signal, call, callback),
      });
    }
    const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const listener = net.createServer((socket) => injector.injectConnection(socket));
    this.listener = listener;
    this.grpcServer = grpcServer;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.listener = undefined;
        this.grpcServer = undefined;
        grpcServer.forceShutdown();
        reject(error);
      };
      listener.once('error', onError);
      listener.listen(this.options.port, this.options.host, () => {
        listener.off('error', onError);
        listener.on('error', (error) => this.log.error(`OTLP/gRPC receiver error: ${error.message}`));
        const { address, port } = listener.address() as net.AddressInfo;
        this.bound = { host: address, port };
        resolve(this.bound);
      });
    });
  }

  /** Closes the listener and every connection, then waits for running handlers. */
  async stop(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    this.bound = undefined;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    this.grpcServer?.forceShutdown();
    this.grpcServer = undefined;
    await closed;
    await Promise.all(this.inFlight);
  }

  private track(signal: OtlpSignal, call: ExportCall, callback: ExportCallback): void {
    const handled = this.handle(signal, call, callback);
    this.inFlight.add(handled);
    void handled.finally(() => this.inFlight.delete(handled));
  }

  /** Never rejects: every failure becomes a status the exporter gets. */
  private async handle(signal: OtlpSignal, call: ExportCall, callback: ExportCallback): Promise<void> {
    const method = `${SERVICES[signal].split('.').pop()}/Export`;
    try {
      if (this.paused) throw pausedRefusal();
      callback(null, await this.accept(method, signal, call.request));
      this.handOver(signal, call.request);
    } catch (error) {
      const { code, details, statusDetails } = grpcStatusOf(refusalOf(error));
      const message = `gRPC ${method}: ${grpc.status[code]} ${details}`;
      if (code === RpcCode.INTERNAL) this.log.error(message);
      else this.log.warn(message);
      callback({ code, details, metadata: statusDetails && trailersWith(statusDetails) });
    }
  }

  /**
   * An answered message to `onAccepted` (e.g. forwarding) as OTLP/HTTP protobuf: grpc-js has already inflated a
   * compressed one. Its failure must not reach the exporter.
   */
  private handOver(signal: OtlpSignal, message: Buffer): void {
    if (!this.options.onAccepted) return;
    try {
      this.options.onAccepted({
        signal,
        body: message,
        contentType: 'application/x-protobuf',
        contentEncoding: undefined,
      });
    } catch (error) {
      this.log.error(`A received ${signal} message could not be handed over: ${describeError(error)}`);
    }
  }

  /** The Export*ServiceResponse for a message handed to its handler (or dropped when there is none). */
  private async accept<S extends OtlpSignal>(method: string, signal: S, message: Buffer): Promise<Uint8Array> {
    const codec = SIGNAL_CODECS[signal];
    let result;
    try {
      result = codec.decodeProto(message);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      throw undecodable('The message', codec.requestName, error);
    }
    const kept = await deliverSignal(this.options, result, { signal, encoding: 'protobuf', body: message });
    const partial = partialSuccessOf(signal, result);
    if (!kept) {
      // Once per signal: an app exporting logs and metrics every few seconds would drown the log otherwise.
      if (!this.droppedSignals.has(signal)) {
        this.droppedSignals.add(signal);
        this.log.info(`gRPC ${method}: ${signal} are accepted and dropped; nothing here stores them`);
      }
    } else {
      const rejected = partial ? `; ${partial.rejectedSpans} rejected: ${partial.errorMessage}` : '';
      const received = `${codec.itemCount(result)} ${codec.items}`;
      this.log.info(`gRPC ${method}: ${received} received (${message.length} bytes)${rejected}`);
    }
    return encodeExportResponseProto(partial);
  }
}

/** The RetryInfo a refusal may carry goes in `grpc-status-details-bin`, like HTTP's Retry-After. */
function trailersWith(statusDetails: Uint8Array): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', asBuffer(statusDetails));
  return metadata;
}
