/**
 * Findings in the Problems panel: one diagnostic per finding at the line Jump to Code resolves for its span (the
 * same navigator, so both land on the same line), its code the rule id and its related information the span's
 * details document. A finding whose span resolves to no line shows in the Traces view only. Resolution is async
 * (it may read files), so each trace's diagnostics are replaced as a whole once its findings are resolved, and a
 * resolution overtaken by a newer change of the same trace is dropped.
 */
import * as vscode from 'vscode';
import { findingMessage } from '../core/findings/present';
import type { Finding, Severity } from '../core/findings/types';
import type { ResolvedLocation } from '../core/code/resolveLocation';
import type { FindingsChange } from '../core/findings/findingsIndex';
import type { TraceRecord } from '../core/store/types';
import { OUTPUT_CHANNEL_NAME } from '../host/contributions';
import { spanDetailsUri } from '../host/documents';
import type { Services } from '../host/services';
import { describeError } from '../shared/errors';

/** The diagnostics' source, as the Problems panel shows and filters it. */
export const DIAGNOSTIC_SOURCE = OUTPUT_CHANNEL_NAME;

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** Past any line's end: the editor clamps it, so the whole line is marked without reading the file. */
const LINE_END = 1_000_000;

export class FindingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('aiTraceLens.findings');
  /** Each file's diagnostics by trace, so a trace's change rewrites only the files it touches. */
  private readonly byFile = new Map<string, { uri: vscode.Uri; traces: Map<string, vscode.Diagnostic[]> }>();
  /** The files each trace has diagnostics in. */
  private readonly filesOfTrace = new Map<string, Set<string>>();
  /**
   * The resolution in progress for each trace, by a number never reused: one that finishes after a newer one started,
   * or after its trace went, is stale. Removed traces leave no entry, so the map stays the size of the store.
   */
  private readonly generations = new Map<string, number>();
  private lastGeneration = 0;

  constructor(private readonly services: Services) {}

  /** Resolves every trace's findings again: at start, and when path mappings or workspace folders change. */
  resolveAll(): void {
    const traceIds = new Set([...this.filesOfTrace.keys(), ...this.services.findings.all().map((f) => f.traceId)]);
    this.update({ updated: [...traceIds], removed: [] });
  }

  update(change: FindingsChange): void {
    for (const traceId of change.removed) {
      this.generations.delete(traceId);
      this.replace(traceId, []);
    }
    for (const traceId of change.updated) void this.resolveTrace(traceId);
  }

  dispose(): void {
    this.collection.dispose();
  }

  private async resolveTrace(traceId: string): Promise<void> {
    const generation = ++this.lastGeneration;
    this.generations.set(traceId, generation);
    const findings = this.services.findings.forTrace(traceId);
    const trace = this.services.store.getTrace(traceId);
    const placed = trace === undefined ? [] : await Promise.all(findings.map((finding) => this.place(trace, finding)));
    if (this.generations.get(traceId) !== generation) return;
    this.generations.delete(traceId);
    this.replace(
      traceId,
      placed.filter((entry) => entry !== undefined),
    );
  }

  /** The finding's diagnostic and the file it goes in; undefined when its span resolves to no line. */
  private async place(
    trace: TraceRecord,
    finding: Finding,
  ): Promise<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined> {
    const node = trace.getSpan(finding.spanId);
    if (node === undefined) return undefined;
    let location: ResolvedLocation | undefined;
    try {
      location = await this.services.navigator.resolve(node);
    } catch (error) {
      this.services.log.warn(
        `Findings: the source of "${node.span.name}" could not be resolved: ${describeError(error)}`,
      );
      return undefined;
    }
    if (location === undefined) return undefined;
    const line = Math.max(location.line, 1) - 1;
    const column = location.column === undefined ? 0 : Math.max(location.column, 1) - 1;
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(line, column, line, LINE_END),
      findingMessage(finding),
      SEVERITIES[finding.severity],
    );
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = finding.rule;
    const spanName = node.span.name || '(unnamed span)';
    diagnostic.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(spanDetailsUri(finding.traceId, finding.spanId, spanName), new vscode.Position(0, 0)),
        `span "${spanName}" of trace "${trace.summary.rootName || finding.traceId}"`,
      ),
    ];
    return { uri: vscode.Uri.file(location.file), diagnostic };
  }

  /** Puts a trace's diagnostics in place of its previous ones, rewriting the files either touches. */
  private replace(traceId: string, placed: readonly { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[]): void {
    const touched = new Set(this.filesOfTrace.get(traceId));
    for (const key of touched) this.byFile.get(key)?.traces.delete(traceId);
    const files = new Set<string>();
    for (const { uri, diagnostic } of placed) {
      const key = uri.toString();
      files.add(key);
      touched.add(key);
      let file = this.byFile.get(key);
      if (file === undefined) {
        file = { uri, traces: new Map() };
        this.byFile.set(key, file);
      }
      let list = file.traces.get(traceId);
      if (list === undefined) {
        list = [];
        file.traces.set(traceId, list);
      }
      list.push(diagnostic);
    }
    if (files.size === 0) this.filesOfTrace.delete(traceId);
    else this.filesOfTrace.set(traceId, files);
    for (const key of touched) {
      const file = this.byFile.get(key);
      if (file === undefined) continue;
      if (file.traces.size === 0) {
        this.byFile.delete(key);
        this.collection.delete(file.uri);
      } else this.collection.set(file.uri, [...file.traces.values()].flat());
    }
  }
}
