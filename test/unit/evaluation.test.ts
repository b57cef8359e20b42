/**
 * Judge evaluation's core: custom evaluator files, what a judge is sent for each kind of target (with recorded
 * content and without), how its answer is read, and `gen_ai.evaluation.result` events: written as OTLP JSON and read
 * back, and sent by apps as log records or span events, shown the same way.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderTraceForCompare } from '../../src/core/compareText';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { evaluationsOfSpan } from '../../src/core/evaluation/evaluationEvents';
import { evaluationsTooltipMarkdown } from '../../src/core/evaluation/present';
import { parseEvaluatorFile, EvaluatorFileError } from '../../src/core/evaluation/customEvaluators';
import { evaluate, evaluationRecord, type JudgeModel } from '../../src/core/evaluation/evaluate';
import { EvaluationIndex } from '../../src/core/evaluation/evaluationIndex';
import { builtInEvaluator } from '../../src/core/evaluation/evaluators';
import { parseJudgeAnswer } from '../../src/core/evaluation/judgeAnswer';
import { buildJudgeRequest, type JudgeRequest } from '../../src/core/evaluation/judgePrompt';
import { EvaluationError, llmCallTarget, traceTarget } from '../../src/core/evaluation/targetContent';
import { parseOtlpFile } from '../../src/core/inputFiles';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { loadOtlpFile, traceFileText } from '../../src/core/traceFile';
import { spanEvaluationBadge, traceEvaluationBadge } from '../../src/shared/evaluations';

function demoStores(): { traces: TraceStore; logs: LogStore; trace: TraceRecord } {
  const traces = new TraceStore({ maxSpans: 10_000 });
  const logs = new LogStore({ maxRecords: 10_000 });
  const demo = buildDemoTrace();
  loadOtlpFile(parseOtlpFile(Buffer.from(demo.body), 'demo'), 'demo', { traces, logs });
  return { traces, logs, trace: traces.getTrace(demo.traceId)! };
}

const logsIn = (logs: LogStore) => (span: { traceId: string; spanId: string }) =>
  logs.forSpan(span.traceId, span.spanId);

function finalChat(trace: TraceRecord) {
  return trace
    .spans()
    .filter((node) => node.ai.kind === 'llm')
    .at(-1)!;
}

describe('custom evaluator files', () => {
  const file = (front: string, body = 'Grade how concise the answer is.') => `---\n${front}\n---\n${body}\n`;

  test('front matter and body make the evaluator', () => {
    const evaluator = parseEvaluatorFile(file('name: concise\nscale: 1-10\nappliesTo: [llm, trace]'), 'concise.md');
    assert.equal(evaluator.name, 'concise');
    assert.deepEqual(evaluator.scale, { kind: 'range', min: 1, max: 10 });
    assert.deepEqual(evaluator.appliesTo, ['llm', 'trace']);
    assert.equal(evaluator.instructions, 'Grade how concise the answer is.');
    assert.equal(evaluator.source, 'concise.md');
    assert.deepEqual(parseEvaluatorFile(file('name: polite\nscale: pass/fail\nappliesTo: session'), 'p.md').scale, {
      kind: 'pass-fail',
    });
  });

  const bad: [string, string, RegExp][] = [
    ['no front matter', 'Just a rubric', /x\.md: no front matter/],
    ['YAML that does not parse', file('name: [unclosed'), /x\.md: the front matter is not valid YAML/],
    ['a bad scale', file('name: a\nscale: 5-1\nappliesTo: llm'), /x\.md: "scale" must be pass\/fail or a range/],
    [
      'a bad appliesTo',
      file('name: a\nscale: 1-5\nappliesTo: span'),
      /x\.md: "appliesTo" must be llm, trace or session/,
    ],
    ['a missing name', file('scale: 1-5\nappliesTo: llm'), /x\.md: "name" must be a word/],
    [
      'an unknown field',
      file('name: a\nscale: 1-5\nappliesTo: llm\nscore: 3'),
      /x\.md: unknown front matter field "score"/,
    ],
    ['an empty body', file('name: a\nscale: 1-5\nappliesTo: llm', ''), /x\.md: the body is empty/],
  ];
  for (const [what, text, message] of bad) {
    test(`${what} is an error naming the file and field`, () => {
      assert.throws(
        () => parseEvaluatorFile(text, 'x.md'),
        (error: unknown) => {
          assert.ok(error instanceof EvaluatorFileError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('what the judge is sent', () => {
  test("an LLM call: its question, system prompt, tool results and answer, and the scale's JSON format", () => {
    const { logs, trace } = demoStores();
    const target = llmCallTarget(trace, finalChat(trace), logsIn(logs));
    const request = buildJudgeRequest(builtInEvaluator('faithfulness')!, target);
    assert.match(request.system, /exactly one JSON object/);
    assert.match(
      request.system,
      /"score": an integer from 1 to 5 \(1 poor, 2 weak, 3 acceptable, 4 good, 5 excellent\)/,
    );
    assert.match(request.user, /<user_question>\nI land in Lisbon on Friday/);
    assert.match(request.user, /<system_prompt>\nYou are a travel planner/);
    assert.match(request.user, /<context>[\s\S]*TimeoutError[\s\S]*<\/context>/);
    assert.match(request.user, /<answer>\nLisbon on Friday: sunny/);
    assert.equal(target.spanId, finalChat(trace).span.spanId);
  });

  test('an agent run: every tool call and tool span, the final answer, parented to the root span', () => {
    const { logs, trace } = demoStores();
    const target = traceTarget(trace, logsIn(logs));
    assert.equal(target.spanId, trace.roots[0]!.span.spanId);
    assert.match(target.content.toolCalls, /get_weather\(/);
    assert.match(target.content.toolCalls, /get_exchange_rate\(/);
    assert.match(target.content.context, /tool get_exchange_rate\(.*\) failed/);
    assert.match(target.content.answer, /^Lisbon on Friday/);
  });

  test('content over its share of the budget is cut in the middle, saying how much', () => {
    const { logs, trace } = demoStores();
    const node = finalChat(trace);
    node.span.attributes.set(
      'gen_ai.output.messages',
      JSON.stringify([{ role: 'assistant', content: 'x'.repeat(50_000) }]),
    );
    const { answer } = llmCallTarget(trace, node, logsIn(logs)).content;
    assert.ok(answer.length <= 6_000, `answer is ${answer.length} characters`);
    assert.match(answer, /characters cut/);
  });

  test('a call that recorded no content is an error saying how to record it', () => {
    const { logs, trace } = demoStores();
    const node = finalChat(trace);
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']) {
      node.span.attributes.delete(key);
    }
    assert.throws(
      () => llmCallTarget(trace, node, logsIn(logs)),
      (error: unknown) => {
        assert.ok(error instanceof EvaluationError);
        assert.match(error.message, /was not recorded: turn on content capture.*CAPTURE_MESSAGE_CONTENT=true/);
        return true;
      },
    );
  });
});

describe("the judge's answer", () => {
  const oneToFive = builtInEvaluator('relevance')!.scale;
  const passFail = builtInEvaluator('task-completion')!.scale;

  test('a JSON object in a fenced block or with text around it is read', () => {
    const fenced = 'Sure.\n```json\n{"score": 4, "label": "good", "explanation": "Answers {both} parts."}\n```';
    assert.deepEqual(parseJudgeAnswer(fenced, oneToFive), {
      score: 4,
      label: 'good',
      explanation: 'Answers {both} parts.',
    });
    const prose = 'My verdict is {"score": 0, "label": "fail", "explanation": "No dinner advice."} as asked.';
    assert.deepEqual(parseJudgeAnswer(prose, passFail), { score: 0, label: 'fail', explanation: 'No dinner advice.' });
  });

  const malformed: [string, string, RegExp][] = [
    ['prose only', 'The answer is relevant, I would say 4.', /holds no JSON object/],
    [
      'a score off the scale',
      '{"score": 7, "label": "great", "explanation": "x"}',
      /score 7 is outside the scale 1 to 5/,
    ],
    ['a score that is text', '{"score": "4", "explanation": "x"}', /"score" is not a number/],
    ['truncated JSON', '{"score": 4, "explanation": "cut', /holds no JSON object/],
  ];
  for (const [what, text, reason] of malformed) {
    test(`${what} is a clear error quoting the answer`, () => {
      assert.throws(
        () => parseJudgeAnswer(text, oneToFive),
        (error: unknown) => {
          assert.ok(error instanceof EvaluationError);
          assert.match(error.message, reason);
          assert.ok(error.message.includes(JSON.stringify(text).slice(1, 20)));
          return true;
        },
      );
    });
  }

  test('evaluate records an error and no result for a malformed answer, and skips what does not apply', async () => {
    const { logs, trace } = demoStores();
    const target = llmCallTarget(trace, finalChat(trace), logsIn(logs));
    const asked: JudgeRequest[] = [];
    const judge: JudgeModel = (request) => {
      asked.push(request);
      return Promise.resolve({ text: 'I cannot grade this.' });
    };
    const outcomes = await evaluate(
      target,
      [builtInEvaluator('relevance')!, builtInEvaluator('task-completion')!],
      judge,
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.kind),
      ['error', 'skipped'],
    );
    assert.equal(asked.length, 1);
  });
});

describe('evaluation events', () => {
  test('results written as OTLP JSON and read back show on the evaluated span and the trace', async () => {
    const { logs, trace } = demoStores();
    const node = finalChat(trace);
    const target = llmCallTarget(trace, node, logsIn(logs));
    const judge: JudgeModel = () =>
      Promise.resolve({ text: '{"score": 2, "label": "weak", "explanation": "It ignores the rate tool\'s timeout."}' });
    const [outcome] = await evaluate(target, [builtInEvaluator('faithfulness')!], judge);
    assert.equal(outcome?.kind, 'result');
    if (outcome?.kind !== 'result') return;
    const record = evaluationRecord(outcome.result, 1_000n);
    const text = traceFileText(
      trace.spans().map(({ span }) => span),
      [record],
    );

    const readTraces = new TraceStore({ maxSpans: 1000 });
    const readLogs = new LogStore({ maxRecords: 1000 });
    const index = new EvaluationIndex(readTraces, readLogs);
    loadOtlpFile(parseOtlpFile(Buffer.from(text), 'saved'), 'saved', { traces: readTraces, logs: readLogs });
    const shown = index.forSpan(trace.summary.traceId, node.span.spanId);
    assert.deepEqual(shown, [
      {
        spanId: node.span.spanId,
        name: 'faithfulness',
        score: 2,
        label: 'weak',
        explanation: "It ignores the rate tool's timeout.",
      },
    ]);
    assert.equal(spanEvaluationBadge(shown), '⚖ faithfulness 2');
    assert.equal(traceEvaluationBadge(index.forTrace(trace.summary.traceId)), '⚖ 1 evaluation, lowest faithfulness 2');
    assert.equal(record.attributes.get('gen_ai.response.id'), node.span.attributes.get('gen_ai.response.id'));
  });

  test("an app's events show the same way: a span event, and a log record naming only the trace and response id", () => {
    const { traces, logs, trace } = demoStores();
    const index = new EvaluationIndex(traces, logs);
    const changes: string[][] = [];
    index.onDidChange((change) => changes.push([...change.updated]));
    const [firstChat, lastChat] = trace.spans().filter((node) => node.ai.kind === 'llm');
    const evaluationAttributes = (name: string, score: number) =>
      new Map<string, string | number>([
        ['gen_ai.evaluation.name', name],
        ['gen_ai.evaluation.score.value', score],
        ['gen_ai.evaluation.explanation', `${name} explained`],
      ]);
    // A span event on the first call, in a copy of the span ingested again as an exporter retry would.
    const withEvent = {
      ...firstChat!.span,
      events: [
        {
          timeUnixNano: 1n,
          name: 'gen_ai.evaluation.result',
          attributes: evaluationAttributes('relevance', 5),
          droppedAttributesCount: 0,
        },
      ],
    };
    traces.ingest([withEvent]);
    const responseId = lastChat!.span.attributes.get('gen_ai.response.id') as string;
    const attributes = evaluationAttributes('toxicity', 0);
    attributes.set('gen_ai.response.id', responseId);
    logs.add([{ ...evaluationRecordBase(), attributes, traceId: trace.summary.traceId, spanId: '' }]);
    assert.deepEqual(changes, [[trace.summary.traceId], [trace.summary.traceId]]);
    assert.deepEqual(
      index.forSpan(trace.summary.traceId, firstChat!.span.spanId).map((e) => [e.name, e.score, e.explanation]),
      [['relevance', 5, 'relevance explained']],
    );
    assert.deepEqual(
      index.forSpan(trace.summary.traceId, lastChat!.span.spanId).map((e) => [e.name, e.score]),
      [['toxicity', 0]],
    );
  });
});

function evaluationRecordBase() {
  return {
    timeUnixNano: 5n,
    observedTimeUnixNano: 5n,
    severityNumber: 0,
    severityText: '',
    body: null,
    droppedAttributesCount: 0,
    flags: 0,
    eventName: 'gen_ai.evaluation.result',
    resource: { attributes: new Map(), droppedAttributesCount: 0 },
    scope: { name: 'app-evals', version: '', attributes: new Map(), droppedAttributesCount: 0 },
  };
}

describe('where evaluations read as text', () => {
  test("Compare Traces lists a span's evaluations with the explanation; the tooltip escapes its Markdown", () => {
    const { logs, trace } = demoStores();
    const node = finalChat(trace);
    const attributes = new Map<string, string | number>([
      ['gen_ai.evaluation.name', 'faithfulness'],
      ['gen_ai.evaluation.score.value', 3],
      ['gen_ai.evaluation.score.label', 'acceptable'],
      ['gen_ai.evaluation.explanation', 'The *rate* is estimated.'],
    ]);
    logs.add([{ ...evaluationRecordBase(), attributes, traceId: trace.summary.traceId, spanId: node.span.spanId }]);
    const text = renderTraceForCompare(trace, logsIn(logs));
    assert.match(text, /\n {4}evaluation faithfulness: 3 \(acceptable\) · The \*rate\* is estimated\.\n/);
    const tooltip = evaluationsTooltipMarkdown(evaluationsOfSpan(node.span, logsIn(logs)(node.span)));
    assert.equal(tooltip, '**1 evaluation**  \n`faithfulness` 3 \\(acceptable\\): The \\*rate\\* is estimated\\.');
  });
});
