/**
 * The span of a call to a model from VS Code's Language Model API (`vscode.lm`), which no gateway can see: the host
 * reports each streamed text part as it arrives, and this records the call with the same meter and span builder as
 * the gateway (callSpan.ts), so its TTFT (first text part), TPOT, tokens and content attributes read like any gateway
 * call's. Tokens are counted by the model's own tokenizer and marked as estimates.
 */
import { performance } from 'node:perf_hooks';
import type { Span } from '../model';
import { callSpan } from '../gateway/callSpan';
import { CallMeter } from '../gateway/meter';
import { PROVIDERS } from '../gateway/providers';
import type { GenAiMessage } from '../gateway/wire';
import type { ModelRequest } from './modelRequest';

/** Not a gateway span: the store must not take it for one (it would look for the app call it measured). */
export const LANGUAGE_MODEL_SCOPE = 'ai-trace-lens.languageModel';

export interface LanguageModelIdentity {
  /** `vscode.LanguageModelChat.vendor` (`copilot`): the provider, as far as VS Code says. */
  readonly vendor: string;
  /** `vscode.LanguageModelChat.family` or id: the model. */
  readonly model: string;
}

export class LanguageModelCallRecorder {
  private readonly meter: CallMeter;
  private readonly startUnixNano = BigInt(Date.now()) * 1_000_000n;

  constructor(
    private readonly identity: LanguageModelIdentity,
    private readonly request: ModelRequest,
    private readonly recordContent: boolean,
  ) {
    this.meter = new CallMeter(performance.now());
  }

  /** A text part of the answer arrived now. */
  text(delta: string): void {
    this.meter.chunk(performance.now());
    this.meter.text(delta);
  }

  get answer(): string {
    return this.meter.outputText();
  }

  /** The call's span, a child of `parent`; `failure` when the model refused or the stream broke. */
  finish(
    parent: { traceId: string; spanId: string },
    tokens: { input?: number; output?: number },
    failure: { type: string; message: string } | undefined,
  ): Span {
    const endMs = performance.now();
    const inputMessages: GenAiMessage[] = this.request.messages.map((message) => ({
      role: message.role,
      parts: [{ type: 'text', content: message.content }],
    }));
    const span = callSpan({
      provider: { ...PROVIDERS.openai, providerName: this.identity.vendor },
      call: {
        operation: 'chat',
        model: this.identity.model,
        stream: true,
        parameters: {},
        toolDefinitions: undefined,
        systemInstructions: undefined,
        inputMessages,
        streamWithoutUsage: true,
      },
      meter: this.meter,
      outcome: { status: failure === undefined ? 200 : undefined, failure },
      startUnixNano: this.startUnixNano,
      endUnixNano: this.startUnixNano + BigInt(Math.round((endMs - this.meter.startMs) * 1e6)),
      endMs,
      upstream: new URL('https://vscode.lm'),
      userAgent: undefined,
      parent,
      estimated: tokens,
      recordContent: this.recordContent,
    });
    // Not sent over HTTP: no status, no server.
    for (const key of ['http.response.status_code', 'server.address', 'server.port']) span.attributes.delete(key);
    return { ...span, scope: { ...span.scope, name: LANGUAGE_MODEL_SCOPE } };
  }
}
