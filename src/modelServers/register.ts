/**
 * The model-server feature's host side: the configured targets scraped in the window that leads (it owns the durable
 * store, or keeps its traces in memory alone), each scrape taken as the receivers take a metrics request; the
 * scrapers go fast while spans arrive; a failing target said once in the log and in a warning; and servers that LLM
 * spans or the gateway's upstreams name offered once when they answer with Prometheus metrics.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { ModelServerDiscovery } from '../core/modelServers/discoveryOffers';
import { SCRAPE_TIMEOUT_MS, scrapeOnce } from '../core/modelServers/scraper';
import { ScrapeSupervisor } from '../core/modelServers/scrapeSupervisor';
import type { AttributeMap } from '../core/model';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

/** globalState key: the metrics URLs the user said not to be asked about again. */
const DECLINED_KEY = 'aiTraceLens.modelServers.declined';
/** New traces are looked at for servers to discover at most this often. */
const DISCOVERY_DELAY_MS = 1000;

export function register(services: Services): vscode.Disposable {
  const { settings, storage, store, receiver, log, context } = services;
  const disposables = new DisposableStore();
  const supervisor = new ScrapeSupervisor({
    record: (request) => receiver.acceptMetrics(request),
    log,
    onFailure: (_target, message) => void showFailure(message, log),
  });
  disposables.add({ dispose: () => supervisor.dispose() });
  const leads = () => storage.role === 'owner' || storage.role === 'memory';
  const follow = () => {
    supervisor.setTargets(settings.modelServers);
    supervisor.setLeading(leads());
  };
  follow();
  disposables.add(settings.onDidChange('modelServers', follow));
  disposables.add(storage.onDidChange(follow));

  const declined = () => context.globalState.get<string[]>(DECLINED_KEY, []);
  const discovery = new ModelServerDiscovery({
    configured: () => settings.modelServers.map((target) => target.url),
    declined: (url) => declined().includes(url),
    probe: async (url) => (await scrapeOnce(new URL(url), SCRAPE_TIMEOUT_MS), true),
    offer: (url) => void offerServer(url),
  });
  const offerServer = async (url: string) => {
    const add = 'Add';
    const never = "Don't Ask Again";
    const answer = await vscode.window.showInformationMessage(
      `A model server answers with Prometheus metrics at ${url}. Add it to aiTraceLens.modelServers, to see its ` +
        'queue, KV cache and GPU beside your traces?',
      add,
      never,
    );
    if (answer === add) await settings.addModelServer(url);
    else if (answer === never) await context.globalState.update(DECLINED_KEY, [...declined(), url]);
  };
  let updated = new Set<string>();
  const discover = disposables.add(
    new Debouncer(DISCOVERY_DELAY_MS, () => {
      const traceIds = updated;
      updated = new Set();
      if (!leads()) return;
      const spans: AttributeMap[] = [];
      for (const traceId of traceIds) {
        const trace = store.getTrace(traceId);
        if (trace === undefined || trace.summary.callCounts.llm === 0) continue;
        for (const node of trace.spans()) if (node.ai.kind === 'llm') spans.push(node.span.attributes);
      }
      const upstreams = Object.values(settings.gateway.upstreams).filter((url) => url !== undefined);
      void discovery.consider(spans, upstreams);
    }),
  );
  disposables.add(
    store.onDidChange((change) => {
      if (change.updated.length === 0) return;
      supervisor.active();
      for (const traceId of change.updated) updated.add(traceId);
      discover.schedule();
    }),
  );
  return disposables;
}

/** A target that fails is said once, with the way to the log. */
async function showFailure(message: string, log: vscode.LogOutputChannel): Promise<void> {
  const showLog = 'Show Log';
  if ((await vscode.window.showWarningMessage(`AI Trace Lens: ${message}`, showLog)) === showLog) log.show();
}
