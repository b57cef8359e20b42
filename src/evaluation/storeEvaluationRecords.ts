/**
 * Where the evaluation events this window makes go: the one path from a judge's results to the stores, so it can
 * move to the durable store (like other host-made spans and logs) in one place. The evaluation index follows the log
 * store, so the Traces view's badges and the flame graph's details update once the records are in.
 */
import type { LogRecord } from '../core/otlp/logModel';
import type { Services } from '../host/services';

export function storeEvaluationRecords(services: Services, records: readonly LogRecord[]): void {
  if (records.length > 0) services.logs.add(records);
}
