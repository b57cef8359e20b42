/**
 * The tools' sources outside VS Code (the MCP server, tests): stores with a price book and a findings index that
 * follows them, and a follower of a store directory another process writes (the extension or `serve --store`),
 * read as the other VS Code windows read it: each refresh takes in the records appended since the last one, and
 * honours a Clear that any window made (control.json), and the directory's lock is never taken, so the writer is never
 * disturbed.
 */
import { PriceBook } from '../cost/priceBook';
import { FindingsIndex } from '../findings/findingsIndex';
import { SETTING_DEFAULTS } from '../settings';
import { ingestStored } from '../storage/loadStore';
import { parseControl, SharedFile } from '../storage/sharedFiles';
import { StoreTail } from '../storage/storeTail';
import { LogStore } from '../store/logStore';
import { TraceStore } from '../store/traceStore';
import { describeError } from '../../shared/errors';
import type { AgentToolSources } from './types';

/**
 * Stores bounded as the extension's are by default, so following a large store keeps its newest traces as the
 * windows do; `refresh` is called before every tool call.
 */
export function agentToolSources(refresh?: (stores: { traces: TraceStore; logs: LogStore }) => Promise<void>) {
  const traces = new TraceStore({ maxSpans: SETTING_DEFAULTS['store.maxSpans'] });
  const logs = new LogStore({ maxRecords: SETTING_DEFAULTS['store.maxLogRecords'] });
  logs.followTraces(traces);
  const findings = new FindingsIndex(traces);
  traces.onDidChange((change) => findings.update(change));
  const sources: AgentToolSources = { traces, logs, prices: new PriceBook(), findings };
  return refresh === undefined ? sources : { ...sources, refresh: () => refresh({ traces, logs }) };
}

/**
 * Reads `dir` from its oldest record on, then what was appended since, at each call; a call made while a read runs
 * waits for it, then reads what came after. Records that do not decode, and damage, go to `report`.
 * A Clear is applied as the windows apply it: memory emptied, and reading goes on from the first segment after those
 * cleared, which the owner may not have deleted yet.
 */
export function followStoreDirectory(
  dir: string,
  report: (message: string) => void,
): (stores: { traces: TraceStore; logs: LogStore }) => Promise<void> {
  let tail: StoreTail | undefined;
  let reading: Promise<unknown> = Promise.resolve();
  const control = new SharedFile(dir, 'control.json', parseControl);
  let clearedThrough = 0;
  return (stores) => {
    tail ??= new StoreTail(
      dir,
      undefined,
      (request) => {
        try {
          ingestStored(request, stores);
        } catch (error) {
          report(`${dir}: a stored ${request.signal} request does not decode: ${describeError(error)}`);
        }
      },
      ({ file, offset, bytes }) => report(`${file}: ${bytes} damaged bytes at ${offset} skipped`),
    );
    const current = tail;
    const read = reading.then(async () => {
      const cleared = (await control.readIfChanged())?.clearedThrough ?? clearedThrough;
      if (cleared > clearedThrough) {
        clearedThrough = cleared;
        stores.traces.clear();
        // Every record after the Clear is in a newer segment, so this reads none twice and misses none.
        current.moveTo({ sequence: cleared + 1, offset: 0 });
      }
      await current.read();
    });
    // A failed read fails its own call only: the next call reads again from where the tail stopped.
    reading = read.catch(() => undefined);
    return read.then(() => undefined);
  };
}
