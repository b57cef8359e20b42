import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import {
  displayAddress,
  endpointUrl,
  exporterEnvironment,
  findFreePort,
  isDefaultEndpoint,
  isLoopbackHost,
} from '../../src/core/endpoint';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return address.port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('endpointUrl', () => {
  test('uses the bound address, loopback for a wildcard bind, brackets for IPv6', () => {
    assert.equal(endpointUrl('127.0.0.1', 4318), 'http://127.0.0.1:4318');
    assert.equal(endpointUrl('0.0.0.0', 4318), 'http://127.0.0.1:4318');
    assert.equal(endpointUrl('::', 4319), 'http://127.0.0.1:4319');
    assert.equal(endpointUrl('::1', 4318), 'http://[::1]:4318');
    assert.equal(endpointUrl('[::1]', 4318), 'http://[::1]:4318');
    assert.equal(endpointUrl('192.168.1.20', 4318), 'http://192.168.1.20:4318');
    assert.equal(displayAddress('::1', 4318), '[::1]:4318');
    assert.equal(displayAddress('localhost', 1), 'localhost:1');
  });
});

describe('isDefaultEndpoint', () => {
  test('holds only where exporters reach the receiver at http://127.0.0.1:4318', () => {
    assert.ok(isDefaultEndpoint('127.0.0.1', 4318));
    assert.ok(isDefaultEndpoint('0.0.0.0', 4318));
    assert.ok(!isDefaultEndpoint('127.0.0.1', 4319));
    assert.ok(!isDefaultEndpoint('::1', 4318));
    assert.ok(!isDefaultEndpoint('192.168.1.20', 4318));
  });
});

describe('isLoopbackHost', () => {
  test('accepts only addresses other machines cannot reach', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]'])
      assert.ok(isLoopbackHost(host), host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com', '128.0.0.1'])
      assert.ok(!isLoopbackHost(host), host);
  });
});

describe('exporterEnvironment', () => {
  test('is the two standard OpenTelemetry SDK variables, one per line', () => {
    assert.equal(
      exporterEnvironment('http://127.0.0.1:4319'),
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4319\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n',
    );
    assert.match(exporterEnvironment('http://[::1]:4318', 'http/json'), /PROTOCOL=http\/json\n$/);
    assert.equal(
      exporterEnvironment('http://127.0.0.1:4317', 'grpc'),
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc\n',
    );
  });
});

describe('findFreePort', () => {
  test('skips a candidate that is taken and returns the next free one', async () => {
    const busy = await listen(0);
    const free = await listen(0);
    const freePort = portOf(free);
    await close(free);
    try {
      assert.equal(await findFreePort('127.0.0.1', [portOf(busy), freePort]), freePort);
    } finally {
      await close(busy);
    }
  });

  test('lets the OS pick when no candidate is free', async () => {
    const busy = await listen(0);
    try {
      const port = await findFreePort('127.0.0.1', [portOf(busy)]);
      assert.ok(port > 0 && port !== portOf(busy), `picked ${port}`);
      await close(await listen(port));
    } finally {
      await close(busy);
    }
  });
});
