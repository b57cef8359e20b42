/**
 * Logs and metrics message schemas for unknown-field injection (`injectUnknownFields` in randomRequest.ts): each
 * message's length-delimited fields that hold messages.
 */
import type { MessageSchema } from './randomRequest';

const ANY_VALUE_SCHEMA: MessageSchema = {
  resource: { 1: 'keyValue' },
  scope: { 3: 'keyValue' },
  keyValue: { 2: 'anyValue' },
  anyValue: { 5: 'arrayValue', 6: 'keyValueList' },
  arrayValue: { 1: 'anyValue' },
  keyValueList: { 1: 'keyValue' },
};

export const LOGS_SCHEMA: MessageSchema = {
  ...ANY_VALUE_SCHEMA,
  request: { 1: 'resourceLogs' },
  resourceLogs: { 1: 'resource', 2: 'scopeLogs' },
  scopeLogs: { 1: 'scope', 2: 'logRecord' },
  logRecord: { 5: 'anyValue', 6: 'keyValue' },
};

export const METRICS_SCHEMA: MessageSchema = {
  ...ANY_VALUE_SCHEMA,
  request: { 1: 'resourceMetrics' },
  resourceMetrics: { 1: 'resource', 2: 'scopeMetrics' },
  scopeMetrics: { 1: 'scope', 2: 'metric' },
  metric: { 5: 'numbers', 7: 'numbers', 9: 'histogram', 10: 'exponentialHistogram', 11: 'summary' },
  numbers: { 1: 'numberPoint' },
  histogram: { 1: 'histogramPoint' },
  exponentialHistogram: { 1: 'exponentialPoint' },
  summary: { 1: 'summaryPoint' },
  numberPoint: { 7: 'keyValue', 5: 'exemplar' },
  histogramPoint: { 9: 'keyValue', 8: 'exemplar' },
  exponentialPoint: { 1: 'keyValue', 8: 'buckets', 9: 'buckets', 11: 'exemplar' },
  buckets: {},
  summaryPoint: { 7: 'keyValue', 6: 'quantile' },
  quantile: {},
  exemplar: { 7: 'keyValue' },
};
