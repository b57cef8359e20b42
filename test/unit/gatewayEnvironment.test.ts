/** The base-URL variables that send model SDK calls through the gateway, and when terminals and launches get them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeGatewayVariables,
  gatewayCaptureVariables,
  gatewayVariables,
} from '../../src/core/gateway/environment';
import { mergeLaunchEnvironment } from '../../src/core/exportEnvironment';

const ENDPOINT = 'http://127.0.0.1:4319';

describe('gatewayVariables', () => {
  test("each SDK's base URL under its provider's path", () => {
    const variables = gatewayVariables(ENDPOINT);
    assert.deepEqual(Object.fromEntries(variables.map(({ name, value }) => [name, value])), {
      OPENAI_BASE_URL: 'http://127.0.0.1:4319/openai',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4319/anthropic',
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:4319/gemini',
    });
    for (const variable of variables) assert.ok(variable.reason.length > 20, variable.name);
  });

  test('never OLLAMA_HOST, which `ollama serve` would bind to', () => {
    assert.ok(!gatewayVariables(ENDPOINT).some((variable) => variable.name === 'OLLAMA_HOST'));
  });
});

describe('gatewayCaptureVariables', () => {
  test('only while capture is on and the gateway listens, at the address it is bound to', () => {
    const listening = { kind: 'listening', host: '127.0.0.1', port: 45123 };
    assert.equal(gatewayCaptureVariables(listening, true)?.[0]?.value, 'http://127.0.0.1:45123/openai');
    assert.equal(gatewayCaptureVariables(listening, false), undefined);
    for (const kind of ['starting', 'failed', 'stopped']) {
      assert.equal(gatewayCaptureVariables({ ...listening, kind }, true), undefined, kind);
    }
  });

  test('an IPv6 gateway gets a bracketed URL', () => {
    const variables = gatewayCaptureVariables({ kind: 'listening', host: '::1', port: 4319 }, true);
    assert.equal(variables?.[1]?.value, 'http://[::1]:4319/anthropic');
  });

  test("a launch configuration's own base URL wins over the gateway's", () => {
    const env = mergeLaunchEnvironment({ OPENAI_BASE_URL: 'https://mine.example/v1' }, gatewayVariables(ENDPOINT));
    assert.equal(env?.OPENAI_BASE_URL, 'https://mine.example/v1');
    assert.equal(env?.ANTHROPIC_BASE_URL, 'http://127.0.0.1:4319/anthropic');
  });
});

describe('describeGatewayVariables', () => {
  test('lists every variable and says how to stop', () => {
    const variables = gatewayVariables(ENDPOINT);
    const text = describeGatewayVariables(variables, 'AI Trace Lens: Stop Capturing LLM Calls');
    for (const { name, value } of variables) assert.ok(text.includes(`\`${name}=${value}\``), name);
    assert.match(text, /Stop with \*\*AI Trace Lens: Stop Capturing LLM Calls\*\*/);
  });
});
