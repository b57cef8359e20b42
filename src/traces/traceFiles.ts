/**
 * Open Trace File… and Save Trace As…: traces to and from OTLP files (see core/traceFile.ts), through VS Code's file
 * system, so they work on remote and virtual workspaces too.
 */
import * as vscode from 'vscode';
import { fileTitle } from '../core/describe';
import { OtlpFileError, parseOtlpFile } from '../core/inputFiles';
import type { TraceRecord } from '../core/store/types';
import { loadOtlpFile, traceFileText } from '../core/traceFile';
import type { Services } from '../host/services';
import { describeError } from '../shared/errors';
import { plural } from '../shared/format';

const OTLP_FILE_FILTERS = { 'OTLP exports (JSON, JSON Lines, protobuf, gzip)': ['jsonl', 'json', 'pb', 'bin', 'gz'] };

/** Loads the files (`uris`, or those picked) into the stores and shows the newest trace they hold. */
export async function openTraceFiles(services: Services, uris: readonly vscode.Uri[] | undefined): Promise<void> {
  const files =
    uris ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Open Traces',
      title: 'Open Trace File',
      filters: { ...OTLP_FILE_FILTERS, 'All files': ['*'] },
    }));
  if (files === undefined || files.length === 0) return;
  const { store, logs, metrics, modelServers, log, tracesView } = services;
  const opened: string[] = [];
  const traceIds = new Set<string>();
  let problems = 0;
  for (const uri of files) {
    const name = vscode.workspace.asRelativePath(uri);
    let loaded;
    try {
      loaded = loadOtlpFile(parseOtlpFile(await vscode.workspace.fs.readFile(uri), name), name, {
        traces: store,
        logs,
        metrics,
        modelServers,
      });
    } catch (error) {
      const message = error instanceof OtlpFileError ? error.message : `${name}: ${describeError(error)}`;
      log.error(`Open Trace File: ${message}`);
      void vscode.window.showErrorMessage(`AI Trace Lens could not open ${message}`);
      continue;
    }
    for (const problem of loaded.problems) log.warn(`Open Trace File: ${problem}`);
    problems += loaded.problems.length;
    for (const traceId of loaded.traceIds) traceIds.add(traceId);
    const parts = [plural(loaded.traceIds.length, 'trace'), plural(loaded.spans, 'span')];
    if (loaded.logRecords > 0) parts.push(plural(loaded.logRecords, 'log record'));
    if (loaded.metricDataPoints > 0) parts.push(plural(loaded.metricDataPoints, 'metric data point'));
    opened.push(`${name}: ${parts.join(', ')}`);
  }
  if (opened.length === 0) return;
  // The store lists traces newest first.
  const newest = store.traces().find((trace) => traceIds.has(trace.summary.traceId));
  if (newest !== undefined) await tracesView.revealTrace(newest.summary.traceId);
  const skipped = problems > 0 ? ` ${plural(problems, 'part')} could not be read: see the log.` : '';
  const showLog = 'Show Log';
  const message = `Opened ${opened.join('; ')}.${skipped}`;
  if (problems === 0) {
    void vscode.window.showInformationMessage(message);
  } else if ((await vscode.window.showWarningMessage(message, showLog)) === showLog) {
    log.show();
  }
}

/** Saves the trace and its logs as OTLP JSON Lines where the user picks, by default in the workspace. */
export async function saveTrace({ logs }: Services, trace: TraceRecord): Promise<void> {
  const { summary } = trace;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `${fileTitle(summary.rootName || summary.traceId)}.jsonl`;
  const target = await vscode.window.showSaveDialog({
    title: 'Save Trace As',
    saveLabel: 'Save Trace',
    defaultUri: folder === undefined ? undefined : vscode.Uri.joinPath(folder, fileName),
    filters: { 'OTLP JSON Lines': ['jsonl'] },
  });
  if (target === undefined) return;
  const spans = trace.spans().map((node) => node.span);
  const traceLogs = logs.forTrace(summary.traceId);
  await vscode.workspace.fs.writeFile(target, Buffer.from(traceFileText(spans, traceLogs), 'utf8'));
  const saved =
    plural(spans.length, 'span') + (traceLogs.length > 0 ? ` and ${plural(traceLogs.length, 'log record')}` : '');
  void vscode.window.showInformationMessage(
    `Saved ${saved} to ${vscode.workspace.asRelativePath(target)}. Open Trace File reads it back.`,
  );
}
