/**
 * One flame graph panel, showing one trace. The page's HTML names the trace but carries no span data: the page posts
 * `ready`, and the host answers with the snapshot in an `init` message, whose typed arrays VS Code sends as binary (a
 * 100k-span trace inlined as JSON cost the page more to parse than to lay out and draw). Without
 * `retainContextWhenHidden` a hidden page is destroyed and reloaded from the same HTML when shown, so while hidden
 * nothing is posted: the reloaded page says `ready` again and gets the latest snapshot. Everything the page sends is
 * validated.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { serializeTrace } from '../core/flame/snapshot';
import { spanDetailsOf } from '../core/flame/spanDetails';
import type { FindingsChange } from '../core/findings/findingsIndex';
import { callServerState } from '../core/modelServers/callServerState';
import type { SpanNode, StoreChange } from '../core/store/types';
import { runOnSpan } from '../host/commandTarget';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import { showSpanDetails } from '../host/documents';
import type { Services } from '../host/services';
import { messageHtml, webviewHtml } from '../host/webviewHtml';
import { connectPanel, parsePageMessage, postToPage, type PanelEvents } from '../host/webviewPanel';
import { describeError } from '../shared/errors';
import { parseFromWebview, type FromWebview, type ToWebview } from '../shared/protocol';
import { lanesFingerprint, serverLanesIn, STALE_AFTER_MS } from './serverLanes';

const UPDATE_DELAY_MS = 150;
const GONE = 'This span is no longer held: the traces were cleared or its trace was evicted.';
/** The element the page reads its trace id from (webview/main.ts). */
const INIT_ELEMENT_ID = 'ai-trace-lens-init';

/**
 * What the page shows once ready: nothing before its `init`, the trace at `version`, or that the trace left the store
 * (after showing it, when `initialized`: the page keeps its last state under a banner).
 */
type Shown =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'trace'; readonly version: number }
  | { readonly kind: 'removed'; readonly initialized: boolean };

/**
 * The page the panel holds:
 * - `missing`: a message that the store lost the trace, with no script; replaced by the flame graph once it is back;
 * - `loading`: the flame graph loading, or reloading after it was hidden: nothing is posted to it until `ready`;
 * - `ready`: a visible page that said `ready`. Each `ready` starts a new one, so a reply goes only to the page that
 *   asked, never to one reloaded meanwhile (whose request ids start again).
 */
type PageState = { readonly kind: 'missing' } | { readonly kind: 'loading' } | { readonly kind: 'ready'; shown: Shown };

export function panelTitle(rootName: string): string {
  return `Flame: ${rootName || '(unnamed trace)'}`;
}

