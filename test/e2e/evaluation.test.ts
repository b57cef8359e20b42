/**
 * Evaluation results in a real VS Code: a file holding the demo agent run and the `gen_ai.evaluation.result` events a
 * judge gave it (written with core/evaluation as `ai-trace-lens eval --out` writes them), opened with Open Trace File,
 * shows a badge on the evaluated span's row and a summary on its trace's row, and the tooltip gives the judge's
 * explanation.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../../src/core/demoTrace';
import { evaluate, evaluationRecord, type JudgeModel } from '../../src/core/evaluation/evaluate';
import { builtInEvaluator } from '../../src/core/evaluation/evaluators';
import { llmCallTarget } from '../../src/core/evaluation/targetContent';
import { parseOtlpFile } from '../../src/core/inputFiles';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { loadOtlpFile, traceFileText } from '../../src/core/traceFile';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession } from './session';

const EXPLANATION = 'The exchange rate is guessed after the rate tool timed out.';

/** The demo run and a judge's two results on its final answer, as one trace file's text. */
async function evaluatedRunFile(): Promise<string> {
  const traces = new TraceStore({ maxSpans: 100 });
  const logs = new LogStore({ maxRecords: 100 });
  const demo = buildDemoTrace();
  loadOtlpFile(parseOtlpFile(Buffer.from(demo.body), 'demo'), 'demo', { traces, logs });
  const trace = traces.getTrace(demo.traceId)!;
  const finalCall = trace
    .spans()
    .filter((node) => node.ai.kind === 'llm')
    .at(-1)!;
  const target = llmCallTarget(trace, finalCall, (span) => logs.forSpan(span.traceId, span.spanId));
  const answers = [
    '{"score": 5, "label": "excellent", "explanation": "Covers packing and dinner."}',
    `{"score": 2, "label": "weak", "explanation": "${EXPLANATION}"}`,
  ];
  const judge: JudgeModel = () => Promise.resolve({ text: answers.shift()! });
  const outcomes = await evaluate(target, [builtInEvaluator('relevance')!, builtInEvaluator('faithfulness')!], judge);
  const records = outcomes.map((outcome) => {
    if (outcome.kind !== 'result') throw new Error(`no result: ${JSON.stringify(outcome.kind)}`);
    return evaluationRecord(outcome.result, BigInt(Date.now()) * 1_000_000n);
  });
  return traceFileText(
    trace.spans().map(({ span }) => span),
    records,
  );
}

describe('evaluation results in a fresh VS Code', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'evaluation' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('an opened run with judge results shows their badges and the explanation', session, async () => {
    const file = join(vscode.workspaceFolder, 'evaluated-run.jsonl');
    await writeFile(file, await evaluatedRunFile());
    await vscode.tree.open();
    await vscode.palette.run('aiTraceLens.openTraceFile');
    await vscode.palette.answerFileDialog(file, vscode.notifications.toast(/^Opened evaluated-run\.jsonl/));
    await vscode.tree.expandTrace(DEMO_ROOT_SPAN_NAME);
    const traceRow = await eventually('the trace row badge', async () =>
      (await vscode.tree.traceRows()).find((row) => row.description.includes('⚖')),
    );
    assert.match(traceRow.description, /^⚖ 2 evaluations, lowest faithfulness 2 · travel-planner-demo/);
    const spanRow = await eventually('the evaluated span row', async () =>
      (await vscode.tree.rows()).find((row) => row.label === 'chat gpt-4o' && row.description.includes('⚖')),
    );
    assert.match(spanRow.description, /^⚖ relevance 5 · faithfulness 2 · gpt-4o/);
    assert.match(spanRow.ariaLabel, /evaluated: relevance 5 · faithfulness 2/);
    // Only the evaluated call is marked: the first call, which only asked for tools, is not.
    const calls = (await vscode.tree.rows()).filter((row) => row.label === 'chat gpt-4o');
    assert.equal(calls.filter((row) => row.description.includes('⚖')).length, 1);

    await vscode.screenshot('evaluation-badges');
    // The toast saying the file opened holds the workbench's hover back while it shows: clear it, as a user would.
    await vscode.palette.runLabel('Notifications: Clear All Notifications');
    await vscode.notifications.toast(/^Opened evaluated-run\.jsonl/).waitFor({ state: 'hidden' });
    // The evaluated call's tooltip: its name, no finding (the trace's is on the rate tool), and its evaluations.
    const spanTooltip = await vscode.tree.rowTooltip(vscode.tree.rowsContaining('faithfulness 2', 3).first());
    assert.match(spanTooltip.text, /^chat gpt-4o/);
    assert.ok(!spanTooltip.text.includes('finding'), `tooltip text: ${spanTooltip.text}`);
    const text = spanTooltip.text;
    assert.match(
      text,
      /2 evaluations relevance 5 \(excellent\): Covers packing and dinner\. faithfulness 2 \(weak\): /,
    );
    assert.ok(text.endsWith(`faithfulness 2 (weak): ${EXPLANATION}`), `tooltip text: ${text}`);
    await vscode.screenshot('evaluation-tooltip');
  });
});
