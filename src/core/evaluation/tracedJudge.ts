/**
 * The judge as a traced model call: each judge request becomes a model request sent along a model route
 * (core/modelRoutes), so the judge's calls land in a trace of their own service, `ai-trace-lens judge`, with their
 * tokens and cost, each linked to the span it graded. The editor sends along the route the user picks, the CLI along
 * its --judge-url endpoint; both inject how to send, and get a `JudgeModel`.
 */
import type { ProviderId } from '../gateway/wire';
import type { ModelRequest } from '../modelRoutes/modelRequest';
import type { TracedCallOptions, TracedCallResult } from '../modelRoutes/tracedCall';
import type { JudgeModel } from './evaluate';
import type { Evaluator } from './evaluators';
import type { JudgeRequest } from './judgePrompt';
import type { EvaluationTarget } from './targetContent';

export const JUDGE_SERVICE = 'ai-trace-lens judge';
const JUDGE_SCOPE = 'ai-trace-lens.judge';
/** On the judge's spans: the id of the span it graded (a span link says the same). */
export const JUDGE_OF_ATTRIBUTE = 'ai_trace_lens.judge.of';

/** The judge's model: which API it speaks and the model it names (an endpoint route may name its own). */
export interface JudgeModelName {
  readonly provider: ProviderId;
  readonly model: string;
}

/** Sends one model request along the chosen route and traces it: core sendTraced, or the editor's sendModelRequest. */
export type SendTraced = (request: ModelRequest, options: TracedCallOptions) => Promise<TracedCallResult>;

/** The judge's two messages as a model request; temperature 0, so the same run graded twice gets the same grade. */
export function judgeModelRequest(request: JudgeRequest, { provider, model }: JudgeModelName): ModelRequest {
  return {
    provider,
    model,
    messages: [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ],
    parameters: { temperature: 0 },
    tools: [],
  };
}

/** The judge call's trace: in the judge's service, named for the evaluator, linked to the graded span. */
export function judgeCallOptions(evaluator: Evaluator, target: EvaluationTarget): TracedCallOptions {
  return {
    service: JUDGE_SERVICE,
    scope: JUDGE_SCOPE,
    name: `judge ${evaluator.name}`,
    linkTo: { traceId: target.traceId, spanId: target.spanId, attribute: JUDGE_OF_ATTRIBUTE },
  };
}

/** A judge that sends through `send`; a call that failed rejects, so `evaluate` reports it as the judge's error. */
export function tracedJudge(send: SendTraced, name: JudgeModelName): JudgeModel {
  return async (request, { evaluator, target }) => {
    const result = await send(judgeModelRequest(request, name), judgeCallOptions(evaluator, target));
    if (result.error !== undefined) throw new Error(result.error);
    return { text: result.text };
  };
}
