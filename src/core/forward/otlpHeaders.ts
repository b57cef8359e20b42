/**
 * `OTEL_EXPORTER_OTLP_HEADERS`, as the OpenTelemetry spec defines it: W3C-baggage-like `key1=value1,key2=value2`, each
 * key and value trimmed and percent-decoded. Values are usually API keys: what is reported about a bad entry names its
 * position and key, never its value.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';

export interface OtlpHeaders {
  headers: Record<string, string>;
  /** One description per entry left out, safe to log (no values). */
  skipped: string[];
}

export function parseOtlpHeaders(text: string | undefined): OtlpHeaders {
  const headers: Record<string, string> = {};
  const skipped: string[] = [];
  const entries = (text ?? '').split(',');
  entries.forEach((entry, index) => {
    if (entry.trim() === '') return;
    const where = `entry ${index + 1}`;
    const equals = entry.indexOf('=');
    if (equals < 0) {
      skipped.push(`${where} has no "="`);
      return;
    }
    const key = decoded(entry.slice(0, equals).trim());
    const value = decoded(entry.slice(equals + 1).trim());
    if (key === undefined || !isValid(() => validateHeaderName(key))) {
      skipped.push(`${where} has an invalid header name`);
    } else if (value === undefined || !isValid(() => validateHeaderValue(key, value))) {
      skipped.push(`${where} (${key}) has an invalid value`);
    } else headers[key] = value;
  });
  return { headers, skipped };
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function isValid(validate: () => void): boolean {
  try {
    validate();
    return true;
  } catch {
    return false;
  }
}
