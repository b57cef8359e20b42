/**
 * A call an app sent through the gateway, replayed: the gateway (content recorded) keeps the body on its span, and
 * Replay LLM Call… with an edited system prompt sends the fake OpenAI-compatible server that same body, every field the
 * app set intact and only the system message changed; unedited, the server receives exactly what the app sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import type { Span } from '../../src/core/model';
import type { HttpModelRoute } from '../../src/core/modelRoutes/routes';
import type { TracedCallContext } from '../../src/core/modelRoutes/tracedCall';
import { buildReplayDocument } from '../../src/core/replay/buildDocument';
import { runReplay } from '../../src/core/replay/runReplay';
import { FakeModelServer } from '../support/fakeModelServer';

const APP_BODY = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    },
  ],
  tool_choice: 'none',
  response_format: { type: 'json_object' },
  logit_bias: { '50256': -100 },
  user: 'app-user-7',
  stream: true,
  stream_options: { include_usage: true },
};

describe('replaying a call the gateway recorded', () => {
  const server = new FakeModelServer({ answers: ['{"answer":"a cat"}'] });
  const spans: Span[] = [];
  let gateway: AiGateway;
  let gatewayUrl: string;
  let route: HttpModelRoute;
  const context: TracedCallContext = { onSpans: () => undefined, recordContent: true, proxy: undefined };

  before(async () => {
    const upstream = await server.start();
    route = { kind: 'endpoint', url: upstream, model: undefined, apiKey: 'sk-test' };
    gateway = new AiGateway({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      upstreams: { openai: upstream },
      recordContent: true,
      proxy: undefined,
      onSpan: (span) => void spans.push(span),
    });
    const { port } = await gateway.start();
    gatewayUrl = `http://127.0.0.1:${port}/openai`;
  });
  after(async () => {
    await gateway.stop();
    await server.stop();
  });

  async function appCall(): Promise<Span> {
    const response = await fetch(`${gatewayUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-app-secret' },
      body: JSON.stringify(APP_BODY),
    });
    await response.text();
    // Stopping waits for the calls in flight to be recorded.
    await gateway.stop();
    assert.equal(spans.length, 1, 'the gateway recorded the call');
    return spans[0]!;
  }

  it('sends the app’s body, unchanged unedited and with only the system prompt changed when edited', async () => {
    const span = await appCall();
    assert.equal(server.requests.at(-1)?.body.user, 'app-user-7', 'the app’s call went through');
    const built = buildReplayDocument(span);
    assert.ok('document' in built, 'error' in built ? built.error : '');
    assert.doesNotMatch(JSON.stringify(built.document), /sk-app-secret/);

    await runReplay(built.document, route, context);
    assert.deepEqual(server.requests.at(-1)?.body, APP_BODY);

    const edited = {
      ...built.document,
      messages: [{ role: 'system' as const, content: 'Describe at length.' }, ...built.document.messages.slice(1)],
    };
    const result = await runReplay(edited, route, context);
    assert.equal(result.error, undefined);
    assert.deepEqual(server.requests.at(-1)?.body, {
      ...APP_BODY,
      messages: [{ role: 'system', content: 'Describe at length.' }, APP_BODY.messages[1]],
    });
  });
});
