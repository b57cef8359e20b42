import type { PathMapping } from './code/paths';
import { DEFAULT_GRPC_PORT, DEFAULT_HOST, DEFAULT_HTTP_PORT, DEFAULT_MAX_BODY_BYTES } from './receiver/options';

/**
 * The extension's settings as plain values. VS Code does not enforce the package.json schema on values typed into
 * settings.json, so every value is checked here and an invalid one falls back to its default with a problem
 * message the host logs, instead of reaching the receiver or the store.
 */

export interface ReceiverSettings {
  enabled: boolean;
  host: string;
  port: number;
  /** The OTLP/gRPC port; 0 turns gRPC off. */
  grpcPort: number;
  maxBodyBytes: number;
}

export interface Settings {
  receiver: ReceiverSettings;
  maxSpans: number;
  maxLogRecords: number;
  maxMetricPoints: number;
}

/** Settings of jump to code and the CodeLens figures. */
export interface CodeSettings {
  /** Prefix pairs from where traced programs ran (container, WSL, remote host) to this machine. */
  pathMappings: PathMapping[];
  codeLensEnabled: boolean;
}

/** Zero-config capture: whether terminals and debug sessions get the variables that send traces to the receiver. */
export interface ExportSettings {
  terminal: boolean;
  debug: boolean;
}

const MIB = 1024 * 1024;

/** Defaults, mirrored by package.json (test/unit/contributions.test.ts keeps the two equal). */
export const SETTING_DEFAULTS = {
  'receiver.enabled': true,
  'receiver.host': DEFAULT_HOST,
  'receiver.port': DEFAULT_HTTP_PORT,
  'receiver.grpcPort': DEFAULT_GRPC_PORT,
  'receiver.maxBodySize': DEFAULT_MAX_BODY_BYTES / MIB,
  'store.maxSpans': 200_000,
  'store.maxLogRecords': 50_000,
  'store.maxMetricPoints': 100_000,
  'codeLens.enabled': true,
  'terminal.injectEnvironment': true,
  'debug.injectEnvironment': true,
} as const;

export const SETTING_LIMITS = {
  'receiver.port': { minimum: 1, maximum: 65_535 },
  'receiver.grpcPort': { minimum: 0, maximum: 65_535 },
  'receiver.maxBodySize': { minimum: 1, maximum: 1024 },
  'store.maxSpans': { minimum: 1000, maximum: 10_000_000 },
  'store.maxLogRecords': { minimum: 1000, maximum: 10_000_000 },
  'store.maxMetricPoints': { minimum: 1000, maximum: 10_000_000 },
} as const;

export interface ParsedSettings {
  settings: Settings;
  /** One sentence per ignored value. */
  problems: string[];
}

/** A true/false setting's value; anything else set falls back to `fallback`, with a problem message. */
export function booleanSetting(key: string, value: unknown, fallback: boolean, problems: string[]): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== undefined && value !== null) {
    problems.push(`aiTraceLens.${key} must be true or false, got ${JSON.stringify(value)}; using ${fallback}.`);
  }
  return fallback;
}

/** An integer setting's value within its limits; anything else set falls back to `fallback`, with a problem message. */
export function integerSetting(
  key: string,
  value: unknown,
  fallback: number,
  { minimum, maximum }: { minimum: number; maximum: number },
  problems: string[],
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum) return value;
  problems.push(
    `aiTraceLens.${key} must be an integer from ${minimum} to ${maximum}, got ${JSON.stringify(value)}; ` +
      `using ${fallback}.`,
  );
  return fallback;
}

