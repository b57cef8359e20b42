/**
 * The gateway's side copy of a response: the chunks the client gets, inflated when the upstream compressed them, fed
 * to the provider's reader. A reader that throws, or an encoding it cannot read, ends the recording of that call's
 * body (with one warning), never the passthrough.
 */
import type { IncomingHttpHeaders } from 'node:http';
import * as zlib from 'node:zlib';
import { describeError } from '../../shared/errors';
import type { CallMeter } from './meter';
import type { ModelCall, ProviderWire, ResponseReader } from './wire';

type Inflater = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

export class ResponseTap {
  private reader: ResponseReader | undefined;

  private constructor(
    reader: ResponseReader,
    private readonly meter: CallMeter,
    private readonly inflater: Inflater | undefined,
    private readonly warn: (problem: string) => void,
  ) {
    this.reader = reader;
    inflater?.on('data', (chunk: Buffer) => this.read(() => reader.push(chunk)));
    inflater?.on('end', () => this.read(() => reader.end()));
    inflater?.on('error', (error) => this.stop(`the compressed answer could not be inflated: ${error.message}`));
  }

  /** A tap for `call`'s response, or undefined (with a warning) when its encoding cannot be read. */
  static open(
    provider: ProviderWire,
    call: ModelCall,
    status: number,
    headers: IncomingHttpHeaders,
    meter: CallMeter,
    warn: (problem: string) => void,
  ): ResponseTap | undefined {
    const coding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const inflater = inflaterFor(coding);
    if (inflater === null) {
      warn(`the answer is ${coding}-encoded, which the gateway does not read, so it is not recorded`);
      return undefined;
    }
    const mediaType = (headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    try {
      return new ResponseTap(provider.responseReader(call, status, mediaType, meter), meter, inflater, warn);
    } catch (error) {
      warn(`the answer could not be read: ${describeError(error)}`);
      return undefined;
    }
  }

  /** A chunk the client was just sent, which arrived at `atMs`. */
  push(chunk: Buffer, atMs: number): void {
    this.meter.chunk(atMs);
    if (this.reader === undefined) return;
    if (this.inflater) this.inflater.write(chunk);
    else this.read(() => this.reader?.push(chunk));
  }

  end(): void {
    if (this.reader === undefined) return;
    if (this.inflater) this.inflater.end();
    else this.read(() => this.reader?.end());
  }

  private read(step: () => void): void {
    if (this.reader === undefined) return;
    try {
      step();
    } catch (error) {
      this.stop(`the answer could not be read: ${describeError(error)}`);
    }
  }

  private stop(problem: string): void {
    if (this.reader === undefined) return;
    this.reader = undefined;
    this.inflater?.destroy();
    this.warn(problem);
  }
}

const READABLE_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity', '*']);

/**
 * A model call's `Accept-Encoding` without the codings the tap cannot inflate (`zstd`, which Node's zlib reads only
 * from 22.15), so the upstream answers in one it can, and the client, which accepts that one too, gets it unchanged.
 * Undefined when the header has nothing to remove.
 */
export function readableAcceptEncoding(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const codings = header.split(',').map((coding) => coding.trim());
  const readable = codings.filter((coding) => READABLE_CODINGS.has(coding.split(';', 1)[0]!.trim().toLowerCase()));
  if (readable.length === codings.length) return undefined;
  return readable.length > 0 ? readable.join(', ') : 'identity';
}

/** undefined for an identity body, null for a coding the gateway cannot inflate. */
function inflaterFor(coding: string): Inflater | undefined | null {
  switch (coding) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}
