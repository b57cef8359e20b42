/**
 * The trace header (duration, calls, errors, tokens and cost, both by model too) and the colour legend of the kinds
 * present. Totals that include tokens the gateway counted itself read `≈`; a cost is never a silent $0: unpriced
 * calls are counted beside it, and its title says which prices it assumes.
 */
import { AI_KINDS, AI_KIND_LABELS } from '../../src/shared/aiKinds';
import { FlameFlag } from '../../src/shared/flame/layout';
import type { TraceHeader, TraceSnapshot } from '../../src/shared/flame/snapshot';
import { ESTIMATE_MARK, formatCostTotals, formatDuration, formatTokens, plural } from '../../src/shared/format';
import { hasEstimatedTokens } from '../../src/shared/tokens';
import { codicon, element } from '../dom';

function figure(icon: string, text: string, className = 'figure'): HTMLElement {
  const item = element('span', className);
  item.append(codicon(icon), document.createTextNode(text));
  return item;
}

export function renderHeader(header: TraceHeader): HTMLElement {
  const root = element('header', 'trace-header');
  const title = element('div', 'trace-title');
  const name = element('span', 'trace-name', header.rootName);
  name.title = header.rootName;
  title.append(name);
  if (header.service !== null) {
    const service = element('span', 'trace-service', header.service);
    service.title = header.service;
    title.append(service);
  }
  const figures = element('div', 'trace-figures');
  figures.append(
    figure('clock', formatDuration(header.durationMs)),
    figure('list-tree', plural(header.spanCount, 'span')),
    figure('sparkle', plural(header.llmCalls, 'LLM call')),
    figure('tools', plural(header.toolCalls, 'tool call')),
    figure('plug', plural(header.mcpCalls, 'MCP call')),
  );
  if (header.errorCount > 0) figures.append(figure('error', plural(header.errorCount, 'error'), 'figure figure-error'));
  const { inputTokens, outputTokens, cachedTokens } = header.tokens;
  if (inputTokens + outputTokens > 0) {
    const cached = cachedTokens > 0 ? ` (${formatTokens(cachedTokens)} cached)` : '';
    const mark = hasEstimatedTokens(header.byModel) ? ESTIMATE_MARK : '';
    const flow = `${mark}${formatTokens(inputTokens)}→${formatTokens(outputTokens)} tok${cached}`;
    figures.append(figure('symbol-numeric', flow));
  }
  const cost = header.cost;
  const costText = cost === null ? undefined : formatCostTotals(cost.total);
  if (cost !== null && costText !== undefined) {
    const item = figure('credit-card', costText, 'figure figure-cost');
    item.title = `Cost of the model calls: ${cost.source}`;
    figures.append(item);
  }
  root.append(title, figures);
  if (header.byModel.length > 0) {
    const models = element('div', 'trace-models');
    for (const [index, totals] of header.byModel.entries()) {
      const item = element('span', 'model-totals');
      const recorded = totals.inputTokens + totals.outputTokens > 0;
      const mark = totals.estimatedCalls > 0 ? ESTIMATE_MARK : '';
      const flow = `${mark}${formatTokens(totals.inputTokens)}→${formatTokens(totals.outputTokens)} tok`;
      const tokens = recorded ? ` · ${flow}` : '';
      const modelCost = header.cost?.byModel[index];
      const price = modelCost === undefined || modelCost === null ? undefined : formatCostTotals(modelCost);
      item.append(
        element('span', 'model-name', totals.model),
        document.createTextNode(` ${plural(totals.calls, 'call')}${tokens}${price === undefined ? '' : ` · ${price}`}`),
      );
      models.append(item);
    }
    root.append(models);
  }
  return root;
}

/** One swatch per kind that occurs in the trace, plus the error and orphan marks when some span has them. */
export function renderLegend(snapshot: TraceSnapshot): HTMLElement {
  const legend = element('div', 'legend');
  legend.setAttribute('aria-label', 'Legend');
  for (const [index, kind] of AI_KINDS.entries()) {
    if ((snapshot.presentKinds & (1 << index)) === 0) continue;
    const item = element('span', 'legend-item');
    item.append(element('span', `swatch kind-${kind}`), document.createTextNode(AI_KIND_LABELS[kind]));
    legend.append(item);
  }
  const marks: [string, string, number][] = [
    ['swatch mark-error', 'Error', FlameFlag.Error],
    ['swatch mark-orphan', 'Parent missing', FlameFlag.Orphan],
  ];
  for (const [className, label, flag] of marks) {
    if ((snapshot.presentFlags & flag) === 0) continue;
    const item = element('span', 'legend-item');
    item.append(element('span', className), document.createTextNode(label));
    legend.append(item);
  }
  return legend;
}
