import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OtlpFileError, parseOtlpFile, readOtlpFile, type OtlpFileContents } from '../../src/core/inputFiles';
import { spansOf } from '../../src/core/model';
import { logRecordsOf } from '../../src/core/otlp/logModel';
import { decodeLogsRequestProto } from '../../src/core/otlp/logsProtobuf';
import { metricsOf, type MetricsRequest } from '../../src/core/otlp/metricModel';
import { encodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { expectedLogsDecode, expectedMetricsDecode } from '../support/expectedSignalDecode';
import { makeLogRecord } from '../support/logBuilder';
import { encodeWithProtobufjs } from '../support/protobufjsOracle';
import { expectedDecode, randomTraceRequest, Rng } from '../support/randomRequest';
import { randomLogsRequest, randomMetricsRequest } from '../support/randomSignalRequest';
import { jsonRequest, protobufRequest, type TestSpan } from '../support/receiverClient';
import { encodeLogsWithProtobufjs, encodeMetricsWithProtobufjs } from '../support/signalProtobufjsOracle';
import { makeResource, makeScope } from '../support/spanBuilder';

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
    assert.match(contents.problems[0]!, /^export\.jsonl line 3: \S/);
  });

  test('JSON Lines whose first line is damaged still yield the lines after it', () => {
    const contents = parseText(`{"resourceSpans": [{"scopeSpans": [\n${line(SECOND)}\n`, 'cut.jsonl');
    assert.deepEqual(names(contents), [['second']]);
    assert.match(contents.problems[0]!, /^cut\.jsonl line 1: /);
  });

  test('logs and metrics requests are told apart by their first key, in JSON Lines and as whole documents', () => {
    const logsLine = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [{ logRecords: [{ traceId: TRACE_ID, spanId: '00000000000000a1', body: { stringValue: 'hi' } }] }],
        },
      ],
    });
    const metricsLine = JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'gen_ai.client.token.usage' }] }] }],
    });
    const contents = parseText(`${line(FIRST)}\n${logsLine}\n${metricsLine}\n{"resourceLogs": 1}\n`, 'mixed.jsonl');
    assert.deepEqual(names(contents), [['first', 'first child']]);
    assert.deepEqual(
      contents.logRequests.flatMap((result) => logRecordsOf(result.request).map((record) => record.body)),
      ['hi'],
    );
    assert.deepEqual(
      contents.metricRequests.flatMap((result) => metricsOf(result.request).map((metric) => metric.name)),
      ['gen_ai.client.token.usage'],
    );
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

  test('a protobuf request is read as its own signal whenever it holds a timed item, though it may decode as another', () => {
    const rng = new Rng(21);
    const read = { traces: 0, logs: 0, metrics: 0 };
    let metricsDecodingAsLogs = 0;
    const empty: OtlpFileContents = { requests: [], logRequests: [], metricRequests: [], problems: [] };
    for (let round = 0; round < 100; round++) {
      const traces = randomTraceRequest(rng);
      const expectedTraces = expectedDecode(traces);
      if (spansOf(expectedTraces.request).some((span) => span.startTimeUnixNano > 0n)) {
        assert.deepStrictEqual(parseOtlpFile(encodeWithProtobufjs(traces), 't.pb'), {
          ...empty,
          requests: [expectedTraces],
        });
        read.traces++;
      }
      const logs = randomLogsRequest(rng);
      const expectedLogs = expectedLogsDecode(logs);
      if (
        logRecordsOf(expectedLogs.request).some(
          (record) => record.timeUnixNano > 0n || record.observedTimeUnixNano > 0n,
        )
      ) {
        assert.deepStrictEqual(parseOtlpFile(encodeLogsWithProtobufjs(logs), 'l.pb'), {
          ...empty,
          logRequests: [expectedLogs],
        });
        read.logs++;
      }
      const metrics = randomMetricsRequest(rng);
      const expectedMetrics = expectedMetricsDecode(metrics);
      const pointTimes = metricsOf(expectedMetrics.request).flatMap((metric) =>
        metric.data.type === 'none' ? [] : metric.data.dataPoints.map((point) => point.timeUnixNano),
      );
      if (pointTimes.some((time) => time > 0n)) {
        const bytes = encodeMetricsWithProtobufjs(metrics);
        assert.deepStrictEqual(parseOtlpFile(bytes, 'm.pb'), { ...empty, metricRequests: [expectedMetrics] });
        read.metrics++;
        if (decodesAsLogRecords(bytes)) metricsDecodingAsLogs++;
      }
    }
    assert.ok(read.traces > 50 && read.logs > 30 && read.metrics > 30, JSON.stringify(read));
    assert.ok(metricsDecodingAsLogs > 5, `${metricsDecodingAsLogs} metrics requests also decode as log records`);
  });

  test('protobuf logs, gzipped or not: the records and their span ids', () => {
    const resource = makeResource('chat-app');
    const scope = makeScope('opentelemetry.instrumentation.openai_v2');
    const record = { ...makeLogRecord({ traceId: TRACE_ID, spanId: '00000000000000a1', body: 'hi' }), resource, scope };
    const bytes = encodeLogsWithProtobufjs({
      resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: [record] }] }],
    });
    for (const file of [bytes, gzipSync(bytes)]) {
      const contents = parseOtlpFile(file, 'logs.pb');
      assert.deepEqual([contents.requests.length, contents.metricRequests.length], [0, 0]);
      assert.deepEqual(
        contents.logRequests.flatMap((result) =>
          logRecordsOf(result.request).map((decoded) => [decoded.traceId, decoded.spanId, decoded.body]),
        ),
        [[TRACE_ID, '00000000000000a1', 'hi']],
      );
    }
  });

  test('protobuf without a timed item is a trace request when it decodes as one: empty, or every span rejected', () => {
    const emptyRequest = parseOtlpFile(Uint8Array.of(0x0a, 0x00), 'empty-resource.pb');
    assert.deepEqual(
      [emptyRequest.requests.length, emptyRequest.logRequests.length, emptyRequest.metricRequests.length],
      [1, 0, 0],
    );
    assert.deepEqual(names(emptyRequest), [[]]);

    const rejected = parseOtlpFile(protobufRequest([{ traceId: '01', spanId: '02', name: 'bad ids' }]), 'bad-ids.pb');
    assert.deepEqual(names(rejected), [[]]);
    assert.equal(rejected.requests[0]!.rejectedSpans, 1);
    assert.deepEqual([rejected.logRequests.length, rejected.metricRequests.length], [0, 0]);
  });

  test('gzipped protobuf, JSON and JSON Lines', () => {
    assert.deepEqual(names(parseOtlpFile(gzipSync(protobufRequest(SECOND)), 'a.bin')), [['second']]);
    assert.deepEqual(names(parseOtlpFile(gzipSync(JSON.stringify(jsonRequest(THIRD), null, 1)), 'b.gz')), [['third']]);
    assert.deepEqual(names(parseOtlpFile(gzipSync(`${line(SECOND)}\n${line(THIRD)}\n`), 'c.gz')), [
      ['second'],
      ['third'],
    ]);
  });

  test('metrics requests as serve --out writes them, as JSON Lines, read back as the requests they were', () => {
    const rng = new Rng(22);
    const requests: MetricsRequest[] = Array.from(
      { length: 60 },
      () => expectedMetricsDecode(randomMetricsRequest(rng)).request,
    );
    const contents = parseText(requests.map(encodeMetricsRequestJson).join('\n'), 'metrics.jsonl');
    assert.deepEqual(contents.problems, []);
    assert.deepStrictEqual(
      contents.metricRequests,
      requests.map((request) => ({ request, rejectedDataPoints: 0, rejectionMessage: undefined })),
    );
  });

  test('spans the decoder rejects stay counted on their request', () => {
    const contents = parseText(line([...SECOND, { traceId: '01', spanId: '02', name: 'bad' }]));
    assert.deepEqual(names(contents), [['second']]);
    assert.equal(contents.requests[0]!.rejectedSpans, 1);
  });

  test('errors name the file and say what is wrong', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [Buffer.alloc(0), /^empty\.pb: the file is empty$/],
      [gzipSync(Buffer.alloc(0)), /^empty\.pb: the file is empty$/],
      [
        Buffer.from('hello, not OTLP'),
        /^empty\.pb: not a valid protobuf ExportTraceServiceRequest, ExportLogsServiceRequest or ExportMetricsServiceRequest \(the file does not start with "\{", so it was read as protobuf\): Invalid OTLP protobuf ExportTraceServiceRequest: /,
      ],
      [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), /^empty\.pb: looks gzipped but does not inflate: /],
      [Buffer.from('{\n  "resourceSpans": [\n'), /^empty\.pb: not a valid OTLP JSON ExportTraceServiceRequest: \S/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(
        () => parseOtlpFile(bytes, 'empty.pb'),
        (error: Error) => {
          assert.ok(error instanceof OtlpFileError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});

/** Whether the bytes decode without error as a logs request with at least one record. */
function decodesAsLogRecords(bytes: Uint8Array): boolean {
  try {
    return logRecordsOf(decodeLogsRequestProto(bytes).request).length > 0;
  } catch {
    return false;
  }
}

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
