/**
 * OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp), shaped like the Collector's handler:
 * route and method, media type, encoding and declared size are checked before the body is read; the body is read and
 * inflated under one byte limit; the response uses the request's encoding. Traces, logs and metrics follow the same
 * rules (src/core/receiver/signals.ts); logs or metrics without a handler are decoded and dropped.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { describeError } from '../../shared/errors';
import { closeServer, listen, readLimited } from '../httpServer';
import { encodeExportResponseJson, encodeStatusJson } from '../otlp/jsonEncoders';
import { encodeExportResponseProto, encodeStatusProto } from '../otlp/protoResponses';
import { OtlpDecodeError, type PartialSuccess } from '../otlp/types';
import {
  NO_LOG,
  WINDOW_RECORD_HEADER,
  type OtlpReceiverOptions,
  type ReceiverAddress,
  type ReceiverLog,
} from './options';
import {
  httpHeadersOf,
  httpStatusOf,
  pausedRefusal,
  Refusal,
  refusalOf,
  RpcCode,
  tooLarge,
  undecodable,
} from './refusals';
import { deliverSignal, partialSuccessOf, SIGNAL_CODECS, type OtlpSignal, type SignalCodec } from './signals';

type Signal = OtlpSignal;
type Encoding = 'protobuf' | 'json';

const SIGNAL_PATHS: ReadonlyMap<string, Signal> = new Map([
  ['/v1/traces', 'traces'],
  ['/v1/logs', 'logs'],
  ['/v1/metrics', 'metrics'],
]);

const MEDIA_TYPES: ReadonlyMap<string, Encoding> = new Map([
  ['application/x-protobuf', 'protobuf'],
  ['application/json', 'json'],
]);

const CONTENT_TYPES: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class OtlpHttpReceiver {
  /** While true, exports of every signal get 503 + Retry-After (retryable per the spec) instead of being dropped. */
  paused = false;

  private server: http.Server | undefined;
  private bound: ReceiverAddress | undefined;
  /** Handlers still running, so `stop()` can wait for `onTraces` work (e.g. a file append) to finish. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly droppedSignals = new Set<Signal>();
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
    if (this.server) return Promise.reject(new Error('The OTLP receiver is already started.'));
    const server = http.createServer((request, response) => this.track(request, response, false));
    // Answering `Expect: 100-continue` ourselves lets a refused request get its final status before sending the body.
    server.on('checkContinue', (request, response) => this.track(request, response, true));
    this.server = server;
    const { host, port } = this.options;
    return listen(server, host, port, (error) => this.log.error(`OTLP receiver error: ${error.message}`)).then(
      (address) => (this.bound = address),
      (error: unknown) => {
        this.server = undefined;
        throw error;
      },
    );
  }

  /** Closes the listener and every connection, idle keep-alive ones included, then waits for running handlers. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.bound = undefined;
    await closeServer(server);
    await Promise.all(this.inFlight);
  }

  private track(request: http.IncomingMessage, response: http.ServerResponse, expectsContinue: boolean): void {
    const handled = this.handle(request, response, expectsContinue);
    this.inFlight.add(handled);
    void handled.finally(() => this.inFlight.delete(handled));
  }

  /** Never rejects: every failure becomes a response (or a log line when the client is gone). */
  private async handle(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    expectsContinue: boolean,
  ): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0]!;
    const encoding = MEDIA_TYPES.get(mediaTypeOf(request.headers['content-type']));
    try {
      const { signal, coding } = this.checkHeaders(request, path, encoding);
      if (expectsContinue) response.writeContinue();
      const { wire, body } = await this.readBody(request, coding);
      await this.accept(response, path, signal, encoding!, coding, body);
      if (request.headers[WINDOW_RECORD_HEADER] === undefined) {
        this.handOver(signal, wire, request.headers['content-type']!, coding);
      }
    } catch (error) {
      if (request.destroyed && !request.complete) {
        this.log.warn(`${request.method} ${path}: the connection closed before the request was complete`);
        return;
      }
      const refusal = refusalOf(error);
      const status = httpStatusOf(refusal);
      const message = `${request.method} ${path}: ${status} ${refusal.message}`;
      if (refusal.code === RpcCode.INTERNAL) this.log.error(message);
      else this.log.warn(message);
      if (!request.complete) this.settleUnreadBody(request, response, status, expectsContinue);
      sendStatus(response, refusal, status, encoding);
    }
  }

  /**
   * A refused request whose body was not read. A body the client still sends within the limit is read and dropped, so
   * the connection stays reusable and the client reads the response instead of a reset; past the limit, or when the
   * client waits for `100 Continue` and will not send the body, the connection closes after the response.
   */
  private settleUnreadBody(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    status: number,
    expectsContinue: boolean,
  ): void {
    if (expectsContinue || status === 413) {
      response.setHeader('Connection', 'close');
      return;
    }
    let discarded = 0;
    request.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > this.options.maxBodyBytes) request.socket.destroy();
    });
  }

  /** Everything that can be refused without reading the body, in the Collector's order. */
  private checkHeaders(
    request: http.IncomingMessage,
    path: string,
    encoding: Encoding | undefined,
  ): { signal: Signal; coding: ContentCoding } {
    const signal = SIGNAL_PATHS.get(path);
    if (!signal) {
      const message = `Unknown path ${path}; OTLP/HTTP uses /v1/traces, /v1/logs and /v1/metrics.`;
      throw new Refusal(RpcCode.UNIMPLEMENTED, message);
    }
    if (request.method !== 'POST') {
      throw new Refusal(RpcCode.UNIMPLEMENTED, `${request.method} is not allowed on ${path}; use POST.`, {
        httpStatus: 405,
        httpHeaders: { Allow: 'POST' },
      });
    }
    if (!encoding) {
      const type = request.headers['content-type'] ?? '(none)';
      const message = `Unsupported Content-Type ${type}; use application/x-protobuf or application/json.`;
      throw new Refusal(RpcCode.INVALID_ARGUMENT, message, { httpStatus: 415 });
    }
    const coding = contentCodingOf(request.headers['content-encoding']);
    const declared = Number(request.headers['content-length']);
    if (declared > this.options.maxBodyBytes) throw tooLarge(`is ${declared} bytes`, this.options.maxBodyBytes);
    if (this.paused) throw pausedRefusal();
    return { signal, coding };
  }

  /**
   * The body as sent on the wire (kept for `onAccepted`), then inflated, each under `maxBodyBytes` (a gzip bomb stops
   * at the limit).
   */
  private async readBody(
    request: http.IncomingMessage,
    coding: ContentCoding,
  ): Promise<{ wire: Buffer; body: Buffer }> {
    const wire = await readLimited(request, this.options.maxBodyBytes);
    if (!wire) throw tooLarge('exceeds it', this.options.maxBodyBytes);
    if (coding === 'identity') return { wire, body: wire };
    try {
      return { wire, body: await inflate(wire, coding, this.options.maxBodyBytes) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLarge('exceeds it once inflated', this.options.maxBodyBytes);
      const message = `The ${coding} body could not be inflated: ${describeError(error)}.`;
      throw new Refusal(RpcCode.INVALID_ARGUMENT, message);
    }
  }

  /** An answered request, as received, to `onAccepted` (e.g. forwarding); its failure must not reach the exporter. */
  private handOver(signal: Signal, wire: Buffer, contentType: string, coding: ContentCoding): void {
    if (!this.options.onAccepted) return;
    try {
      this.options.onAccepted({
        signal,
        body: wire,
        contentType,
        contentEncoding: coding === 'identity' ? undefined : coding,
      });
    } catch (error) {
      this.log.error(`A received ${signal} request could not be handed over: ${describeError(error)}`);
    }
  }

  private async accept<S extends Signal>(
    response: http.ServerResponse,
    path: string,
    signal: S,
    encoding: Encoding,
    coding: ContentCoding,
    body: Buffer,
  ): Promise<void> {
    const codec = SIGNAL_CODECS[signal];
    const result = decode(codec, encoding, body);
    const kept = await deliverSignal(this.options, result, { signal, encoding, body });
    const partial = partialSuccessOf(signal, result);
    sendResponse(response, encoding, signal, partial);
    if (!kept) {
      // Once per signal: an app exporting logs and metrics every few seconds would drown the log otherwise.
      if (!this.droppedSignals.has(signal)) {
        this.droppedSignals.add(signal);
        this.log.info(`POST ${path}: ${signal} are accepted and dropped; nothing here stores them`);
      }
      return;
    }
    const rejected = partial ? `; ${partial.rejectedSpans} rejected: ${partial.errorMessage}` : '';
    const format = coding === 'identity' ? encoding : `${encoding}, ${coding}`;
    const received = `${codec.itemCount(result)} ${codec.items}`;
    this.log.info(`POST ${path}: ${received} received (${format}, ${body.length} bytes)${rejected}`);
  }
}

