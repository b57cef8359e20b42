import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORWARD_SETTING_DEFAULTS, parseForwardSettings } from '../../src/core/forward/forwardSettings';

test('unset values are the defaults: forwarding on, to the endpoint VS Code’s environment had', () => {
  const { settings, problems } = parseForwardSettings(() => undefined);
  assert.deepEqual(settings, { enabled: true, endpoint: '' });
  assert.deepEqual(settings.endpoint, FORWARD_SETTING_DEFAULTS['forward.endpoint']);
  assert.deepEqual(problems, []);
});

test('a valid endpoint and switch are taken, trimmed', () => {
  const values: Record<string, unknown> = {
    'forward.enabled': false,
    'forward.endpoint': ' https://otel.team.example:4318 ',
  };
  const { settings, problems } = parseForwardSettings((key) => values[key]);
  assert.deepEqual(settings, { enabled: false, endpoint: 'https://otel.team.example:4318' });
  assert.deepEqual(problems, []);
});

test('invalid values fall back, each with a problem', () => {
  const values: Record<string, unknown> = { 'forward.enabled': 'yes', 'forward.endpoint': 'grpc://collector:4317' };
  const { settings, problems } = parseForwardSettings((key) => values[key]);
  assert.deepEqual(settings, { enabled: true, endpoint: '' });
  assert.equal(problems.length, 2);
  assert.match(problems[1]!, /forward\.endpoint must be an http or https URL, got "grpc:\/\/collector:4317"/);
});
