/**
 * A trace for the e2e tests of what runs on a recorded model call (Replay, judge evaluation): a root span and, under
 * it, an OTel GenAI chat call that recorded its system instructions, its question and, if given, its answer.
 */
import { randomBytes } from 'node:crypto';

export const RECORDED_ROOT = 'plan trip';
export const RECORDED_CALL = 'chat gpt-4o-mini';

export interface RecordedMessages {
  readonly system: string;
  readonly question: string;
  readonly answer?: string;
}

/** The OTLP/JSON body of a new trace (new ids, ended a moment ago) whose call recorded `messages`. */
export function recordedCallTrace({ system, question, answer }: RecordedMessages): string {
  const traceId = randomBytes(16).toString('hex');
  const rootId = randomBytes(8).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const message = (role: string, content: string) => ({ role, parts: [{ type: 'text', content }] });
  const span = (spanId: string, name: string, extra: object) => ({
    traceId,
    spanId,
    name,
    startTimeUnixNano: String(now - 900_000_000n),
    endTimeUnixNano: String(now - 100_000_000n),
    ...extra,
  });
  const output =
    answer === undefined ? [] : [text('gen_ai.output.messages', JSON.stringify([message('assistant', answer)]))];
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [text('service.name', 'travel-app')] },
        scopeSpans: [
          {
            scope: { name: 'ai-trace-lens-e2e' },
            spans: [
              span(rootId, RECORDED_ROOT, { kind: 1 }),
              span(randomBytes(8).toString('hex'), RECORDED_CALL, {
                kind: 3,
                parentSpanId: rootId,
                attributes: [
                  text('gen_ai.operation.name', 'chat'),
                  text('gen_ai.provider.name', 'openai'),
                  text('gen_ai.request.model', 'gpt-4o-mini'),
                  text('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: system }])),
                  text('gen_ai.input.messages', JSON.stringify([message('user', question)])),
                  ...output,
                ],
              }),
            ],
          },
        ],
      },
    ],
  });
}
