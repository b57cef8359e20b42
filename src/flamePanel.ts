/**
 * Flame graph panels: one webview panel per trace, opened beside the code and reused when the same trace is opened
 * again. The page's HTML names the trace but carries no span data: the page posts `ready`, and the host answers with
 * the snapshot in an `init` message, whose typed arrays VS Code sends as binary (a 100k-span trace inlined as JSON
 * cost the page more to parse than to lay out and draw). Without `retainContextWhenHidden` a hidden page is destroyed
 * and reloaded from the same HTML when shown, so while hidden nothing is posted: the reloaded page says `ready` again
 * and gets the latest snapshot. Everything the page sends is validated.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CodeNavigator } from './codeNavigation';
import { FLAME_GRAPH_VIEW_TYPE } from './contributions';
import { Debouncer } from './core/debounce';
import { serializeTrace } from './core/flame/snapshot';
import { escapeHtml, inlineJson } from './core/html';
import { nanosToMillis } from './core/model';
import { eventNameOf, recordTimeOf, severityLabelOf, type LogRecord } from './core/otlp/logModel';
import { attributeValueText, displayAttributes } from './core/spanDetailsText';
import type { LogStore } from './core/store/logStore';
import type { TraceStore } from './core/store/traceStore';
import type { SpanNode, StoreChange } from './core/store/types';
import { extractTranscript } from './core/transcript';
import { DisposableStore } from './disposable';
import { describeError } from './receiverController';
import { parseFromWebview, type FromWebview, type SpanDetails, type ToWebview } from './shared/protocol';
import { showSpanDetails } from './spanDetails';
import type { TracesView } from './tracesTree';

const UPDATE_DELAY_MS = 150;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const GONE = 'This span is no longer held: the traces were cleared or its trace was evicted.';

export interface FlamePanelContext {
  readonly extensionUri: vscode.Uri;
  readonly store: TraceStore;
  /** Log records joined to their spans by id. */
  readonly logs: LogStore;
  readonly navigator: CodeNavigator;
  readonly tracesView: TracesView;
  readonly log: vscode.LogOutputChannel;
}

function panelTitle(rootName: string): string {
  return `Flame: ${rootName || '(unnamed trace)'}`;
}

/**
 * Builds span details for the page: attribute values as display text, plus the conversation for LLM spans and the
 * span's log records (`logs`, by time).
 */
export function spanDetailsOf(node: SpanNode, logs: readonly LogRecord[] = []): SpanDetails {
  const { span } = node;
  const transcript = extractTranscript(span, logs);
  return {
    spanId: span.spanId,
    attributes: displayAttributes(span.attributes),
    resource: displayAttributes(span.resource.attributes),
    events: [...span.events]
      .sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0))
      .map((event) => ({
        name: event.name,
        offsetMs: nanosToMillis(event.timeUnixNano - span.startTimeUnixNano),
        attributes: displayAttributes(event.attributes),
      })),
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(logs.length > 0
      ? {
          logs: logs.map((record) => ({
            offsetMs: nanosToMillis(recordTimeOf(record) - span.startTimeUnixNano),
            severity: severityLabelOf(record),
            event: eventNameOf(record),
            body: record.body === null ? '' : attributeValueText(record.body),
            attributes: displayAttributes(record.attributes),
          })),
        }
      : {}),
  };
}

