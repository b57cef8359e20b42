/**
 * `--store DIR`: `serve` appends every accepted request to the durable store in DIR (src/core/storage), holding the
 * directory's lock so that no other `serve` or VS Code window writes it too, and `summarize` and `query` read it back.
 * Readers never change the files, since a `serve` may be writing them.
 */
import { mkdir, stat } from 'node:fs/promises';
import { plural } from '../shared/format';
import { describeError } from '../shared/errors';
import type { ReceiverLog } from '../core/receiver/options';
import { loadSegments, type LoadReport } from '../core/storage/loadStore';
import { readSegments, type ReadReport } from '../core/storage/segmentReader';
import { SegmentStore } from '../core/storage/segmentStore';
import { StoreLock } from '../core/storage/storeLock';
import type { ModelServerStore } from '../core/modelServers/modelServerStore';
import type { LogStore } from '../core/store/logStore';
import type { TraceStore } from '../core/store/traceStore';
import { CliError } from './args';

/** The store `serve --store` writes and the lock it holds; closing flushes the store, then gives the lock up. */
export interface ServeStore {
  store: SegmentStore;
  close(): Promise<void>;
}

/**
 * The store `serve --store` writes, after one stderr line saying what it holds (torn tails are cut off). Fails (exit
 * code 1) when another process holds the directory's lock.
 */
export async function openServeStore(dir: string, log: ReceiverLog): Promise<ServeStore> {
  await mkdir(dir, { recursive: true });
  const lock = await StoreLock.tryAcquire(dir, (reason) => log.error(`store ${dir}: lost its lock (${reason})`));
  if (lock === undefined) {
    throw new CliError(`${dir} is being written by another process (serve --store, or a VS Code window).`, 1);
  }
  const store = await SegmentStore.open(dir, { log });
  const opened = { store, close: () => store.close().then(() => lock.release()) };
  if (store.failure !== undefined) return opened;
  const counts = { traces: 0, logs: 0, metrics: 0 };
  try {
    const report = await store.readAll((request) => void counts[request.signal]++);
    const held = `${counts.traces} trace, ${counts.logs} logs and ${counts.metrics} metrics requests`;
    const { segments, bytes } = store.size;
    log.info(`store ${dir}: ${held} in ${plural(segments, 'segment')} (${bytes} bytes)${problemsOf(report)}`);
  } catch (error) {
    log.error(`store ${dir} could not be read: ${describeError(error)}`);
  }
  return opened;
}

/**
 * The requests stored in `dir` put into the stores; what could not be read is passed to `report` (a torn tail,
 * normal after a crash, only to `note`).
 */
export async function loadStoreDirectory(
  dir: string,
  stores: { traces: TraceStore; logs: LogStore; modelServers?: ModelServerStore },
  report: (message: string) => void,
  note: (message: string) => void,
): Promise<number> {
  let loaded: LoadReport;
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    loaded = await loadSegments({ readAll: (visit) => readSegments(dir, visit, false) }, stores);
  } catch (error) {
    report(`${dir}: ${describeError(error)}`);
    return 0;
  }
  for (const { file, offset, bytes } of loaded.damaged) report(`${file}: ${bytes} damaged bytes at ${offset} skipped`);
  for (const { file, offset, bytes } of loaded.tornTails) note(`${file}: torn tail of ${bytes} bytes at ${offset}`);
  for (const problem of loaded.undecodable) report(`${dir}: ${problem}`);
  return loaded.metricDataPoints;
}

function problemsOf(report: ReadReport): string {
  const problems = [
    ...report.damaged.map(({ file, offset, bytes }) => `${bytes} damaged bytes skipped at ${file}:${offset}`),
    ...report.tornTails.map(({ file, offset, bytes }) => `a torn tail of ${bytes} bytes cut at ${file}:${offset}`),
  ];
  return problems.length > 0 ? `; ${problems.join('; ')}` : '';
}
