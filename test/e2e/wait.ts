/** Timeouts and polling shared by the session, its page objects and the tests. */

export const STARTUP_TIMEOUT_MS = 90_000;
/** How long UI expectations wait: the tree and status bar refresh within a second, a loaded machine needs more. */
export const UI_TIMEOUT_MS = 15_000;

export function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

/** Polls `probe` until it returns a value other than undefined; the last error or value goes into the message. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(200);
  }
}
