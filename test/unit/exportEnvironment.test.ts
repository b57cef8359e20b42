import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeExportVariables,
  exportVariables,
  hasExportVariables,
  mergeLaunchEnvironment,
  receiverExportVariables,
  type ExportVariable,
} from '../../src/core/exportEnvironment';
import { parseExportSettings } from '../../src/core/settings';

const ENDPOINT = 'http://127.0.0.1:43180';

function asRecord(variables: readonly ExportVariable[]): Record<string, string> {
  return Object.fromEntries(variables.map(({ name, value }) => [name, value]));
}

describe('exportVariables', () => {
  test('in a clean environment: the endpoint, OTLP/HTTP protobuf and the content switches', () => {
    assert.deepEqual(asRecord(exportVariables(ENDPOINT, {})), {
      OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE: 'true',
    });
    for (const variable of exportVariables(ENDPOINT, {})) assert.ok(variable.reason.length > 20, variable.name);
  });

  test('never switches on exporters or changes the semantic convention version', () => {
    const names = exportVariables(ENDPOINT, {}).map((variable) => variable.name);
    for (const name of [
      'OTEL_TRACES_EXPORTER',
      'OTEL_LOGS_EXPORTER',
      'OTEL_METRICS_EXPORTER',
      'OTEL_SEMCONV_STABILITY_OPT_IN',
    ]) {
      assert.ok(!names.includes(name), name);
    }
  });

  test('the endpoint always follows the receiver, also over one inherited from elsewhere', () => {
    const variables = asRecord(exportVariables(ENDPOINT, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }));
    assert.equal(variables.OTEL_EXPORTER_OTLP_ENDPOINT, ENDPOINT);
  });

  test('an inherited traces endpoint, which SDKs prefer, is pointed at the receiver too', () => {
    const variables = asRecord(
      exportVariables(ENDPOINT, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://api.example.com/v1/traces' }),
    );
    assert.equal(variables.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, `${ENDPOINT}/v1/traces`);
    assert.equal(asRecord(exportVariables(ENDPOINT, {})).OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, undefined);
  });

  test('keeps an inherited HTTP protocol, replaces gRPC (the receiver speaks HTTP)', () => {
    assert.equal(
      asRecord(exportVariables(ENDPOINT, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).OTEL_EXPORTER_OTLP_PROTOCOL,
      undefined,
    );
    assert.equal(
      asRecord(exportVariables(ENDPOINT, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).OTEL_EXPORTER_OTLP_PROTOCOL,
      'http/protobuf',
    );
  });

  test('a content switch the user set (even to off) is left alone', () => {
    const variables = asRecord(
      exportVariables(ENDPOINT, {
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
        SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE: 'false',
      }),
    );
    assert.deepEqual(Object.keys(variables).sort(), ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL']);
  });

  test('under the latest GenAI conventions, content capture names where content goes', () => {
    const variables = asRecord(
      exportVariables(ENDPOINT, { OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental' }),
    );
    assert.equal(variables.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, 'SPAN_ONLY');
  });
});

describe('receiverExportVariables', () => {
  test('follow the bound address while listening or paused; a wildcard bind is reached through loopback', () => {
    assert.equal(
      asRecord(receiverExportVariables({ kind: 'listening', host: '127.0.0.1', port: 4319 }, {})!)
        .OTEL_EXPORTER_OTLP_ENDPOINT,
      'http://127.0.0.1:4319',
    );
    assert.equal(
      asRecord(receiverExportVariables({ kind: 'paused', host: '0.0.0.0', port: 50123 }, {})!)
        .OTEL_EXPORTER_OTLP_ENDPOINT,
      'http://127.0.0.1:50123',
    );
  });

  test('none while the receiver is starting, failed or off: its port may belong to another program', () => {
    for (const kind of ['starting', 'failed', 'stopped']) {
      assert.equal(receiverExportVariables({ kind, host: '127.0.0.1', port: 4318 }, {}), undefined, kind);
    }
  });
});

describe('describeExportVariables', () => {
  test('lists every variable with its value and names the setting that turns it off', () => {
    const variables = exportVariables(ENDPOINT, {});
    const text = describeExportVariables(variables, 'aiTraceLens.terminal.injectEnvironment');
    for (const { name, value } of variables) assert.ok(text.includes(`\`${name}=${value}\``), name);
    assert.match(text, /Turn this off with the `aiTraceLens\.terminal\.injectEnvironment` setting/);
  });
});

describe('mergeLaunchEnvironment', () => {
  const variables = exportVariables(ENDPOINT, {});

  test('adds the variables to a configuration without env', () => {
    assert.deepEqual(mergeLaunchEnvironment(undefined, variables), asRecord(variables));
  });

  test("keeps every key of the configuration's env, whose values win (null included)", () => {
    const env = {
      API_KEY: 'k',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://mine:4318',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: null,
    };
    const merged = mergeLaunchEnvironment(env, variables)!;
    assert.equal(merged.API_KEY, 'k');
    assert.equal(merged.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://mine:4318');
    assert.equal(merged.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, null);
    assert.equal(merged.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
  });

  test('leaves an env that is not an object to the debugger', () => {
    assert.equal(mergeLaunchEnvironment('A=1', variables), undefined);
    assert.equal(mergeLaunchEnvironment(['A=1'], variables), undefined);
    assert.equal(mergeLaunchEnvironment(null, variables), undefined);
  });

  test('hasExportVariables tells a configuration that already has them all', () => {
    assert.ok(hasExportVariables(mergeLaunchEnvironment({ A: '1' }, variables), variables));
    assert.ok(!hasExportVariables({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, variables));
    assert.ok(!hasExportVariables(undefined, variables));
  });
});

describe('parseExportSettings', () => {
  test('both on by default; a non-boolean value is reported and falls back to on', () => {
    assert.deepEqual(
      parseExportSettings(() => undefined),
      { settings: { terminal: true, debug: true }, problems: [] },
    );
    const values: Record<string, unknown> = { 'terminal.injectEnvironment': false, 'debug.injectEnvironment': 'no' };
    const { settings, problems } = parseExportSettings((key) => values[key]);
    assert.deepEqual(settings, { terminal: false, debug: true });
    assert.deepEqual(problems, ['aiTraceLens.debug.injectEnvironment must be true or false, got "no"; using true.']);
  });
});
