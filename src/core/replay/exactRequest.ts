/**
 * A gateway call replayed exactly: the body the app sent (kept on its span, gateway/recordedRequest.ts) is sent again
 * as it was, and only what the document's editable fields changed is written into it. What changed is found by
 * reading the recorded body the way the gateway read it when the call was made (the provider's reader, then the span
 * it made, then the document's fields: buildDocument.ts) and comparing field by field, message by message; each
 * changed part is rendered by wireRequest.ts and put in the place the provider's API keeps it. So an edited system
 * prompt is sent edited, while `tool_choice`, `response_format`, images, reasoning effort, `n` and every other field
 * the document does not name go as the app sent them.
 */
import { isDeepStrictEqual } from 'node:util';
import { callSpan } from '../gateway/callSpan';
import { CallMeter } from '../gateway/meter';
import { PROVIDERS } from '../gateway/providers';
import type { ProviderId } from '../gateway/wire';
import type { ModelRequest, RequestMessage, RequestParameters } from '../modelRoutes/modelRequest';
import { toWireRequest, type WireRequest } from '../modelRoutes/wireRequest';
import { requestOfSpan } from './buildDocument';
import type { GatewayRequest } from './replayDocument';

type Body = Record<string, unknown>;

/** Where a chat API keeps the system prompt (when apart from the turns: the first key is the one written) and turns. */
interface MessagesLayout {
  readonly path: RegExp;
  readonly system?: readonly string[];
  readonly turns: string;
}

/** The chat APIs whose messages the document's can be written into; for others (Responses, completions) only model. */
const LAYOUTS: Readonly<Record<ProviderId, MessagesLayout>> = {
  openai: { path: /\/chat\/completions$/, turns: 'messages' },
  anthropic: { path: /\/messages$/, system: ['system'], turns: 'messages' },
  gemini: {
    path: /:(stream)?generateContent(\?|$)/i,
    system: ['systemInstruction', 'system_instruction'],
    turns: 'contents',
  },
  ollama: { path: /\/api\/chat$/, turns: 'messages' },
};

/** Where each parameter goes: the object holding it (the body when undefined), then its names, the usual one first. */
const PARAMETER_PLACES: Readonly<
  Record<ProviderId, { container?: readonly string[]; names: Partial<Record<keyof RequestParameters, string[]>> }>
> = {
  openai: {
    names: {
      temperature: ['temperature'],
      top_p: ['top_p'],
      max_tokens: ['max_tokens', 'max_completion_tokens'],
      frequency_penalty: ['frequency_penalty'],
      presence_penalty: ['presence_penalty'],
      seed: ['seed'],
      stop: ['stop'],
    },
  },
  anthropic: {
    names: {
      temperature: ['temperature'],
      top_p: ['top_p'],
      top_k: ['top_k'],
      max_tokens: ['max_tokens'],
      stop: ['stop_sequences'],
    },
  },
  gemini: {
    container: ['generationConfig', 'generation_config'],
    names: {
      temperature: ['temperature'],
      top_p: ['topP'],
      top_k: ['topK'],
      max_tokens: ['maxOutputTokens'],
      frequency_penalty: ['frequencyPenalty'],
      presence_penalty: ['presencePenalty'],
      seed: ['seed'],
      stop: ['stopSequences'],
    },
  },
  ollama: {
    container: ['options'],
    names: {
      temperature: ['temperature'],
      top_p: ['top_p'],
      top_k: ['top_k'],
      max_tokens: ['num_predict'],
      frequency_penalty: ['frequency_penalty'],
      presence_penalty: ['presence_penalty'],
      seed: ['seed'],
      stop: ['stop'],
    },
  },
};

/**
 * The recorded request with `request`'s edits applied; undefined when it cannot be (another provider now, a body the
 * provider's reader no longer reads, edited messages of an API without a known layout): the request is then sent
 * in its provider-neutral form, as for any instrumented call.
 */
