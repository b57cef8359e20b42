import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeError, describeErrorWithStack } from '../../src/shared/errors';

describe('describeError', () => {
  test("an Error's message, anything else thrown as text", () => {
    assert.equal(describeError(new RangeError('out of range')), 'out of range');
    assert.equal(describeError('a string'), 'a string');
    assert.equal(describeError(404), '404');
    assert.equal(describeError(undefined), 'undefined');
  });

  test('with its stack for logs, when it has one', () => {
    const error = new Error('boom');
    assert.equal(describeErrorWithStack(error), error.stack);
    assert.match(describeErrorWithStack(error), /^Error: boom\n\s+at /);
    const stackless = Object.assign(new Error('no stack'), { stack: undefined });
    assert.equal(describeErrorWithStack(stackless), 'no stack');
    assert.equal(describeErrorWithStack({ toString: () => 'thrown object' }), 'thrown object');
  });
});
