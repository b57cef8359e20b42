import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHtml, inlineJson } from '../../src/core/html';

describe('inlineJson', () => {
  test('cannot close the script element or start a comment, and parses back to the same value', () => {
    const value = {
      name: '</script><script>window.__xss=1</script>',
      note: '<!-- x -->',
      separators: 'a\u2028b\u2029c',
    };
    const inlined = inlineJson(value);
    assert.doesNotMatch(inlined, /</);
    assert.doesNotMatch(inlined, /[\u2028\u2029]/);
    assert.deepEqual(JSON.parse(inlined), value);
  });
});

describe('escapeHtml', () => {
  test('escapes every character that could open markup or leave an attribute', () => {
    assert.equal(
      escapeHtml(`<img src=x onerror="a('b')">&`),
      '&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;',
    );
  });
});