export function exactWireRequest(request: ModelRequest, recorded: GatewayRequest): WireRequest | undefined {
  if (request.provider !== recorded.provider) return undefined;
  const original = recordedFields(recorded);
  if (original === undefined) return undefined;
  const layout = LAYOUTS[recorded.provider];
  const chat = layout.path.test(recorded.path);
  const sameTurns = isDeepStrictEqual(original.messages, request.messages);
  const sameTools = isDeepStrictEqual(original.tools, request.tools);
  if (!chat && !(sameTurns && sameTools && isDeepStrictEqual(original.parameters, request.parameters))) {
    return undefined;
  }
  const rendered = toWireRequest(request).body;
  const body = structuredClone(recorded.body);
  let path = recorded.path;
  if (original.model !== request.model) {
    if (recorded.provider === 'gemini') {
      path = path.replace(/\/models\/[^/:?]+/, `/models/${encodeURIComponent(request.model)}`);
    } else body.model = request.model;
  }
  if (!sameTurns) writeMessages(body, rendered, original.messages, request.messages, layout);
  if (!sameTools) setOrDelete(body, 'tools', rendered.tools);
  writeParameters(body, recorded.provider, original.parameters, request.parameters);
  return { provider: recorded.provider, path, body };
}

/** The document's fields as the recorded body gives them: read by the provider's reader into the span it made. */
function recordedFields({ provider, path, body }: GatewayRequest): ModelRequest | undefined {
  const wire = PROVIDERS[provider];
  const call = wire.parseRequest('POST', path, body);
  if (call === undefined) return undefined;
  const span = callSpan({
    provider: wire,
    call,
    meter: new CallMeter(0),
    outcome: { status: undefined, failure: undefined },
    startUnixNano: 0n,
    endUnixNano: 0n,
    endMs: 0,
    upstream: new URL(wire.defaultUpstream),
    userAgent: undefined,
    parent: undefined,
    estimated: {},
    recordContent: true,
  });
  const built = requestOfSpan(span);
  return 'request' in built ? built.request : undefined;
}

/**
 * Messages the document changed, each rendered in place of the recorded one; the others stay as the app sent them
 * (images, cache markers). The rendered turns match the document's one for one; the recorded ones are kept only when
 * they matched the original document's one for one too.
 */
function writeMessages(
  body: Body,
  rendered: Body,
  original: readonly RequestMessage[],
  edited: readonly RequestMessage[],
  layout: MessagesLayout,
): void {
  let [originalTurns, editedTurns] = [original, edited];
  if (layout.system !== undefined) {
    const system = (messages: readonly RequestMessage[]) => messages.filter((message) => message.role === 'system');
    if (!isDeepStrictEqual(system(original), system(edited))) {
      const key = layout.system.find((name) => name in body) ?? layout.system[0]!;
      for (const name of layout.system) delete body[name];
      setOrDelete(body, key, rendered[layout.system[0]!]);
    }
    const turns = (messages: readonly RequestMessage[]) => messages.filter((message) => message.role !== 'system');
    [originalTurns, editedTurns] = [turns(original), turns(edited)];
  }
  const recorded = body[layout.turns];
  const aligned = Array.isArray(recorded) && recorded.length === originalTurns.length;
  const renderedTurns = (rendered[layout.turns] ?? []) as unknown[];
  body[layout.turns] = renderedTurns.map((turn, index) =>
    aligned && isDeepStrictEqual(originalTurns[index], editedTurns[index]) ? (recorded as unknown[])[index] : turn,
  );
}

/** Each parameter the document changed, written where the provider keeps it, under the name the app used. */
function writeParameters(
  body: Body,
  provider: ProviderId,
  original: RequestParameters,
  edited: RequestParameters,
): void {
  const places = PARAMETER_PLACES[provider];
  for (const [parameter, names] of Object.entries(places.names) as [keyof RequestParameters, string[]][]) {
    const value = edited[parameter];
    if (isDeepStrictEqual(original[parameter], value)) continue;
    const container = containerOf(body, places.container);
    const name = names.find((candidate) => candidate in container) ?? names[0]!;
    for (const candidate of names) delete container[candidate];
    setOrDelete(container, name, value);
  }
}

/** The object holding parameters (made when the body has none), under whichever spelling the app used. */
function containerOf(body: Body, keys: readonly string[] | undefined): Body {
  if (keys === undefined) return body;
  const key = keys.find((name) => typeof body[name] === 'object' && body[name] !== null) ?? keys[0]!;
  body[key] ??= {};
  return body[key] as Body;
}

function setOrDelete(target: Body, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}
