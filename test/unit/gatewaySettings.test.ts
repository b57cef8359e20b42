/** The gateway's settings: checked values, upstreams from the setting or VS Code's environment, and what restarts it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  parseGatewaySettings,
  sameGatewaySettings,
  type GatewaySettingKey,
  type GatewaySurroundings,
} from '../../src/core/gateway/settings';
import { ollamaHostUrl, resolveUpstreams } from '../../src/core/gateway/upstreams';

const GATEWAY = 'http://127.0.0.1:4319';
const NOTHING: GatewaySurroundings = { env: {}, httpProxy: undefined, httpNoProxy: undefined };

function parse(values: Partial<Record<GatewaySettingKey, unknown>>, surroundings = NOTHING) {
  return parseGatewaySettings((key) => values[key], surroundings);
}

describe('parseGatewaySettings', () => {
  test('defaults: listening on 127.0.0.1:4319, content recorded, capture off, provider defaults, no proxy', () => {
    const { settings, problems } = parse({});
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      enabled: true,
      host: '127.0.0.1',
      port: 4319,
      maxBodyBytes: 100 * 1024 * 1024,
      recordContent: true,
      capture: false,
      upstreams: {},
      proxy: undefined,
    });
  });

  test('reads valid values, converting MiB to bytes and dropping trailing slashes from upstreams', () => {
    const { settings, problems } = parse({
      'gateway.enabled': false,
      'gateway.host': ' ::1 ',
      'gateway.port': 14319,
      'gateway.maxBodySize': 8,
      'gateway.recordContent': false,
      'gateway.capture': true,
      'gateway.upstreams': { openai: 'https://my-resource.openai.azure.com/openai/v1/', ollama: '' },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      enabled: false,
      host: '::1',
      port: 14319,
      maxBodyBytes: 8 * 1024 * 1024,
      recordContent: false,
      capture: true,
      upstreams: { openai: 'https://my-resource.openai.azure.com/openai/v1' },
      proxy: undefined,
    });
  });

  test('falls back for each invalid value and says why', () => {
    const { settings, problems } = parse({
      'gateway.enabled': 'yes',
      'gateway.port': 0,
      'gateway.maxBodySize': 2048,
      'gateway.capture': 1,
      'gateway.upstreams': { openai: 'api.openai.com', mistral: 'https://api.mistral.ai', gemini: 42 },
    });
    assert.deepEqual(settings, parse({}).settings);
    assert.equal(problems.length, 7);
    const text = problems.join('\n');
    assert.match(text, /aiTraceLens\.gateway\.port must be an integer from 1 to 65535, got 0; using 4319/);
    assert.match(text, /aiTraceLens\.gateway\.maxBodySize must be an integer from 1 to 1024, got 2048; using 100/);
    assert.match(text, /aiTraceLens\.gateway\.capture must be true or false, got 1; using false/);
    assert.match(text, /upstreams\.openai must be an http\(s\) URL, got "api\.openai\.com"/);
    assert.match(text, /unknown provider "mistral"/);
    assert.match(text, /upstreams\.gemini must be an http\(s\) URL, got 42/);
  });

  test('binds to loopback only: a network address falls back to 127.0.0.1', () => {
    for (const host of ['0.0.0.0', '192.168.1.5', '::']) {
      const { settings, problems } = parse({ 'gateway.host': host });
      assert.equal(settings.host, '127.0.0.1', host);
      assert.match(problems[0]!, /must be a loopback address/, host);
    }
    assert.equal(parse({ 'gateway.host': 'localhost' }).settings.host, 'localhost');
  });

  test('rejects an upstreams value that is not an object', () => {
    const { settings, problems } = parse({ 'gateway.upstreams': ['https://api.openai.com/v1'] });
    assert.deepEqual(settings.upstreams, {});
    assert.match(problems[0]!, /must be an object/);
  });

  test('resolves upstreams and the proxy from the surroundings', () => {
    const { settings } = parse(
      { 'gateway.upstreams': { openai: 'https://setting.example/v1' } },
      {
        env: { OPENAI_BASE_URL: 'https://env.example/v1', ANTHROPIC_BASE_URL: 'https://claude.example' },
        httpProxy: 'http://proxy.corp:3128',
        httpNoProxy: ['internal.corp'],
      },
    );
    assert.deepEqual(settings.upstreams, { openai: 'https://setting.example/v1', anthropic: 'https://claude.example' });
    assert.deepEqual(settings.proxy, { url: 'http://proxy.corp:3128/', noProxy: ['internal.corp'] });
  });

  test('an environment URL pointing at a gateway on another configured port is its own, and ignored', () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:5000/openai' };
    assert.deepEqual(parse({ 'gateway.port': 5000 }, { ...NOTHING, env }).settings.upstreams, {});
    assert.deepEqual(parse({}, { ...NOTHING, env }).settings.upstreams, { openai: 'http://127.0.0.1:5000/openai' });
  });
});

describe('sameGatewaySettings', () => {
  const base = parse({ 'gateway.upstreams': { openai: 'https://a.example/v1' } }).settings;

  test('capture alone needs no restart', () => {
    assert.equal(sameGatewaySettings(base, { ...base, capture: !base.capture }), true);
    assert.equal(sameGatewaySettings(base, { ...base, upstreams: { ...base.upstreams } }), true);
  });

  test('every other field does', () => {
    const changed = [
      { ...base, enabled: false },
      { ...base, host: '::1' },
      { ...base, port: 4320 },
      { ...base, maxBodyBytes: 1 },
      { ...base, recordContent: false },
      { ...base, upstreams: { openai: 'https://b.example/v1' } },
      { ...base, upstreams: { ...base.upstreams, ollama: 'http://127.0.0.1:11434' } },
      { ...base, proxy: { url: 'http://proxy:3128/', noProxy: [] } },
    ];
    for (const settings of changed) assert.equal(sameGatewaySettings(base, settings), false, JSON.stringify(settings));
    const proxied = { ...base, proxy: { url: 'http://proxy:3128/', noProxy: ['a'] } };
    assert.equal(
      sameGatewaySettings(proxied, { ...proxied, proxy: { url: 'http://proxy:3128/', noProxy: ['b'] } }),
      false,
    );
  });
});

describe('resolveUpstreams', () => {
  test('the setting wins over the environment, which wins over the provider default', () => {
    const { upstreams, problems } = resolveUpstreams(
      { openai: 'https://setting.example/v1' },
      {
        OPENAI_BASE_URL: 'https://env.example/v1',
        ANTHROPIC_BASE_URL: 'https://claude.example/',
        GOOGLE_GEMINI_BASE_URL: ' https://gemini.example ',
      },
      GATEWAY,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(upstreams, {
      openai: 'https://setting.example/v1',
      anthropic: 'https://claude.example',
      gemini: 'https://gemini.example',
    });
  });

  test('an empty variable is unset', () => {
    assert.deepEqual(resolveUpstreams({}, { OPENAI_BASE_URL: '  ', OLLAMA_HOST: '' }, GATEWAY), {
      upstreams: {},
      problems: [],
    });
  });

  test('ignores environment URLs that point at the gateway itself, under any loopback name', () => {
    const env = {
      OPENAI_BASE_URL: 'http://127.0.0.1:4319/openai',
      ANTHROPIC_BASE_URL: 'http://localhost:4319/anthropic',
      GOOGLE_GEMINI_BASE_URL: 'http://[::1]:4319/gemini',
      OLLAMA_HOST: '127.0.0.1:4319',
    };
    const { upstreams, problems } = resolveUpstreams({}, env, GATEWAY);
    assert.deepEqual(upstreams, {});
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /OPENAI_BASE_URL in VS Code's environment points at the gateway itself/);
  });

  test('a local server on another port, or another host on the same port, is a real upstream', () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', ANTHROPIC_BASE_URL: 'http://gpu-box:4319' };
    assert.deepEqual(resolveUpstreams({}, env, GATEWAY).upstreams, {
      openai: 'http://127.0.0.1:8000/v1',
      anthropic: 'http://gpu-box:4319',
    });
  });

  test('a setting pointing at the gateway is refused too', () => {
    const { upstreams, problems } = resolveUpstreams({ openai: 'http://localhost:4319/openai' }, {}, GATEWAY);
    assert.deepEqual(upstreams, {});
    assert.match(problems[0]!, /aiTraceLens\.gateway\.upstreams\.openai points at the gateway itself/);
  });

  test('an environment value that is no URL is reported and left out', () => {
    const { upstreams, problems } = resolveUpstreams({}, { OPENAI_BASE_URL: 'not a url' }, GATEWAY);
    assert.deepEqual(upstreams, {});
    assert.match(problems[0]!, /OPENAI_BASE_URL in VS Code's environment is not an http\(s\) URL/);
  });

  test('OLLAMA_HOST is read as the Ollama clients read it', () => {
    const { upstreams } = resolveUpstreams({}, { OLLAMA_HOST: '0.0.0.0' }, GATEWAY);
    assert.deepEqual(upstreams, { ollama: 'http://127.0.0.1:11434' });
  });
});

describe('ollamaHostUrl', () => {
  test('fills in the scheme and the port, and maps a wildcard bind to this machine', () => {
    const cases: [string, string][] = [
      ['gpu-box', 'http://gpu-box:11434'],
      ['gpu-box:8080', 'http://gpu-box:8080'],
      [':11435', 'http://127.0.0.1:11435'],
      ['0.0.0.0:11434', 'http://127.0.0.1:11434'],
      ['[::]:11434', 'http://127.0.0.1:11434'],
      ['https://ollama.example', 'https://ollama.example'],
      ['http://ollama.example/base/', 'http://ollama.example/base'],
    ];
    for (const [value, expected] of cases) assert.equal(ollamaHostUrl(value), expected, value);
  });

  test('refuses what is no host', () => {
    assert.equal(ollamaHostUrl('http://'), undefined);
    assert.equal(ollamaHostUrl('ftp://files.example'), undefined);
  });
});
