/**
 * The request parameters and tool definitions an LLM span recorded, in whichever convention: OTel GenAI and the
 * gateway (`gen_ai.request.*`, `gen_ai.tool.definitions`), OpenLLMetry (the same, plus `llm.request.functions.N.*`),
 * OpenInference (`llm.invocation_parameters`, `llm.tools.N.tool.json_schema`) and the Vercel AI SDK (`ai.settings.*`,
 * `ai.prompt.tools`). Tool definitions come in each provider's own shape (OpenAI's `function`, Anthropic's
 * `input_schema`, Gemini's `functionDeclarations`) and are read into the replay document's one shape.
 */
import { isObject } from '../gateway/providers/jsonFields';
import type { AttributeMap, AttributeValue } from '../model';
import type { RequestParameters, RequestTool } from '../modelRoutes/modelRequest';

type NumberKey = Exclude<keyof RequestParameters, 'stop'>;

/** Each parameter's keys, first found wins: OTel GenAI (and OpenLLMetry), OpenLLMetry's older names, Vercel. */
const PARAMETER_KEYS: readonly [NumberKey, readonly string[]][] = [
  ['temperature', ['gen_ai.request.temperature', 'llm.temperature', 'ai.settings.temperature']],
  ['top_p', ['gen_ai.request.top_p', 'llm.top_p', 'ai.settings.topP']],
  ['top_k', ['gen_ai.request.top_k', 'llm.top_k', 'ai.settings.topK']],
  [
    'max_tokens',
    ['gen_ai.request.max_tokens', 'llm.request.max_tokens', 'ai.settings.maxOutputTokens', 'ai.settings.maxTokens'],
  ],
  ['frequency_penalty', ['gen_ai.request.frequency_penalty', 'llm.frequency_penalty', 'ai.settings.frequencyPenalty']],
  ['presence_penalty', ['gen_ai.request.presence_penalty', 'llm.presence_penalty', 'ai.settings.presencePenalty']],
  ['seed', ['gen_ai.request.seed', 'ai.settings.seed']],
];
const STOP_KEYS = ['gen_ai.request.stop_sequences', 'llm.chat.stop_sequences', 'ai.settings.stopSequences'];

/** OpenInference's JSON of what the app passed the SDK; also the names other SDKs use for the same parameters. */
const INVOCATION_NAMES: Readonly<Record<string, NumberKey>> = {
  temperature: 'temperature',
  top_p: 'top_p',
  topP: 'top_p',
  top_k: 'top_k',
  topK: 'top_k',
  max_tokens: 'max_tokens',
  max_completion_tokens: 'max_tokens',
  maxOutputTokens: 'max_tokens',
  max_output_tokens: 'max_tokens',
  num_predict: 'max_tokens',
  frequency_penalty: 'frequency_penalty',
  presence_penalty: 'presence_penalty',
  seed: 'seed',
};

export function parametersOf(attributes: AttributeMap): RequestParameters {
  const parameters: RequestParameters = {};
  const invocation = objectOf(jsonOf(attributes.get('llm.invocation_parameters')));
  if (invocation !== undefined) {
    for (const [name, value] of Object.entries(invocation)) {
      const key = INVOCATION_NAMES[name];
      if (key !== undefined && typeof value === 'number') parameters[key] = value;
    }
    const stop = stringsOf(invocation.stop);
    if (stop !== undefined) parameters.stop = stop;
  }
  for (const [key, sources] of PARAMETER_KEYS) {
    for (const source of sources) {
      const value = numberOf(attributes.get(source));
      if (value !== undefined) {
        parameters[key] = value;
        break;
      }
    }
  }
  for (const source of STOP_KEYS) {
    const stop = stringsOf(jsonOf(attributes.get(source)));
    if (stop !== undefined) {
      parameters.stop = stop;
      break;
    }
  }
  return parameters;
}

export function toolsOf(attributes: AttributeMap): RequestTool[] {
  const definitions = jsonOf(attributes.get('gen_ai.tool.definitions'));
  if (Array.isArray(definitions)) return definitions.flatMap(toolsIn);
  const vercel = attributes.get('ai.prompt.tools');
  if (Array.isArray(vercel)) return vercel.flatMap((item) => toolsIn(jsonOf(item)));
  return [...indexedTools(attributes, 'llm.tools.', '.tool.json_schema'), ...openLlmetryFunctions(attributes)];
}

/** OpenInference: `llm.tools.0.tool.json_schema` holds one tool as JSON (OpenAI's shape, mostly). */
function indexedTools(attributes: AttributeMap, prefix: string, suffix: string): RequestTool[] {
  const tools: RequestTool[] = [];
  for (let index = 0; ; index++) {
    const value = attributes.get(`${prefix}${index}${suffix}`);
    if (value === undefined) return tools;
    tools.push(...toolsIn(jsonOf(value)));
  }
}

/** OpenLLMetry: `llm.request.functions.0.name`, `.description`, `.parameters` (JSON). */
function openLlmetryFunctions(attributes: AttributeMap): RequestTool[] {
  const tools: RequestTool[] = [];
  for (let index = 0; ; index++) {
    const base = `llm.request.functions.${index}.`;
    const name = attributes.get(`${base}name`);
    if (typeof name !== 'string') return tools;
    tools.push(
      ...toolsIn({
        name,
        description: attributes.get(`${base}description`),
        parameters: jsonOf(attributes.get(`${base}parameters`)),
      }),
    );
  }
}

/**
 * The tools in one definition: OTel's `{type:'function', name, parameters}`, OpenAI's `{type:'function', function}`,
 * Anthropic's `{name, input_schema}`, the AI SDK's `{name, inputSchema}`, Gemini's `{functionDeclarations: [...]}`.
 */
function toolsIn(value: unknown): RequestTool[] {
  const object = objectOf(value);
  if (object === undefined) return [];
  if (Array.isArray(object.functionDeclarations)) return object.functionDeclarations.flatMap(toolsIn);
  if (objectOf(object.function) !== undefined) return toolsIn(object.function);
  if (typeof object.name !== 'string' || object.name === '') return [];
  const schema = objectOf(
    object.parameters ?? object.input_schema ?? object.inputSchema ?? object.parametersJsonSchema,
  );
  return [
    {
      name: object.name,
      ...(typeof object.description === 'string' && { description: object.description }),
      ...(schema !== undefined && { parameters: schema }),
    },
  ];
}

/** Structured values are recorded as JSON text; anything else is taken as it is. */
function jsonOf(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function stringsOf(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every((item) => typeof item === 'string') ? value : undefined;
}
