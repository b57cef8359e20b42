/**
 * The Traces tree view and its header: where the receiver listens, how many traces were evicted, and whether stored
 * traces are loading or older ones wait on disk. It is what the other features see of the Traces view
 * (host/tracesViewLink.ts): its selection, and showing a trace or span.
 */
import * as vscode from 'vscode';
import { displayAddress } from '../core/endpoint';
import type { ReceiverState } from '../core/receiver/receiverSupervisor';
import type { TraceQuery } from '../core/traceql';
import { TraceFilter } from '../core/traceql/traceFilter';
import type { TraceViewRow } from '../host/commandTarget';
import { TRACES_VIEW_ID } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import type { TracesViewPort } from '../host/tracesViewLink';
import { formatCount, plural } from '../shared/format';
import { promptTraceFilter } from './filterPrompt';
import { TracesTreeProvider, type TraceGrouping, type ViewElement } from './treeProvider';

/** workspaceState key of the view's grouping, so a workspace reopens the way it was left. */
const GROUPING_STATE_KEY = 'aiTraceLens.traces.grouping';

export class TracesView implements TracesViewPort, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly provider: TracesTreeProvider;
  private readonly view: vscode.TreeView<ViewElement>;
  private filter: TraceFilter | undefined;

  constructor(private readonly services: Services) {
    const { store, receiver, settings, context, contextKeys, storage } = services;
    const grouping = context.workspaceState.get<TraceGrouping>(GROUPING_STATE_KEY) === 'session' ? 'session' : 'trace';
    contextKeys.set('groupBySession', grouping === 'session');
    this.provider = this.disposables.add(
      new TracesTreeProvider(store, grouping, services.findings, services.prices, services.evaluations),
    );
    this.disposables.add(settings.onDidChange('prices', () => this.provider.repriced()));
    this.view = this.disposables.add(
      vscode.window.createTreeView(TRACES_VIEW_ID, {
        treeDataProvider: this.provider,
        showCollapseAll: true,
        // Two selected traces are what Compare Traces compares.
        canSelectMany: true,
      }),
    );
    this.disposables.add(this.provider.onDidRefresh(() => this.updateHeader()));
    this.disposables.add(receiver.onDidChangeState(() => this.updateHeader()));
    this.disposables.add(settings.onDidChange('store', () => this.updateHeader()));
    this.disposables.add(storage.onDidChange(() => this.updateHeader()));
    this.updateHeader();
  }

  /** Lists traces one by one, or grouped by conversation; remembered per workspace. */
  async setGrouping(grouping: TraceGrouping): Promise<void> {
    this.provider.setGrouping(grouping);
    this.services.contextKeys.set('groupBySession', grouping === 'session');
    await this.services.context.workspaceState.update(GROUPING_STATE_KEY, grouping);
  }

  /** Asks for a TraceQL query (the current one to edit) and lists only the traces it matches. */
  async editFilter(): Promise<void> {
    const query = await promptTraceFilter(this.services.context.workspaceState, this.filter?.query.text);
    if (query !== undefined) this.setFilter(new TraceFilter(query));
  }

  async filterBy(query: TraceQuery): Promise<void> {
    this.setFilter(new TraceFilter(query));
    await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
  }

  /** Lists every trace again. */
  clearFilter(): void {
    this.setFilter(undefined);
  }

  get selectedRows(): readonly TraceViewRow[] {
    return this.view.selection.filter((element) => element.type !== 'session');
  }

  get selectedSessionId(): string | undefined {
    const first = this.view.selection[0];
    return first?.type === 'session' ? first.sessionId : undefined;
  }

  get onDidChangeSelection(): vscode.Event<unknown> {
    return this.view.onDidChangeSelection;
  }

  async revealTrace(traceId: string): Promise<void> {
    this.provider.flush();
    if (this.services.store.getTrace(traceId) === undefined) return;
    await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
    await this.view.reveal(this.provider.traceElement(traceId), { select: true, focus: true, expand: 2 });
  }

  async revealSpan(traceId: string, spanId: string): Promise<void> {
    if (!this.view.visible) return;
    this.provider.flush();
    const node = this.services.store.getTrace(traceId)?.getSpan(spanId);
    if (node === undefined) return;
    await this.view.reveal(this.provider.spanElement(node), { select: true, focus: false });
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private setFilter(filter: TraceFilter | undefined): void {
    this.filter = filter;
    this.provider.setFilter(filter);
    this.services.contextKeys.set('traceFilter', filter !== undefined);
    this.updateHeader();
  }

  /**
   * Where the receiver listens, how many traces the filter lets through and the span limit evicted, and whether there
   * are traces at all.
   */
  private updateHeader(): void {
    const { store, receiver, settings, contextKeys, storage } = this.services;
    this.view.description = receiverDescription(receiver.state);
    const lines: string[] = [];
    if (storage.isLoading) lines.push('Loading stored traces…');
    const counts = this.provider.filterCounts();
    if (counts !== undefined && this.filter !== undefined) {
      lines.push(`${formatCount(counts.matching)} of ${plural(counts.total, 'trace')} match ${this.filter.query.text}`);
    }
    const evicted = store.evictedTraces;
    if (evicted > 0) {
      lines.push(
        `${plural(evicted, 'oldest trace')} evicted ` +
          `(limit ${formatCount(settings.current.maxSpans)} spans, aiTraceLens.store.maxSpans)`,
      );
    }
    if (storage.hasOlderOnDisk && !storage.isLoading)
      lines.push('Older traces are on disk: Load Older Traces in the ⋯ menu');
    this.view.message = lines.length === 0 ? undefined : lines.join(' · ');
    contextKeys.set('hasTraces', store.traceCount > 0);
    contextKeys.set('olderTracesOnDisk', storage.hasOlderOnDisk);
  }
}

function receiverDescription(state: ReceiverState): string {
  switch (state.kind) {
    case 'listening':
      return displayAddress(state.host, state.port) + (state.inAnotherWindow ? ' (another window)' : '');
    case 'paused':
      return 'paused';
    case 'starting':
      return 'starting…';
    case 'failed':
      return 'not listening';
    case 'stopped':
      return 'receiver off';
  }
}
