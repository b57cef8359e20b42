/**
 * A call to a VS Code language model, which no gateway sees, recorded from its streamed text parts: under the replay's
 * root span, linked to the span it replays, with the gateway's attributes (TTFT from the first text part, estimated
 * tokens, the answer) and a scope the store does not take for the gateway's.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { SERVICE_NAME } from '../../src/core/model';
import { LANGUAGE_MODEL_SCOPE, LanguageModelCallRecorder } from '../../src/core/modelRoutes/languageModelCall';
import type { ModelRequest } from '../../src/core/modelRoutes/modelRequest';
import { callTraceSpans, newCallTrace } from '../../src/core/modelRoutes/tracedCall';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { isGatewaySpan } from '../../src/core/semantics/gateway';
import { TraceStore } from '../../src/core/store/traceStore';

const REQUEST: ModelRequest = {
  provider: 'openai',
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Capital of France?' },
  ],
  parameters: {},
  tools: [],
};
const OPTIONS = {
  service: 'ai-trace-lens replay',
  scope: 'ai-trace-lens.replay',
  name: 'replay chat gpt-4o',
  linkTo: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), attribute: 'ai_trace_lens.replay.of' },
};

describe('a VS Code language model call', () => {
  it('is recorded with TTFT from its first text part, its tokens, answer and link, under the root span', async () => {
    const trace = newCallTrace();
    const recorder = new LanguageModelCallRecorder({ vendor: 'copilot', model: 'gpt-4o' }, REQUEST, true);
    await sleep(30);
    recorder.text('Paris');
    await sleep(20);
    recorder.text(', of course.');
    assert.equal(recorder.answer, 'Paris, of course.');
    const call = recorder.finish(
      { traceId: trace.traceId, spanId: trace.rootSpanId },
      { input: 12, output: 4 },
      undefined,
    );
    const spans = callTraceSpans(trace, OPTIONS, call, undefined);
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest(spans);

    const stored = store.getTrace(trace.traceId)!.getSpan(call.spanId)!;
    assert.equal(stored.span.parentSpanId, trace.rootSpanId);
    assert.equal(stored.span.scope.name, LANGUAGE_MODEL_SCOPE);
    assert.equal(isGatewaySpan(stored.span), false, 'no app call is looked for under it');
    assert.equal(stored.span.resource.attributes.get(SERVICE_NAME), 'ai-trace-lens replay');
    assert.equal(stored.span.attributes.get('ai_trace_lens.replay.of'), 'd'.repeat(16));
    assert.equal(stored.span.attributes.get('gen_ai.provider.name'), 'copilot');
    assert.equal(stored.span.attributes.get(GatewayAttributes.outputTokensEstimated), true);
    assert.equal(stored.span.attributes.has('server.address'), false);
    const info = analyzeSpan(stored.span);
    assert.equal(info.kind, 'llm');
    assert.equal(info.requestModel, 'gpt-4o');
    assert.deepEqual([info.inputTokens, info.outputTokens], [12, 4]);
    assert.ok(info.ttftMs !== undefined && info.ttftMs >= 25, `TTFT ${info.ttftMs} ms`);
    const output = stored.span.attributes.get('gen_ai.output.messages');
    assert.equal(typeof output, 'string');
    assert.deepEqual(JSON.parse(output as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Paris, of course.' }] },
    ]);
  });

  it('records a failure on both spans', () => {
    const trace = newCallTrace();
    const recorder = new LanguageModelCallRecorder({ vendor: 'copilot', model: 'gpt-4o' }, REQUEST, false);
    const failure = { type: 'NoPermissions', message: 'The user did not allow the extension to use the model.' };
    const call = recorder.finish({ traceId: trace.traceId, spanId: trace.rootSpanId }, {}, failure);
    const [root, child] = callTraceSpans(trace, OPTIONS, call, failure.message);
    assert.equal(child?.attributes.get('error.type'), 'NoPermissions');
    assert.equal(child?.attributes.has('gen_ai.input.messages'), false, 'content is recorded only when allowed');
    assert.equal(root?.status.message, failure.message);
    assert.deepEqual(
      root?.links.map((link) => link.spanId),
      ['d'.repeat(16)],
    );
  });
});
