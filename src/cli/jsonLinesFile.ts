import { open, type FileHandle } from 'node:fs/promises';
import { describeError } from '../shared/errors';
import { CliError } from './args';

/** `serve --out`: one OTLP JSON request per line, appended in arrival order and synced before the response. */
export class JsonLinesFile {
  /** Appends run one after another so concurrent requests never interleave within a line. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<JsonLinesFile> {
    try {
      return new JsonLinesFile(await open(path, 'a'));
    } catch (error) {
      throw new CliError(`cannot open --out ${path}: ${describeError(error)}`, 1);
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
