/**
 * Asking for a TraceQL filter: a quick pick whose first row is the query being typed, checked as it is typed (a
 * parse error says where and what was expected, and Enter does nothing until it parses), over the workspace's recent
 * queries. Recent queries are kept per workspace, newest first.
 */
import * as vscode from 'vscode';
import { describeError } from '../shared/errors';
import { parseTraceQL, TraceQLError, type TraceQuery } from '../core/traceql';

const HISTORY_STATE_KEY = 'aiTraceLens.traces.filterHistory';
const HISTORY_LENGTH = 20;
const EXAMPLE = '{ .ai.kind = "llm" && .ai.ttft > 500ms }';

interface QueryItem extends vscode.QuickPickItem {
  readonly query: string;
}

/** Asks for a query, starting from `current`; resolves with it parsed, or undefined when dismissed. */
export async function promptTraceFilter(
  state: vscode.Memento,
  current: string | undefined,
): Promise<TraceQuery | undefined> {
  const history = state.get<string[]>(HISTORY_STATE_KEY, []);
  const picker = vscode.window.createQuickPick<QueryItem>();
  picker.title = 'Filter Traces with TraceQL';
  picker.placeholder = `A TraceQL query, e.g. ${EXAMPLE}`;
  picker.matchOnDescription = false;
  picker.value = current ?? '';
  const recent: QueryItem[] = history.map((query) => ({ label: query, description: 'recent', query }));

  const update = () => {
    const text = picker.value.trim();
    picker.items = text === '' ? recent : [typedItem(text), ...recent.filter((item) => item.query !== text)];
  };
  update();
  picker.onDidChangeValue(update);

  const chosen = await new Promise<TraceQuery | undefined>((resolve) => {
    picker.onDidAccept(() => {
      // A recent query the user moved to, else what is typed (whichever row the list shows as active meanwhile).
      const item = picker.activeItems[0];
      const text = item !== undefined && recent.includes(item) ? item.query : picker.value.trim();
      const query = parseQuiet(text);
      // A query that does not parse keeps the picker open, its error shown on the row.
      if (query === undefined) return;
      resolve(query);
      picker.hide();
    });
    picker.onDidHide(() => resolve(undefined));
    picker.show();
  });
  picker.dispose();
  if (chosen !== undefined) {
    const next = [chosen.text, ...history.filter((query) => query !== chosen.text)].slice(0, HISTORY_LENGTH);
    await state.update(HISTORY_STATE_KEY, next);
  }
  return chosen;
}

/** The row of the query being typed: whether it parses, or where it does not. */
function typedItem(text: string): QueryItem {
  let detail = '$(filter) Press Enter to filter the Traces view';
  try {
    parseTraceQL(text);
  } catch (error) {
    // The message's first line: a row shows one line, not the caret drawn under the query.
    detail = `$(error) ${(error instanceof TraceQLError ? error.message : describeError(error)).split('\n', 1)[0]!}`;
  }
  return { label: text, detail, query: text, alwaysShow: true };
}

function parseQuiet(text: string): TraceQuery | undefined {
  try {
    return parseTraceQL(text);
  } catch {
    return undefined;
  }
}
