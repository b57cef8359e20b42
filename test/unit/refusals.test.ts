import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeRetryStatusProto } from '../../src/core/otlp/protoResponses';
import { OtlpDecodeError } from '../../src/core/otlp/types';
import { PAUSED_RETRY_AFTER_SECONDS } from '../../src/core/receiver/options';
import {
  grpcStatusOf,
  httpHeadersOf,
  httpStatusOf,
  pausedRefusal,
  Refusal,
  refusalOf,
  RpcCode,
  tooLarge,
  undecodable,
  type GrpcRefusal,
} from '../../src/core/receiver/refusals';
import { decodeStatusProto } from '../support/receiverClient';

/** How each transport answers `refusal`. */
function answers(refusal: Refusal): { http: [number, Record<string, string>]; grpc: GrpcRefusal } {
  return { http: [httpStatusOf(refusal), httpHeadersOf(refusal)], grpc: grpcStatusOf(refusal) };
}

describe('refusals', () => {
  test('a request the decoder refuses: INVALID_ARGUMENT, 400', () => {
    const refusal = undecodable('The protobuf body', 'ExportTraceServiceRequest', new OtlpDecodeError('bad tag'));
    const message = 'The protobuf body is not a valid ExportTraceServiceRequest: bad tag';
    assert.equal(refusal.message, message);
    assert.deepEqual(answers(refusal), {
      http: [400, {}],
      grpc: { code: RpcCode.INVALID_ARGUMENT, details: message, statusDetails: undefined },
    });
  });

  test('a body over the limit: RESOURCE_EXHAUSTED, 413', () => {
    const refusal = tooLarge('exceeds it once inflated', 1024);
    const message = 'The request body exceeds it once inflated; the limit is 1024 bytes.';
    assert.equal(refusal.message, message);
    assert.deepEqual(answers(refusal), {
      http: [413, {}],
      grpc: { code: RpcCode.RESOURCE_EXHAUSTED, details: message, statusDetails: undefined },
    });
  });

  test('paused: UNAVAILABLE, 503, with the retry delay as Retry-After or as a RetryInfo detail', () => {
    const refusal = pausedRefusal();
    const message = 'The receiver is paused; retry later.';
    const { http, grpc } = answers(refusal);
    assert.deepEqual(http, [503, { 'Retry-After': String(PAUSED_RETRY_AFTER_SECONDS) }]);
    assert.equal(grpc.code, RpcCode.UNAVAILABLE);
    assert.equal(grpc.details, message);
    assert.deepEqual(
      grpc.statusDetails,
      encodeRetryStatusProto(RpcCode.UNAVAILABLE, message, PAUSED_RETRY_AFTER_SECONDS),
    );
    assert.deepEqual(decodeStatusProto(grpc.statusDetails), { code: RpcCode.UNAVAILABLE, message });
  });

  test('anything else that fails is an internal error: INTERNAL, 500', () => {
    for (const [error, message] of [
      [new Error('disk full'), 'The data could not be stored: disk full'],
      ['no space', 'The data could not be stored: no space'],
    ] as const) {
      const refusal = refusalOf(error);
      assert.equal(refusal.message, message);
      assert.deepEqual(answers(refusal), {
        http: [500, {}],
        grpc: { code: RpcCode.INTERNAL, details: message, statusDetails: undefined },
      });
    }
    const refused = tooLarge('exceeds it', 1);
    assert.equal(refusalOf(refused), refused, 'a refusal is answered as it is');
  });

  test('HTTP-only refusals keep their code and name their own status and headers', () => {
    const method = new Refusal(RpcCode.UNIMPLEMENTED, 'GET is not allowed', {
      httpStatus: 405,
      httpHeaders: { Allow: 'POST' },
    });
    assert.deepEqual(answers(method).http, [405, { Allow: 'POST' }]);
    const mediaType = new Refusal(RpcCode.INVALID_ARGUMENT, 'Unsupported Content-Type', { httpStatus: 415 });
    assert.deepEqual(answers(mediaType).http, [415, {}]);
    assert.deepEqual(answers(new Refusal(RpcCode.UNIMPLEMENTED, 'Unknown path')).http, [404, {}]);
  });

  test('each code has its HTTP status, as gRPC maps them', () => {
    const statuses = Object.fromEntries(
      Object.entries(RpcCode).map(([name, code]) => [name, httpStatusOf(new Refusal(code, ''))]),
    );
    assert.deepEqual(statuses, {
      INVALID_ARGUMENT: 400,
      RESOURCE_EXHAUSTED: 413,
      UNIMPLEMENTED: 404,
      INTERNAL: 500,
      UNAVAILABLE: 503,
    });
  });
});
