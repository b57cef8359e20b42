/**
 * Where the evaluation events this window makes go: recorded through the shared store like received logs, so they are
 * kept across reloads and shown in every window. The evaluation index follows the log store, so the Traces view's
 * badges and the flame graph's details update once the records are in.
 */
import type { LogRecord } from '../core/otlp/logModel';
import type { Services } from '../host/services';

export async function storeEvaluationRecords(services: Services, records: readonly LogRecord[]): Promise<void> {
  if (records.length > 0) await services.storage.recordLogs(records);
}
