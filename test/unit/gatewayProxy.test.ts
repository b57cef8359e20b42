/** The proxy for the gateway's upstream calls: VS Code's settings or the environment, and which hosts bypass it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bypassesProxy, resolveProxy } from '../../src/core/gateway/proxy';

describe('resolveProxy', () => {
  test('no proxy anywhere: direct calls', () => {
    assert.deepEqual(resolveProxy(undefined, undefined, {}), { proxy: undefined, problems: [] });
    assert.deepEqual(resolveProxy('', [], { PATH: '/usr/bin' }), { proxy: undefined, problems: [] });
  });

  test("VS Code's http.proxy and http.noProxy win over the environment", () => {
    const { proxy, problems } = resolveProxy('http://proxy.corp:3128', ['Internal.Corp', '10.0.0.0/8'], {
      HTTPS_PROXY: 'http://other:8080',
      NO_PROXY: 'elsewhere',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(proxy, { url: 'http://proxy.corp:3128/', noProxy: ['internal.corp', '10.0.0.0/8'] });
  });

  test('else the environment, lower case first, HTTPS before HTTP before ALL', () => {
    assert.equal(
      resolveProxy(undefined, undefined, { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:1' }).proxy?.url,
      'http://a:1/',
    );
    assert.equal(
      resolveProxy(undefined, undefined, { HTTP_PROXY: 'http://h:1', ALL_PROXY: 'http://all:1' }).proxy?.url,
      'http://h:1/',
    );
    assert.equal(resolveProxy(undefined, undefined, { all_proxy: 'http://all:1' }).proxy?.url, 'http://all:1/');
  });

  test('a bare host:port means http; NO_PROXY is split on commas and spaces', () => {
    const { proxy } = resolveProxy('', undefined, { HTTP_PROXY: 'proxy.corp:3128', no_proxy: 'a.corp, .b.corp ,*.c' });
    assert.deepEqual(proxy, { url: 'http://proxy.corp:3128/', noProxy: ['a.corp', '.b.corp', '*.c'] });
  });

  test("VS Code's proxy with an empty http.noProxy takes the environment's NO_PROXY", () => {
    const { proxy } = resolveProxy('http://proxy:3128', [], { NO_PROXY: 'internal' });
    assert.deepEqual(proxy?.noProxy, ['internal']);
  });

  test('a SOCKS or malformed proxy is reported without its URL, which may hold a password', () => {
    const { proxy, problems } = resolveProxy(undefined, undefined, { ALL_PROXY: 'socks5://user:secret@proxy:1080' });
    assert.equal(proxy, undefined);
    assert.match(problems[0]!, /ALL_PROXY in VS Code's environment is not an http\(s\) proxy URL/);
    assert.doesNotMatch(problems.join('\n'), /secret/);
    assert.match(resolveProxy(42, undefined, {}).problems[0]!, /http\.proxy must be a URL string/);
    assert.match(resolveProxy('http://p:1', 'a,b', {}).problems[0]!, /http\.noProxy must be an array/);
  });
});

describe('bypassesProxy', () => {
  test('loopback always bypasses; nothing else without a matching entry', () => {
    assert.equal(bypassesProxy('http://127.0.0.1:11434/api/chat', []), true);
    assert.equal(bypassesProxy('http://localhost:8000/v1', []), true);
    assert.equal(bypassesProxy('http://[::1]:8000/v1', []), true);
    assert.equal(bypassesProxy('https://api.openai.com/v1', []), false);
  });

  test('a host name covers itself and its subdomains, with or without a leading dot or *.', () => {
    for (const entry of ['openai.com', '.openai.com', '*.openai.com']) {
      assert.equal(bypassesProxy('https://api.openai.com/v1', [entry]), true, entry);
      assert.equal(bypassesProxy('https://notopenai.com/v1', [entry]), false, entry);
    }
    assert.equal(bypassesProxy('https://openai.com/v1', ['openai.com']), true);
    assert.equal(bypassesProxy('https://API.OpenAI.com/v1', ['api.openai.com']), true);
  });

  test('* bypasses everything', () => {
    assert.equal(bypassesProxy('https://api.anthropic.com', ['*']), true);
  });

  test('an entry with a port matches only that port, the scheme default included', () => {
    assert.equal(bypassesProxy('http://vllm.corp:8000/v1', ['vllm.corp:8000']), true);
    assert.equal(bypassesProxy('http://vllm.corp:9000/v1', ['vllm.corp:8000']), false);
    assert.equal(bypassesProxy('https://vllm.corp/v1', ['vllm.corp:443']), true);
  });

  test('IP addresses and CIDR ranges, IPv4 and IPv6', () => {
    assert.equal(bypassesProxy('http://10.1.2.3:8000', ['10.0.0.0/8']), true);
    assert.equal(bypassesProxy('http://11.1.2.3:8000', ['10.0.0.0/8']), false);
    assert.equal(bypassesProxy('http://192.168.0.7', ['192.168.0.7']), true);
    assert.equal(bypassesProxy('http://192.168.0.8', ['192.168.0.7']), false);
    assert.equal(bypassesProxy('http://[fd00::5]:8000', ['fd00::/8']), true);
    assert.equal(bypassesProxy('http://[fd00::5]:8000', ['[fd00::5]:8000']), true);
    assert.equal(bypassesProxy('http://api.example', ['10.0.0.0/8']), false);
  });
});
