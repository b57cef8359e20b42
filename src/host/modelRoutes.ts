/**
 * The model routes as the editor offers them (replay now, the judge later): the provider's API with a key from VS
 * Code's environment or asked once and kept in its secret storage, the OpenAI-compatible endpoint of
 * `aiTraceLens.replay.endpoint`, or a model from VS Code's Language Model API. `pickModelRoute` asks which (the last
 * choice first), `sendModelRequest` sends a request along it and records the call's trace in the shared store (kept
 * across reloads, shown in every window): HTTP routes through core/modelRoutes/tracedCall.ts's private gateway, a VS
 * Code model recorded here as it streams.
 *
 * A key is read from the environment or secret storage when a call needs it, and goes nowhere but that call's header.
 */
import * as vscode from 'vscode';
import { PROVIDERS } from '../core/gateway/providers';
import type { ProviderId } from '../core/gateway/wire';
import { LanguageModelCallRecorder } from '../core/modelRoutes/languageModelCall';
import type { ModelRequest } from '../core/modelRoutes/modelRequest';
import {
  apiKeyFromEnvironment,
  describeRoute,
  parseEndpointSetting,
  type HttpModelRoute,
} from '../core/modelRoutes/routes';
import {
  callTraceSpans,
  newCallTrace,
  sendTraced,
  type TracedCallOptions,
  type TracedCallResult,
} from '../core/modelRoutes/tracedCall';
import { CONFIG_SECTION, SettingKeys } from './contributions';
import type { Services } from './services';

export type ModelRoute = HttpModelRoute | { readonly kind: 'languageModel'; readonly model: vscode.LanguageModelChat };

/** A route in a few words, for progress and messages. */
export function routeLabel(route: ModelRoute): string {
  return route.kind === 'languageModel' ? route.model.name : describeRoute(route);
}

/** The last route picked, by `routeId`, kept per workspace. */
const LAST_ROUTE_KEY = 'aiTraceLens.lastModelRoute';
const secretKeyOf = (provider: ProviderId) => `aiTraceLens.apiKey.${provider}`;

interface RoutePick extends vscode.QuickPickItem {
  readonly id: string;
  readonly resolve: () => Promise<ModelRoute | undefined>;
}

/**
 * Asks which route runs a request for `provider`'s API, the last one picked first; undefined when dismissed or the
 * route picked cannot run (no key given, no endpoint set: the user is told what to do).
 */
export async function pickModelRoute(
  services: Services,
  provider: ProviderId,
  title: string,
): Promise<ModelRoute | undefined> {
  const picks = [providerPick(services, provider), endpointPick(services), ...(await languageModelPicks())];
  const last = services.context.workspaceState.get<string>(LAST_ROUTE_KEY);
  const ordered = [...picks.filter((pick) => pick.id === last), ...picks.filter((pick) => pick.id !== last)];
  const picked = await vscode.window.showQuickPick(ordered, {
    title,
    placeHolder: 'Send the request to… (the last route used first)',
    matchOnDetail: true,
  });
  if (picked === undefined) return undefined;
  await services.context.workspaceState.update(LAST_ROUTE_KEY, picked.id);
  return picked.resolve();
}

function providerPick(services: Services, provider: ProviderId): RoutePick {
  const wire = PROVIDERS[provider];
  const upstream = services.settings.gateway.upstreams[provider];
  const fromEnvironment = apiKeyFromEnvironment(provider, process.env) !== undefined;
  const keyNote =
    provider === 'ollama'
      ? 'no key needed'
      : fromEnvironment
        ? 'key from VS Code’s environment'
        : 'key asked once, kept in VS Code’s secret storage';
  return {
    id: 'provider',
    label: `$(cloud) ${wire.providerName} API`,
    detail: `${upstream ?? wire.defaultUpstream} · ${keyNote}`,
    resolve: async () => {
      const apiKey = provider === 'ollama' ? undefined : await apiKeyFor(services.context.secrets, provider);
      if (provider !== 'ollama' && apiKey === undefined) return undefined;
      return { kind: 'provider', provider, upstream, apiKey };
    },
  };
}

function endpointPick(services: Services): RoutePick {
  const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const { endpoint, problem } = parseEndpointSetting(
    configuration.get(SettingKeys.replayEndpoint),
    configuration.get(SettingKeys.replayEndpointModel),
  );
  if (problem !== undefined) services.log.warn(problem);
  const setting = `${CONFIG_SECTION}.${SettingKeys.replayEndpoint}`;
  return {
    id: 'endpoint',
    label: '$(server) OpenAI-compatible endpoint',
    detail: endpoint === undefined ? `Set ${setting} first (for example a local Ollama)` : endpoint.url,
    description: endpoint?.model,
    resolve: async () => {
      if (endpoint !== undefined)
        return { kind: 'endpoint', url: endpoint.url, model: endpoint.model, apiKey: undefined };
      await vscode.commands.executeCommand('workbench.action.openSettings', setting);
      return undefined;
    },
  };
}

