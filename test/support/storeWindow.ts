/**
 * A VS Code window's stores, supervisors and SharedStore over one store directory, as the extension host makes them,
 * for the tests of windows sharing a durable store.
 */
import { GatewaySupervisor } from '../../src/core/gateway/gatewaySupervisor';
import type { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { NO_LOG } from '../../src/core/receiver/options';
import { ReceiverSupervisor } from '../../src/core/receiver/receiverSupervisor';
import { SharedStore } from '../../src/core/storage/sharedStore';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';

const HOST = '127.0.0.1';
const MIB = 1024 * 1024;

export interface Window {
  storage: SharedStore;
  traces: TraceStore;
  logs: LogStore;
  receiver: ReceiverSupervisor;
  gateway: GatewaySupervisor;
  close(): Promise<void>;
}

/**
 * A window's services: its stores (with `modelServers`, the scraped samples' too), its supervisors (port 0: the OS
 * picks) and its SharedStore on `dir` (none: memory only).
 */
export function openWindow(dir: string | undefined, maxSpans = 10_000, modelServers?: ModelServerStore): Window {
  const traces = new TraceStore({ maxSpans });
  const logs = new LogStore({ maxRecords: 1000 });
  const stores = { traces, logs, metrics: new MetricStore({ maxPoints: 1000 }), modelServers };
  const receiver = new ReceiverSupervisor(stores, NO_LOG, {
    enabled: true,
    host: HOST,
    port: 0,
    grpcPort: 0,
    maxBodyBytes: MIB,
  });
  const gateway = new GatewaySupervisor(traces, NO_LOG, {
    enabled: true,
    host: HOST,
    port: 0,
    maxBodyBytes: MIB,
    recordContent: true,
    capture: false,
    upstreams: {},
    proxy: undefined,
  });
  const storage = new SharedStore({
    dir,
    stores,
    receiver,
    gateway,
    log: NO_LOG,
    bounds: { maxBytes: 64 * MIB, maxAgeMs: 24 * 60 * 60 * 1000 },
    spanBudget: () => traces.spanBound,
  });
  // As the extension deactivates: the servers stop before the store gives its lock up.
  const close = async () => {
    await Promise.all([receiver.stop(), gateway.stop()]);
    await storage.close();
  };
  return { storage, traces, logs, receiver, gateway, close };
}
