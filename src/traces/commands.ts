/**
 * The Traces view's commands: clearing, grouping, filtering with TraceQL, loading older stored traces, copying ids,
 * comparing runs, and saving and opening trace files.
 */
import * as vscode from 'vscode';
import { parseCommandTarget, targetTrace, warnGone, type CommandTarget } from '../host/commandTarget';
import { registerCommands } from '../host/commands';
import { TRACES_VIEW_ID, TracesCommands } from '../host/contributions';
import { pickTrace } from '../host/pickers';
import type { Services } from '../host/services';
import { plural } from '../shared/format';
import { compareTraces } from './compare';
import { openTraceFiles, saveTrace } from './traceFiles';
import type { TracesView } from './tracesView';

export function registerTracesCommands(services: Services, view: TracesView): vscode.Disposable {
  const { log, storage } = services;
  return registerCommands(log, TracesCommands, {
    clearTraces: () => storage.clear(),
    copyId: (...args) => copyId(parseCommandTarget(args)),
    groupBySession: () => view.setGrouping('session'),
    groupByTrace: () => view.setGrouping('trace'),
    compareTraces: (...args) => compareTraces(services, parseCommandTarget(args)),
    openTraceFile: (...args) => {
      const target = parseCommandTarget(args);
      return openTraceFiles(services, target.kind === 'files' ? target.uris : undefined);
    },
    saveTrace: (...args) => saveTraceOf(services, parseCommandTarget(args)),
    filterTraces: () => view.editFilter(),
    clearTraceFilter: () => view.clearFilter(),
    loadOlderTraces: () => loadOlderTraces(services),
  });
}

/** Loads the next older traces from disk into memory, with progress in the Traces view. */
async function loadOlderTraces({ storage }: Services): Promise<void> {
  const report = await vscode.window.withProgress(
    { location: { viewId: TRACES_VIEW_ID }, title: 'Loading older traces' },
    () => storage.loadOlder(),
  );
  if (report === undefined) {
    void vscode.window.showInformationMessage('Every stored trace is already loaded.');
    return;
  }
  const more = storage.hasOlderOnDisk ? ' Older ones are still on disk.' : ' That was the oldest.';
  vscode.window.setStatusBarMessage(`$(history) Loaded ${plural(report.spans, 'older span')}.${more}`, 5000);
}

async function copyId(target: CommandTarget): Promise<void> {
  const row = target.kind === 'rows' ? target.rows[0] : undefined;
  if (row === undefined) return;
  const [id, noun] = row.type === 'span' ? [row.spanId, 'span'] : [row.traceId, 'trace'];
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`$(check) Copied ${noun} id ${id}`, 3000);
}

/** Saves the trace of a tree row, or one picked from the palette. */
async function saveTraceOf(services: Services, target: CommandTarget): Promise<void> {
  const trace = targetTrace(services.store, target) ?? (await pickTrace(services.store.traces(), 'Save Trace As'));
  if (trace === 'gone') warnGone('trace');
  else if (trace !== undefined) await saveTrace(services, trace);
}