/** One panel showing one trace. */
class FlamePanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  /** The current page has said `ready` and is visible, so posted messages reach it. */
  private ready = false;
  /** The trace version the current page shows (last posted). */
  private shownVersion: number | undefined;
  private shownRemoved = false;
  /** The HTML is the flame graph page (false: the missing-trace page, which has no script). */
  private flamePage = false;
  /** The current page got its `init`: later snapshots go as `update`. */
  private pageHasTrace = false;
  /**
   * Counts pages (each `ready` starts one): a reply is posted only to the page that asked, never to a page reloaded
   * meanwhile, whose request ids start again.
   */
  private page = 0;
  /** A selection to post once the page is ready (with `init`, or as `select`). */
  private pendingSelect: string | undefined;
  private detached = false;
  private readonly updater = new Debouncer(UPDATE_DELAY_MS, () => this.syncTrace());
  private readonly logsNotifier = new Debouncer(UPDATE_DELAY_MS, () => this.notifyLogs());

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly traceId: string,
    private readonly context: FlamePanelContext,
    selectedSpanId: string | undefined,
  ) {
    const { extensionUri } = context;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        // A hidden page is destroyed; the reloaded one announces itself with `ready`.
        if (!panel.visible) this.ready = false;
      }),
    );
    this.disposables.add(context.store.onDidChange((change) => this.onStoreChange(change)));
    this.disposables.add(
      context.logs.onDidChange((change) => {
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
    this.disposables.dispose();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
  }

  /** Writes the page: the flame graph, which asks for the trace once loaded, or a message when the store lost it. */
  private render(): void {
    const trace = this.context.store.getTrace(this.traceId);
    this.ready = false;
    this.shownVersion = undefined;
    this.pageHasTrace = false;
    if (trace === undefined) {
      this.panel.title = 'Flame: trace not available';
      this.panel.webview.html = missingTraceHtml(this.traceId);
      this.flamePage = false;
      this.shownRemoved = true;
      return;
    }
    this.panel.title = panelTitle(trace.summary.rootName);
    this.flamePage = true;
    this.shownRemoved = false;
    this.panel.webview.html = this.pageHtml(inlineJson({ traceId: this.traceId }));
  }

  private pageHtml(initJson: string): string {
    const webview = this.panel.webview;
    const { extensionUri } = this.context;
    const nonce = randomBytes(16).toString('base64');
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
    const styles = [asset('dist', 'codicons', 'codicon.css'), asset('media', 'flame.css')];
    if (existsSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css').fsPath))
      styles.push(asset('dist', 'webview.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    // @vscode-elements finds the codicon font through the stylesheet with this id.
    const links = styles.map((href, index) => {
      const id = index === 0 ? ' id="vscode-codicon-stylesheet"' : '';
      return `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(href)}"${id}>`;
    });
    return [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="UTF-8">',
      `<meta http-equiv="Content-Security-Policy" content="${csp};">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
      ...links,
      `<title>${escapeHtml(this.panel.title)}</title>`,
      '</head>',
      '<body>',
      '<div id="app"></div>',
      `<script type="application/json" id="ai-trace-lens-init" nonce="${nonce}">${initJson}</script>`,
      `<script nonce="${nonce}" src="${escapeHtml(asset('dist', 'webview.js'))}"></script>`,
      '</body>',
      '</html>',
    ].join('\n');
  }

  private onStoreChange(change: StoreChange): void {
    if (change.cleared || change.removed.includes(this.traceId) || change.updated.includes(this.traceId)) {
      this.updater.schedule();
    }
  }

  /** Tells a page showing the trace that its logs changed: the logs are not in the snapshot, so no update says it. */
  private notifyLogs(): void {
    if (this.flamePage && this.ready && this.pageHasTrace) this.post({ type: 'logsChanged', traceId: this.traceId });
  }

  /** Brings the page up to the store: an update when the trace changed, `traceRemoved` when it left. */
  private syncTrace(): void {
    const trace = this.context.store.getTrace(this.traceId);
    // The missing-trace page has no script: it is replaced by the flame graph once the trace arrives again.
    if (!this.flamePage) {
      if (trace !== undefined) this.render();
      return;
    }
    if (!this.ready) return;
    if (trace === undefined) {
      if (!this.shownRemoved) {
        this.shownRemoved = true;
        this.shownVersion = undefined;
        this.post({ type: 'traceRemoved', traceId: this.traceId });
      }
      return;
    }
    if (trace.summary.version === this.shownVersion && !this.shownRemoved) return;
    const snapshot = serializeTrace(trace);
    this.panel.title = panelTitle(trace.summary.rootName);
    this.shownVersion = snapshot.version;
    this.shownRemoved = false;
    if (this.pageHasTrace) {
      this.post({ type: 'update', traceId: this.traceId, snapshot });
      return;
    }
    this.pageHasTrace = true;
    this.post({ type: 'init', traceId: this.traceId, snapshot, selectedSpanId: this.pendingSelect ?? null });
    this.pendingSelect = undefined;
  }

  private flushPending(): void {
    if (!this.ready) return;
    this.syncTrace();
    if (this.pendingSelect !== undefined && !this.shownRemoved) {
      this.post({ type: 'select', traceId: this.traceId, spanId: this.pendingSelect });
    }
    this.pendingSelect = undefined;
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.context.log.warn(`Flame graph: a message to the page was not delivered: ${describeError(error)}`);
    });
  }

  private receive(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (message === undefined) {
      this.context.log.warn(`Flame graph: ignored an invalid message from the page: ${describeMessage(raw)}`);
      return;
    }
    if (message.traceId !== this.traceId) return;
    this.handle(message).catch((error: unknown) => {
      this.context.log.error(`Flame graph: handling "${message.type}" failed: ${describeError(error)}`);
    });
  }

  private async handle(message: FromWebview): Promise<void> {
    const { store, navigator, tracesView, log } = this.context;
    const page = this.page;
    const reply = (response: ToWebview) => {
      if (this.ready && this.page === page) this.post(response);
    };
    switch (message.type) {
      case 'ready':
        this.page++;
        // A new page (first load, or reloaded after being hidden) shows nothing until its `init`.
        this.ready = this.panel.visible;
        this.shownVersion = undefined;
        this.shownRemoved = false;
        this.pageHasTrace = false;
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
      case 'requestSpanDetails': {
        const node = store.getTrace(message.traceId)?.getSpan(message.spanId);
        const { requestId } = message;
        const logs = this.context.logs.forSpan(message.traceId, message.spanId);
        reply(
          node === undefined
            ? { type: 'spanDetails', traceId: this.traceId, requestId, ok: false, error: GONE }
            : { type: 'spanDetails', traceId: this.traceId, requestId, ok: true, result: spanDetailsOf(node, logs) },
        );
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

function describeMessage(raw: unknown): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 200);
  } catch {
    return String(raw).slice(0, 200);
  }
}

function missingTraceHtml(traceId: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none';">`,
    '</head>',
    '<body>',
    `<p>Trace ${escapeHtml(traceId)} is no longer held by AI Trace Lens: the traces were cleared, the trace was`,
    'evicted, or VS Code was reloaded (traces are kept in memory only). This panel shows the flame graph again if',
    'the trace is received again.</p>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** All flame graph panels, by trace, and their restoring after a reload. */
export class FlamePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, FlamePanel>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly context: FlamePanelContext) {
    this.disposables.add(vscode.window.registerWebviewPanelSerializer(FLAME_GRAPH_VIEW_TYPE, this));
  }

  /** Opens the trace's panel beside the active editor, or reveals the one already open; selects `spanId` if given. */
  open(traceId: string, spanId?: string): void {
    const existing = this.panels.get(traceId);
    if (existing !== undefined) {
      existing.reveal(spanId);
      return;
    }
    const trace = this.context.store.getTrace(traceId);
    const panel = vscode.window.createWebviewPanel(
      FLAME_GRAPH_VIEW_TYPE,
      panelTitle(trace?.summary.rootName ?? ''),
      {
        viewColumn: vscode.window.activeTextEditor === undefined ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside,
        preserveFocus: false,
      },
      { enableScripts: true },
    );
    this.attach(panel, traceId, spanId);
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const { traceId, selectedSpanId } = (typeof state === 'object' && state !== null ? state : {}) as {
      traceId?: unknown;
      selectedSpanId?: unknown;
    };
    if (typeof traceId !== 'string' || !TRACE_ID.test(traceId) || this.panels.has(traceId)) {
      // Nothing to show it with (no saved state, or that trace already has a panel).
      panel.dispose();
      return Promise.resolve();
    }
    const spanId = typeof selectedSpanId === 'string' && SPAN_ID.test(selectedSpanId) ? selectedSpanId : undefined;
    this.attach(panel, traceId, spanId);
    return Promise.resolve();
  }

  /** Stops every panel's listeners but leaves the panels open: VS Code restores them after a reload. */
  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.detach();
    this.disposables.dispose();
  }

  private attach(panel: vscode.WebviewPanel, traceId: string, spanId: string | undefined): void {
    const flame = new FlamePanel(panel, traceId, this.context, spanId);
    this.panels.set(traceId, flame);
    flame.onDidDispose(() => {
      if (this.panels.get(traceId) === flame) this.panels.delete(traceId);
    });
  }
}
