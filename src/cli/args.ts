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
