/** What every subcommand shares: its expected failures and how its options are read. */
import { describeError } from '../shared/errors';

/** An expected failure: its message alone is printed, and a usage error (exit code 2) is followed by the usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, 2);

/** `--help` / `-h`, which every subcommand takes. */
export const HELP_OPTION = { type: 'boolean', short: 'h' } as const;

/** parseArgs rejects unknown options and missing values; those are usage errors. */
export function parseOptions<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw usageError(describeError(error));
  }
}

export function integerOption(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw usageError(`${name} must be an integer from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A moment named by `--since`/`--until`: a duration back from `nowMs` (`90s`, `30m`, `2h`, `7d`) or a date and time
 * `Date.parse` reads (`2026-12-06T09:30:00Z`), as milliseconds since the epoch.
 */
export function timeOption(name: string, text: string, nowMs: number): number {
  const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (duration) return nowMs - Number(duration[1]) * DURATION_MS[duration[2] as keyof typeof DURATION_MS];
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw usageError(`${name} takes a duration back from now (30m, 2h, 7d) or a date and time, not "${text}".`);
  }
  return time;
}