async function languageModelPicks(): Promise<RoutePick[]> {
  const models = await vscode.lm.selectChatModels();
  return models.map((model) => ({
    id: `lm:${model.id}`,
    label: `$(sparkle) ${model.name}`,
    detail: `VS Code language model · ${model.vendor} · ${model.family}`,
    resolve: () => Promise.resolve({ kind: 'languageModel', model }),
  }));
}

/** The provider's key: VS Code's environment, else secret storage, else asked now and kept there. */
async function apiKeyFor(secrets: vscode.SecretStorage, provider: ProviderId): Promise<string | undefined> {
  const fromEnvironment = apiKeyFromEnvironment(provider, process.env);
  if (fromEnvironment !== undefined) return fromEnvironment;
  const stored = await secrets.get(secretKeyOf(provider));
  if (stored) return stored;
  const entered = await vscode.window.showInputBox({
    title: `${PROVIDERS[provider].providerName} API key`,
    prompt: 'Kept in VS Code’s secret storage, never in settings or files. Forget it with “Forget Model API Keys”.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter the API key.' : undefined),
  });
  if (entered === undefined) return undefined;
  await secrets.store(secretKeyOf(provider), entered.trim());
  return entered.trim();
}

/** Removes every key kept in secret storage; keys from the environment stay where they are. */
export async function forgetApiKeys(secrets: vscode.SecretStorage): Promise<void> {
  const providers = Object.keys(PROVIDERS) as ProviderId[];
  await Promise.all(providers.map((provider) => secrets.delete(secretKeyOf(provider))));
}

/** Sends `request` along `route`; the call's trace is in the store when this resolves. */
export async function sendModelRequest(
  services: Services,
  route: ModelRoute,
  request: ModelRequest,
  options: TracedCallOptions,
  token: vscode.CancellationToken,
): Promise<TracedCallResult> {
  if (route.kind === 'languageModel') return sendToLanguageModel(services, route.model, request, options, token);
  const { recordContent, proxy } = services.settings.gateway;
  const abort = new AbortController();
  const cancelled = token.onCancellationRequested(() => abort.abort());
  try {
    return await sendTraced(route, request, options, {
      onSpans: (spans) => services.storage.recordSpans(spans),
      recordContent,
      proxy,
      log: services.log,
      signal: abort.signal,
    });
  } finally {
    cancelled.dispose();
  }
}

/**
 * VS Code's chat API has user and assistant turns only: system text goes first as a user turn, tool results as user
 * text. Tools are not offered, so the model answers in text.
 */
function chatMessages(request: ModelRequest): vscode.LanguageModelChatMessage[] {
  return request.messages.map((message) =>
    message.role === 'assistant'
      ? vscode.LanguageModelChatMessage.Assistant(message.content)
      : vscode.LanguageModelChatMessage.User(message.content),
  );
}

async function sendToLanguageModel(
  services: Services,
  model: vscode.LanguageModelChat,
  request: ModelRequest,
  options: TracedCallOptions,
  token: vscode.CancellationToken,
): Promise<TracedCallResult> {
  const trace = newCallTrace();
  const identity = { vendor: model.vendor, model: model.family || model.id };
  const recorder = new LanguageModelCallRecorder(identity, request, services.settings.gateway.recordContent);
  const messages = chatMessages(request);
  let failure: { type: string; message: string } | undefined;
  try {
    const response = await model.sendRequest(messages, {}, token);
    for await (const part of response.stream) {
      if (part instanceof vscode.LanguageModelTextPart) recorder.text(part.value);
    }
  } catch (error) {
    const type = error instanceof vscode.LanguageModelError ? error.code || 'language_model_error' : 'error';
    failure = { type, message: error instanceof Error ? error.message : String(error) };
  }
  const text = recorder.answer;
  const tokens = {
    input: (await Promise.all(messages.map((message) => model.countTokens(message, token)))).reduce((a, b) => a + b, 0),
    output: text === '' ? 0 : await model.countTokens(text, token),
  };
  const callSpan = recorder.finish({ traceId: trace.traceId, spanId: trace.rootSpanId }, tokens, failure);
  await services.storage.recordSpans(callTraceSpans(trace, options, callSpan, failure?.message));
  return { traceId: trace.traceId, rootSpanId: trace.rootSpanId, text, callSpan, error: failure?.message };
}