export class FlamePanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  private page: PageState = { kind: 'loading' };
  /** A selection to post once the page is ready (with `init`, or as `select`). */
  private pendingSelect: string | undefined;
  private detached = false;
  private readonly updater = new Debouncer(UPDATE_DELAY_MS, () => this.syncTrace());
  private readonly logsNotifier = new Debouncer(UPDATE_DELAY_MS, () => this.notifyLogs());
  private readonly evaluationsNotifier = new Debouncer(UPDATE_DELAY_MS, () => this.postEvaluations());
  private readonly lanesNotifier = new Debouncer(UPDATE_DELAY_MS, () => {
    this.postLanes();
    this.postSpanModelServer();
  });
  /** What the page last got of the model-server lanes (`lanesFingerprint`), so that unchanged lanes are not re-sent. */
  private postedLanes: string | undefined;
  /** The span whose details the page last asked for (its selection), and the model-server line it last got for it. */
  private detailsShown: { spanId: string; modelServer: string | undefined } | undefined;
  /**
   * Price setting changes since the panel opened: added to the trace's version, since the page takes only a newer
   * snapshot and new prices change the header of the same trace version.
   */
  private repricings = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly traceId: string,
    private readonly services: Services,
    selectedSpanId: string | undefined,
  ) {
    const events: PanelEvents = {
      receive: (raw) => this.receive(raw),
      closed: () => this.dispose(),
      hidden: () => {
        // The reloaded page announces itself with `ready`.
        if (this.page.kind === 'ready') this.page = { kind: 'loading' };
      },
    };
    for (const subscription of connectPanel(panel, services.context.extensionUri, events)) {
      this.disposables.add(subscription);
    }
    this.disposables.add(services.store.onDidChange((change) => this.onStoreChange(change)));
    this.disposables.add(
      services.settings.onDidChange('prices', () => {
        this.repricings++;
        this.updater.schedule();
      }),
    );
    this.disposables.add(services.findings.onDidChange((change) => this.onFindingsChange(change)));
    this.disposables.add(
      services.evaluations.onDidChange((change) => {
        if (change.updated.includes(traceId)) this.evaluationsNotifier.schedule();
      }),
    );
    // Scrapes arrive every second or so: the lanes and the selected call's server line are read again, and posted only
    // when they changed.
    this.disposables.add(services.modelServers.onDidChange(() => this.lanesNotifier.schedule()));
    this.disposables.add(
      services.logs.onDidChange((change) => {
        if (change.cleared || change.updatedTraces.includes(traceId)) this.logsNotifier.schedule();
      }),
    );
    this.pendingSelect = selectedSpanId;
    this.render();
  }

  /** Shows the panel where it is and selects `spanId` in it. */
  reveal(spanId: string | undefined): void {
    this.panel.reveal(undefined, false);
    if (spanId !== undefined) {
      this.pendingSelect = spanId;
      this.flushPending();
    }
  }

  /** Closes the panel. */
  dispose(): void {
    this.detach();
    this.panel.dispose();
  }

  /** Stops listening, leaving the panel open (on deactivation, so that a reload restores it). */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.updater.dispose();
    this.logsNotifier.dispose();
    this.evaluationsNotifier.dispose();
    this.lanesNotifier.dispose();
    this.disposables.dispose();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
  }

  /** Writes the page: the flame graph, which asks for the trace once loaded, or a message when the store lost it. */
  private render(): void {
    const trace = this.services.store.getTrace(this.traceId);
    if (trace === undefined) {
      this.page = { kind: 'missing' };
      this.panel.title = 'Flame: trace not available';
      this.panel.webview.html = messageHtml(
        `Trace ${this.traceId} is no longer held by AI Trace Lens: the traces were cleared, the trace was evicted, ` +
          'or VS Code was reloaded (traces are kept in memory only). This panel shows the flame graph again if the ' +
          'trace is received again.',
      );
      return;
    }
    this.page = { kind: 'loading' };
    this.panel.title = panelTitle(trace.summary.rootName);
    this.panel.webview.html = webviewHtml({
      webview: this.panel.webview,
      extensionUri: this.services.context.extensionUri,
      title: this.panel.title,
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['media', 'flame.css'],
      ],
      // @vscode-elements finds the codicon font through the stylesheet with this id.
      firstStyleId: 'vscode-codicon-stylesheet',
      script: ['dist', 'webview.js'],
      data: { id: INIT_ELEMENT_ID, value: { traceId: this.traceId } },
    });
  }

  private onStoreChange(change: StoreChange): void {
    if (change.cleared || change.removed.includes(this.traceId) || change.updated.includes(this.traceId)) {
      this.updater.schedule();
    }
  }

  /** Sends a page showing the trace its findings again when a change concerns it (other traces' are never sent). */
  private onFindingsChange(change: FindingsChange): void {
    if (change.updated.includes(this.traceId) || change.removed.includes(this.traceId)) this.postFindings();
  }

  private postFindings(): void {
    if (this.page.kind !== 'ready' || this.page.shown.kind !== 'trace') return;
    const findings = this.services.findings
      .forTrace(this.traceId)
      .map(({ spanId, rule, severity, message, hint }) => ({ spanId, rule, severity, message, hint }));
    this.post({ type: 'findings', traceId: this.traceId, findings });
  }

  /** Sends a page showing the trace its evaluations, as plain fields (the page sets them as text). */
  private postEvaluations(): void {
    if (this.page.kind !== 'ready' || this.page.shown.kind !== 'trace') return;
    const evaluations = this.services.evaluations
      .forTrace(this.traceId)
      .map(({ spanId, name, score, label, explanation }) => ({ spanId, name, score, label, explanation }));
    this.post({ type: 'evaluations', traceId: this.traceId, evaluations });
  }

  /** Sends a page showing the trace the model-server lanes of its time window, unless the page has them already. */
  private postLanes(): void {
    if (this.page.kind !== 'ready' || this.page.shown.kind !== 'trace') return;
    const summary = this.services.store.getTrace(this.traceId)?.summary;
    if (summary === undefined) return;
    const lanes = serverLanesIn(this.services.modelServers, summary.startTimeUnixNano, summary.endTimeUnixNano);
    const fingerprint = lanesFingerprint(lanes);
    if (fingerprint === this.postedLanes) return;
    this.postedLanes = fingerprint;
    this.post({ type: 'modelServers', traceId: this.traceId, lanes, staleAfterMs: STALE_AFTER_MS });
  }

  /** Sends the selected call's model-server line when samples changed it since its details were sent. */
  private postSpanModelServer(): void {
    const shown = this.detailsShown;
    if (this.page.kind !== 'ready' || this.page.shown.kind !== 'trace' || shown === undefined) return;
    const node = this.services.store.getTrace(this.traceId)?.getSpan(shown.spanId);
    if (node === undefined) return;
    const { modelServer } = modelServerOf(node, this.services);
    if (modelServer === shown.modelServer) return;
    shown.modelServer = modelServer;
    this.post({
      type: 'spanModelServer',
      traceId: this.traceId,
      spanId: shown.spanId,
      modelServer: modelServer ?? null,
    });
  }

  /** Tells a page showing the trace that its logs changed: the logs are not in the snapshot, so no update says it. */
  private notifyLogs(): void {
    if (this.page.kind === 'ready' && hasShownTrace(this.page.shown)) {
      this.post({ type: 'logsChanged', traceId: this.traceId });
    }
  }

  /** Brings the page up to the store: an update when the trace changed, `traceRemoved` when it left. */
  private syncTrace(): void {
    const trace = this.services.store.getTrace(this.traceId);
    if (this.page.kind === 'missing') {
      if (trace !== undefined) this.render();
      return;
    }
    if (this.page.kind !== 'ready') return;
    const { shown } = this.page;
    if (trace === undefined) {
      if (shown.kind !== 'removed') {
        this.page.shown = { kind: 'removed', initialized: hasShownTrace(shown) };
        this.post({ type: 'traceRemoved', traceId: this.traceId });
      }
      return;
    }
    const version = trace.summary.version + this.repricings;
    if (shown.kind === 'trace' && shown.version === version) return;
    const snapshot = { ...serializeTrace(trace, this.services.prices.traceCostInfo(trace)), version };
    this.panel.title = panelTitle(trace.summary.rootName);
    this.page.shown = { kind: 'trace', version: snapshot.version };
    if (hasShownTrace(shown)) {
      this.post({ type: 'update', traceId: this.traceId, snapshot });
      // The trace's window may have grown, or started earlier (the lanes' times count from its start).
      this.postLanes();
      return;
    }
    this.post({ type: 'init', traceId: this.traceId, snapshot, selectedSpanId: this.pendingSelect ?? null });
    this.pendingSelect = undefined;
    this.postFindings();
    this.postEvaluations();
    // A new page has no lanes yet, whatever the page before it had.
    this.postedLanes = undefined;
    this.postLanes();
  }

  private flushPending(): void {
    if (this.page.kind !== 'ready') return;
    this.syncTrace();
    if (this.pendingSelect !== undefined && this.page.shown.kind !== 'removed') {
      this.post({ type: 'select', traceId: this.traceId, spanId: this.pendingSelect });
    }
    this.pendingSelect = undefined;
  }

  private post(message: ToWebview): void {
    postToPage(this.panel.webview, message, this.services.log, 'Flame graph: a message to the page was not delivered');
  }

  private receive(raw: unknown): void {
    const message = parsePageMessage(raw, parseFromWebview, this.services.log, 'Flame graph');
    if (message === undefined || message.traceId !== this.traceId) return;
    this.handle(message).catch((error: unknown) => {
      this.services.log.error(`Flame graph: handling "${message.type}" failed: ${describeError(error)}`);
    });
  }

  private async handle(message: FromWebview): Promise<void> {
    const { store, logs, navigator, tracesView, log } = this.services;
    const page = this.page;
    const reply = (response: ToWebview) => {
      if (page.kind === 'ready' && this.page === page) this.post(response);
    };
    switch (message.type) {
      case 'ready':
        if (page.kind === 'missing') return;
        // A new page (first load, or reloaded after being hidden) shows nothing until its `init`.
        this.page = this.panel.visible ? { kind: 'ready', shown: { kind: 'nothing' } } : { kind: 'loading' };
        this.detailsShown = undefined;
        this.flushPending();
        return;
      case 'selectSpan':
        await tracesView.revealSpan(message.traceId, message.spanId);
        return;
      case 'openSpanDetails': {
        const node = store.getTrace(message.traceId)?.getSpan(message.spanId);
        if (node === undefined) return;
        await showSpanDetails(message.traceId, message.spanId, node.span.name, { preserveFocus: false });
        return;
      }
      case 'replaySpan':
        // Replay and evaluation are their own features: reached through their commands.
        await runOnSpan(Commands.replayLlmCall, message);
        return;
      case 'evaluateSpan':
        await runOnSpan(Commands.evaluateWithJudge, message);
        return;
      case 'requestSpanDetails': {
        const node = store.getTrace(message.traceId)?.getSpan(message.spanId);
        const { requestId } = message;
        if (node === undefined) {
          reply({ type: 'spanDetails', traceId: this.traceId, requestId, ok: false, error: GONE });
          return;
        }
        const server = modelServerOf(node, this.services);
        if (page === this.page) this.detailsShown = { spanId: message.spanId, modelServer: server.modelServer };
        const details = spanDetailsOf(
          node,
          logs.forSpan(message.traceId, message.spanId),
          this.services.prices.spanCost(node.ai),
        );
        reply({ type: 'spanDetails', traceId: this.traceId, requestId, ok: true, result: { ...details, ...server } });
        return;
      }
      case 'jumpToCode': {
        const node = store.getTrace(message.traceId)?.getSpan(message.spanId);
        const { requestId } = message;
        if (node === undefined) {
          reply({ type: 'jumpToCodeResult', traceId: this.traceId, requestId, ok: false, error: GONE });
          return;
        }
        const viewColumn = this.codeColumn(message.toSide);
        const result = await navigator.jumpToSpan(node, { viewColumn, spanName: node.span.name || '(unnamed span)' });
        reply({ type: 'jumpToCodeResult', traceId: this.traceId, requestId, ok: true, result });
        return;
      }
      case 'reportError':
        log.warn(`Flame graph page error: ${message.message}`);
        return;
    }
  }

  /**
   * Where code opens from the panel: beside it on request (Alt), else in the column of a visible editor other than the
   * panel's (where the code usually is, since the panel opened beside it), else beside.
   */
  private codeColumn(toSide: boolean): vscode.ViewColumn {
    if (toSide) return vscode.ViewColumn.Beside;
    const own = this.panel.viewColumn;
    const code = vscode.window.visibleTextEditors.find(
      (editor) => editor.viewColumn !== undefined && editor.viewColumn !== own,
    );
    return code?.viewColumn ?? vscode.ViewColumn.Beside;
  }
}

/** Whether the page got its `init`: later snapshots then go as `update`, and the logs it shows can change. */
function hasShownTrace(shown: Shown): boolean {
  return shown.kind === 'trace' || (shown.kind === 'removed' && shown.initialized);
}

/** An LLM call's model-server line for the details: its server's state during the prefill, and the server's name. */
function modelServerOf(node: SpanNode, { modelServers, settings }: Services): { modelServer?: string } {
  const found = node.ai.kind === 'llm' ? callServerState(node, modelServers) : undefined;
  if (found === undefined) return {};
  const during = found.prefill ? '' : ' (during the call: no first token recorded)';
  const server = settings.modelServers.find((target) => target.url === found.target)?.name ?? found.target;
  return { modelServer: `${found.state.text}${during} · ${server}` };
}