function decode<R>(codec: SignalCodec<R>, encoding: Encoding, body: Buffer): R {
  let text = '';
  if (encoding === 'json') {
    try {
      text = utf8.decode(body);
    } catch {
      throw new Refusal(RpcCode.INVALID_ARGUMENT, 'The JSON body is not valid UTF-8.');
    }
  }
  try {
    return encoding === 'json' ? codec.decodeJson(text) : codec.decodeProto(body);
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    throw undecodable(`The ${encoding} body`, codec.requestName, error);
  }
}

/** `application/JSON; charset=utf-8` → `application/json`. */
function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

type ContentCoding = 'identity' | 'gzip' | 'deflate';

function contentCodingOf(header: string | undefined): ContentCoding {
  const coding = (header ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity' || coding === 'none') return 'identity';
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'deflate') return 'deflate';
  // RFC 9110 §15.5.16: 415 also covers an unsupported Content-Encoding.
  const message = `Unsupported Content-Encoding ${header}; use gzip, deflate or none.`;
  throw new Refusal(RpcCode.INVALID_ARGUMENT, message, { httpStatus: 415 });
}

function inflate(raw: Buffer, coding: 'gzip' | 'deflate', limit: number): Promise<Buffer> {
  const options = { maxOutputLength: limit };
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    if (coding === 'gzip') zlib.gunzip(raw, options, done);
    // HTTP's "deflate" is the zlib format, but some clients send raw deflate; a zlib header tells them apart.
    else if (hasZlibHeader(raw)) zlib.inflate(raw, options, done);
    else zlib.inflateRaw(raw, options, done);
  });
}

