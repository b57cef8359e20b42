/** Errors as text for messages and logs: anything may be thrown, not only Errors. */

/** The message of an Error, or the thrown value as text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Like `describeError`, with the stack where there is one: for logs a developer reads. */
export function describeErrorWithStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
