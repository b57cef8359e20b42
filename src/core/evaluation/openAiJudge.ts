/**
 * A judge model behind an OpenAI-compatible chat completions endpoint (OpenAI, Ollama's /v1, vLLM, LiteLLM, …): one
 * POST to `{baseUrl}/chat/completions` per request, with the API key as a bearer token when one is given. The key
 * goes into the request header only: it is never part of an error message, a result or an event.
 */
import type { JudgeModel } from './evaluate';

export interface OpenAiJudgeOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Per request; a judge that hangs must not hang CI. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Characters of an error body quoted: enough for the provider's message. */
const QUOTED_BODY = 300;

export function openAiJudge(options: OpenAiJudgeOptions): JudgeModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return async ({ system, user }) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey !== undefined && options.apiKey !== '') headers.authorization = `Bearer ${options.apiKey}`;
    const response = await fetch(url, {
      method: 'POST',
      headers,
      // Temperature 0: the same run graded twice should get the same grade.
      body: JSON.stringify({
        model: options.model,
        temperature: 0,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    // A provider may echo the key it refused: it is cut from anything quoted.
    const body = redact(await response.text(), options.apiKey);
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status} ${response.statusText}: ${body.slice(0, QUOTED_BODY)}`);
    }
    const text = messageText(body);
    if (text === undefined)
      throw new Error(`${url} answered without choices[0].message.content: ${body.slice(0, QUOTED_BODY)}`);
    return { text };
  };
}

function redact(text: string, secret: string | undefined): string {
  return secret === undefined || secret === '' ? text : text.split(secret).join('***');
}

function messageText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    const content = parsed.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}