/** RFC 1950: compression method 8 and a header checksum divisible by 31. */
function hasZlibHeader(bytes: Buffer): boolean {
  return bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}

function send(response: http.ServerResponse, status: number, contentType: string, body: Uint8Array | string): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
  });
  response.end(body);
}

function sendResponse(
  response: http.ServerResponse,
  encoding: Encoding,
  signal: Signal,
  partial?: PartialSuccess,
): void {
  const body = encoding === 'json' ? encodeExportResponseJson(partial, signal) : encodeExportResponseProto(partial);
  send(response, 200, CONTENT_TYPES[encoding], body);
}

/** A google.rpc.Status in the request's encoding, or plain text when the media type is unknown. */
function sendStatus(
  response: http.ServerResponse,
  refusal: Refusal,
  status: number,
  encoding: Encoding | undefined,
): void {
  if (response.headersSent || response.destroyed) return;
  for (const [name, value] of Object.entries(httpHeadersOf(refusal))) response.setHeader(name, value);
  const { code, message } = refusal;
  if (encoding === 'json') send(response, status, CONTENT_TYPES.json, encodeStatusJson(code, message));
  else if (encoding === 'protobuf') send(response, status, CONTENT_TYPES.protobuf, encodeStatusProto(code, message));
  else send(response, status, 'text/plain; charset=utf-8', message);
}
