/**
 * The findings of the stored traces, kept live for every feature (services.findings): the store's changes of a
 * burst merged and applied to the FindingsIndex once per debounce, and every trace evaluated again when the finding
 * settings or the user's prices change. The Traces view reads its counts; the findings feature puts them in the Problems panel.
 */
import type * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { FindingsIndex } from '../core/findings/findingsIndex';
import type { ModelServerStore } from '../core/modelServers/modelServerStore';
import type { TraceStore } from '../core/store/traceStore';
import type { StoreChange } from '../core/store/types';
import { DisposableStore } from './disposable';
import type { SettingsService } from './settings';

/** Short enough to feel live, long enough that a busy exporter's batches are evaluated once per burst. */
const FINDINGS_DELAY_MS = 250;

export function createLiveFindings(
  store: TraceStore,
  settings: SettingsService,
  modelServers: ModelServerStore,
): { findings: FindingsIndex; disposable: vscode.Disposable } {
  const disposables = new DisposableStore();
  // The user's prices decide which models `unpriced-model` flags; the servers' samples, `server-saturated`.
  const options = () => ({ ...settings.findings, prices: settings.prices, modelServers });
  const findings = disposables.add(new FindingsIndex(store, options()));
  let updated = new Set<string>();
  let removed = new Set<string>();
  let cleared = false;
  const debouncer = disposables.add(
    new Debouncer(FINDINGS_DELAY_MS, () => {
      const change: StoreChange = { updated: [...updated], removed: [...removed], cleared };
      updated = new Set();
      removed = new Set();
      cleared = false;
      findings.update(change);
    }),
  );
  disposables.add(
    store.onDidChange((change) => {
      for (const traceId of change.updated) updated.add(traceId);
      for (const traceId of change.removed) removed.add(traceId);
      cleared ||= change.cleared;
      debouncer.schedule();
    }),
  );
  // Scrapes come every second while spans arrive: their samples are looked at once per debounce.
  let servers = new Set<string>();
  const serverDebouncer = disposables.add(
    new Debouncer(FINDINGS_DELAY_MS, () => {
      const targets = [...servers];
      servers = new Set();
      findings.serversChanged(targets);
    }),
  );
  disposables.add(
    modelServers.onDidChange((change) => {
      for (const target of change.targets) servers.add(target);
      serverDebouncer.schedule();
    }),
  );
  const evaluateAll = () => {
    // A full evaluation covers whatever was pending: cancel it.
    debouncer.dispose();
    updated = new Set();
    removed = new Set();
    cleared = false;
    findings.reset(options());
  };
  disposables.add(settings.onDidChange('findings', evaluateAll));
  disposables.add(settings.onDidChange('prices', evaluateAll));
  return { findings, disposable: disposables };
}