/** Reads every setting through `get` (a key relative to the `aiTraceLens` section; undefined when unset). */
export function parseSettings(get: (key: keyof typeof SETTING_DEFAULTS) => unknown): ParsedSettings {
  const problems: string[] = [];

  const integer = (key: keyof typeof SETTING_LIMITS): number =>
    integerSetting(key, get(key), SETTING_DEFAULTS[key], SETTING_LIMITS[key], problems);
  const enabledKey = 'receiver.enabled';
  const enabled = booleanSetting(enabledKey, get(enabledKey), SETTING_DEFAULTS[enabledKey], problems);

  const hostValue = get('receiver.host');
  let host: string = SETTING_DEFAULTS['receiver.host'];
  if (typeof hostValue === 'string' && hostValue.trim() !== '') host = hostValue.trim();
  else if (hostValue !== undefined && hostValue !== null && hostValue !== '') {
    problems.push(
      `aiTraceLens.receiver.host must be a host name or IP address, got ${JSON.stringify(hostValue)}; using ${host}.`,
    );
  }

  return {
    settings: {
      receiver: {
        enabled,
        host,
        port: integer('receiver.port'),
        grpcPort: integer('receiver.grpcPort'),
        maxBodyBytes: integer('receiver.maxBodySize') * MIB,
      },
      maxSpans: integer('store.maxSpans'),
      maxLogRecords: integer('store.maxLogRecords'),
      maxMetricPoints: integer('store.maxMetricPoints'),
    },
    problems,
  };
}

export function sameReceiverSettings(a: ReceiverSettings, b: ReceiverSettings): boolean {
  return (
    a.enabled === b.enabled &&
    a.host === b.host &&
    a.port === b.port &&
    a.grpcPort === b.grpcPort &&
    a.maxBodyBytes === b.maxBodyBytes
  );
}

export interface ParsedCodeSettings {
  settings: CodeSettings;
  problems: string[];
}

/** Reads `pathMappings` and `codeLens.enabled`; invalid mapping entries are left out, each with a problem message. */
export function parseCodeSettings(get: (key: 'pathMappings' | 'codeLens.enabled') => unknown): ParsedCodeSettings {
  const problems: string[] = [];
  const pathMappings: PathMapping[] = [];
  const mappings = get('pathMappings');
  if (Array.isArray(mappings)) {
    mappings.forEach((entry: unknown, index) => {
      const { from, to } = (typeof entry === 'object' && entry !== null ? entry : {}) as {
        from?: unknown;
        to?: unknown;
      };
      if (typeof from === 'string' && from.trim() !== '' && typeof to === 'string' && to.trim() !== '') {
        pathMappings.push({ from: from.trim(), to: to.trim() });
      } else {
        problems.push(
          `aiTraceLens.pathMappings[${index}] must be an object with non-empty "from" and "to" paths, ` +
            `got ${JSON.stringify(entry)}; ignoring it.`,
        );
      }
    });
  } else if (mappings !== undefined && mappings !== null) {
    problems.push(
      `aiTraceLens.pathMappings must be an array of {"from", "to"} pairs, got ${JSON.stringify(mappings)}; ignoring it.`,
    );
  }

  const enabledValue = get('codeLens.enabled');
  let codeLensEnabled: boolean = SETTING_DEFAULTS['codeLens.enabled'];
  if (typeof enabledValue === 'boolean') codeLensEnabled = enabledValue;
  else if (enabledValue !== undefined && enabledValue !== null) {
    problems.push(
      `aiTraceLens.codeLens.enabled must be true or false, got ${JSON.stringify(enabledValue)}; using true.`,
    );
  }
  return { settings: { pathMappings, codeLensEnabled }, problems };
}

export interface ParsedExportSettings {
  settings: ExportSettings;
  problems: string[];
}

/** Reads `terminal.injectEnvironment` and `debug.injectEnvironment`; a non-boolean value falls back to true. */
export function parseExportSettings(
  get: (key: 'terminal.injectEnvironment' | 'debug.injectEnvironment') => unknown,
): ParsedExportSettings {
  const problems: string[] = [];
  const flag = (key: 'terminal.injectEnvironment' | 'debug.injectEnvironment'): boolean => {
    const value = get(key);
    if (typeof value === 'boolean') return value;
    if (value !== undefined && value !== null) {
      problems.push(`aiTraceLens.${key} must be true or false, got ${JSON.stringify(value)}; using true.`);
    }
    return SETTING_DEFAULTS[key];
  };
  return {
    settings: { terminal: flag('terminal.injectEnvironment'), debug: flag('debug.injectEnvironment') },
    problems,
  };
}
