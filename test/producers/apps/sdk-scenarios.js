// Shared by the SDK apps (sdk-*.js), which call a model the way a user's program does, configured only through the
// environment (base URL and API key variables): runs the scenarios PRODUCER_SCENARIO names (comma-separated; all of
// the app's when unset) one after another and prints `{ [scenario]: result }` as JSON on the last stdout line. A
// scenario fills `out` as its answer arrives, so a call that fails mid-stream still reports what came before the
// error; a failed call reports `error: { name, status, message }` and the app still exits 0.

/** The tool the apps offer when PRODUCER_TOOLS=1, as JSON schema; each SDK wraps it in its own tool shape. */
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

export const offerTools = process.env.PRODUCER_TOOLS === '1';

export const PROMPT = 'What is the capital of France?';

/** Runs the named scenarios of `scenarios` (name → async (out) => void) and prints their results. */
export async function runScenarios(scenarios) {
  const names = process.env.PRODUCER_SCENARIO ? process.env.PRODUCER_SCENARIO.split(',') : Object.keys(scenarios);
  const results = {};
  for (const name of names) {
    const run = scenarios[name];
    if (!run) throw new Error(`Unknown scenario "${name}"; this app runs: ${Object.keys(scenarios).join(', ')}`);
    const out = {};
    try {
      await run(out);
    } catch (error) {
      out.error = {
        name: error?.constructor?.name ?? 'Error',
        status: statusOf(error),
        message: String(error?.message),
      };
    }
    results[name] = out;
  }
  console.log(JSON.stringify(results));
}

/** The HTTP status an SDK error carries (`status`, ollama's `status_code`, the ai SDK's `statusCode`). */
function statusOf(error) {
  return error?.status ?? error?.status_code ?? error?.statusCode;
}

/** Appends a text delta to `out[key]`, skipping empty ones. */
export function append(out, key, delta) {
  if (delta) out[key] = (out[key] ?? '') + delta;
}
