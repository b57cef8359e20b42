import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OtlpFileError, parseOtlpFile, readOtlpFile, type OtlpFileContents } from '../../src/core/inputFiles';
import { spansOf } from '../../src/core/model';
import { logRecordsOf } from '../../src/core/otlp/logModel';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { jsonRequest, protobufRequest, type TestSpan } from '../support/receiverClient';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const span = (spanId: string, name: string): TestSpan => ({ traceId: TRACE_ID, spanId, name });
const FIRST = [span('00000000000000a1', 'first'), span('00000000000000a2', 'first child')];
const SECOND = [span('00000000000000b1', 'second')];
const THIRD = [span('00000000000000c1', 'third')];

const line = (spans: TestSpan[]) => JSON.stringify(jsonRequest(spans));

function names(contents: OtlpFileContents): string[][] {
  return contents.requests.map((result) => spansOf(result.request).map((decoded) => decoded.name));
}

function parseText(text: string, name = 'traces.json'): OtlpFileContents {
  return parseOtlpFile(Buffer.from(text), name);
}

describe('parseOtlpFile', () => {
  test('one pretty-printed OTLP JSON document', () => {
    const contents = parseText(JSON.stringify(jsonRequest(FIRST), null, 2));
    assert.deepEqual(names(contents), [['first', 'first child']]);
    assert.deepEqual(contents.problems, []);
  });

  test('a single-line document, after a byte order mark and blank lines', () => {
    assert.deepEqual(names(parseText(`\ufeff\n  \n${line(SECOND)}\n`)), [['second']]);
  });

  test('JSON Lines: one request per line, blank lines and CRLF allowed', () => {
    const contents = parseText(`${line(FIRST)}\r\n\r\n${line(SECOND)}\r\n${line(THIRD)}`);
    assert.deepEqual(names(contents), [['first', 'first child'], ['second'], ['third']]);
    assert.deepEqual(contents.problems, []);
  });

  test('JSON Lines: a bad line is reported with its line number and the other lines are kept', () => {
    const contents = parseText(`\n${line(FIRST)}\n{"resourceSpans": [}\n\n${line(THIRD)}\n`, 'export.jsonl');
    assert.deepEqual(names(contents), [['first', 'first child'], ['third']]);
    assert.equal(contents.problems.length, 1);
    assert.match(contents.problems[0], /^export\.jsonl line 3: \S/);
  });

  test('JSON Lines whose first line is damaged still yield the lines after it', () => {
    const contents = parseText(`{"resourceSpans": [{"scopeSpans": [\n${line(SECOND)}\n`, 'cut.jsonl');
    assert.deepEqual(names(contents), [['second']]);
    assert.match(contents.problems[0], /^cut\.jsonl line 1: /);
  });

  test('logs and metrics requests are told apart by their first key, in JSON Lines and as whole documents', () => {
    const logsLine = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TRACE_ID, spanId: '00000000000000a1', body: { stringValue: 'hi' } }] }] }],
    });
    const metricsLine = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'gen_ai.client.token.usage' }] }] }] });
    const contents = parseText(`${line(FIRST)}\n${logsLine}\n${metricsLine}\n{"resourceLogs": 1}\n`, 'mixed.jsonl');
    assert.deepEqual(names(contents), [['first', 'first child']]);
    assert.deepEqual(contents.logRequests.flatMap((result) => logRecordsOf(result.request).map((record) => record.body)), ['hi']);
    assert.deepEqual(contents.metricRequests.flatMap((result) => metricsOf(result.request).map((metric) => metric.name)), [
      'gen_ai.client.token.usage',
    ]);
    assert.equal(contents.problems.length, 1);
    assert.match(contents.problems[0]!, /^mixed\.jsonl line 4: Invalid OTLP JSON: resourceLogs: expected an array/);

    const document = parseText(JSON.stringify(JSON.parse(logsLine), null, 2), 'logs.json');
    assert.deepEqual([document.requests.length, document.logRequests.length], [0, 1]);
    assert.throws(
      () => parseText('{\n  "resourceMetrics": {}\n}', 'metrics.json'),
      /^OtlpFileError: metrics\.json: not a valid OTLP JSON ExportMetricsServiceRequest: /,
    );
  });

  test('protobuf, recognised by not starting with "{"', () => {
    assert.deepEqual(names(parseOtlpFile(protobufRequest(FIRST), 'traces.pb')), [['first', 'first child']]);
  });

  test('gzipped protobuf, JSON and JSON Lines', () => {
    assert.deepEqual(names(parseOtlpFile(gzipSync(protobufRequest(SECOND)), 'a.bin')), [['second']]);
    assert.deepEqual(names(parseOtlpFile(gzipSync(JSON.stringify(jsonRequest(THIRD), null, 1)), 'b.gz')), [['third']]);
    assert.deepEqual(names(parseOtlpFile(gzipSync(`${line(SECOND)}\n${line(THIRD)}\n`), 'c.gz')), [['second'], ['third']]);
  });

  test('spans the decoder rejects stay counted on their request', () => {
    const contents = parseText(line([...SECOND, { traceId: '01', spanId: '02', name: 'bad' }]));
    assert.deepEqual(names(contents), [['second']]);
    assert.equal(contents.requests[0].rejectedSpans, 1);
  });

  test('errors name the file and say what is wrong', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [Buffer.alloc(0), /^empty\.pb: the file is empty$/],
      [gzipSync(Buffer.alloc(0)), /^empty\.pb: the file is empty$/],
      [Buffer.from('hello, not OTLP'), /^empty\.pb: not a valid protobuf ExportTraceServiceRequest \(the file does not start with "\{", so it was read as protobuf\): \S/],
      [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), /^empty\.pb: looks gzipped but does not inflate: /],
      [Buffer.from('{\n  "resourceSpans": [\n'), /^empty\.pb: not a valid OTLP JSON ExportTraceServiceRequest: \S/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(() => parseOtlpFile(bytes, 'empty.pb'), (error: Error) => {
        assert.ok(error instanceof OtlpFileError);
        assert.match(error.message, message);
        return true;
      });
    }
  });
});

describe('readOtlpFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-input-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads a file from disk', async () => {
    const path = join(dir, 'export.jsonl.gz');
    await writeFile(path, gzipSync(`${line(FIRST)}\n${line(SECOND)}\n`));
    assert.deepEqual(names(await readOtlpFile(path)), [['first', 'first child'], ['second']]);
  });

  test('a missing file is an OtlpFileError naming it', async () => {
    const path = join(dir, 'missing.json');
    await assert.rejects(readOtlpFile(path), (error: Error) => {
      assert.ok(error instanceof OtlpFileError);
      assert.ok(error.message.startsWith(`${path}: `));
      assert.match(error.message, /ENOENT/);
      return true;
    });
  });
});
