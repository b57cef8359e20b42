/** What the HTTP receiver tests send: the body limit they configure, media types, and a span to export. */
import { jsonRequest, type TestSpan } from '../support/receiverClient';

export const LIMIT = 1024 * 1024;
export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
export const JSON_TYPE = { 'Content-Type': 'application/json' };

export const ROOT: TestSpan = { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b174', name: 'invoke_agent planner' };

export const jsonBody = (spans: TestSpan[]) => JSON.stringify(jsonRequest(spans));

/** A google.rpc.Status in JSON. */
export interface StatusJson {
  code: number;
  message: string;
}
