/**
 * `model_stats`: cost and latency per model (calls, errors, tokens, cost, duration and TTFT p50/p95) and per tool,
 * over every trace or those a query or trace id picks, each row with its slowest span's ids to look at.
 */
import { formatCostTotals, formatCount, formatDuration, plural } from '../../shared/format';
import { oneLine } from '../spanDetailsText';
import type { Percentiles, SpanRef } from '../../shared/statsProtocol';
import { aiStats } from '../stats/aiStats';
import { optionalString } from './input';
import { clip, findTrace, newestFirst, parseQuery } from './lookup';
import type { AgentTool } from './types';

export const modelStatsTool: AgentTool = {
  name: 'model_stats',
  title: 'Cost and latency by model',
  userDescription: 'Calls, errors, tokens, cost and latency percentiles per model.',
  description:
    'Cost and latency per model over the recorded traces: calls, errors, input, output and cached tokens, cost in ' +
    'USD, duration p50 and p95, time to first token (TTFT) p50 and p95, and the slowest call’s trace and span ids; ' +
    'then the same per tool and MCP server (calls, errors, duration, largest result). Answers "which model costs ' +
    'most", "is the model or a tool slow". Optional TraceQL query or trace id narrows the traces counted.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'A TraceQL query: only traces with a span it selects are counted.' },
      traceId: { type: 'string', description: 'Only this trace.' },
    },
    additionalProperties: false,
  },
  run(sources, input) {
    const text = optionalString(input, 'query');
    const traceId = optionalString(input, 'traceId');
    const traces =
      traceId !== undefined
        ? [findTrace(sources, traceId)]
        : newestFirst(sources, text === undefined ? undefined : parseQuery(text));
    const scope = traceId !== undefined ? `trace ${traces[0]!.summary.traceId}` : plural(traces.length, 'trace');
    const stats = aiStats(traces, (ai) => sources.prices.spanCost(ai));
    if (stats.models.length === 0 && stats.tools.length === 0) {
      return `No model or tool calls in ${scope}${text === undefined ? '' : ` matching ${text}`}.`;
    }
    const lines = [`Models over ${scope}${text === undefined ? '' : ` matching ${text}`}, most calls first:`];
    for (const model of stats.models) {
      const provider = model.provider === undefined ? '' : ` (${oneLine(model.provider)})`;
      const cached = model.cachedTokens > 0 ? `, ${formatCount(model.cachedTokens)} cached` : '';
      const cost = formatCostTotals(model.cost);
      const parts = [
        plural(model.calls, 'call'),
        plural(model.errors, 'error'),
        `tokens ${formatCount(model.inputTokens)} in → ${formatCount(model.outputTokens)} out${cached}`,
        `cost ${cost ?? 'none'}`,
        `duration ${percentileText(model.durationMs)}`,
      ];
      if (model.ttftMs !== undefined) parts.push(`TTFT ${percentileText(model.ttftMs)}`);
      parts.push(`slowest ${refText(model.slowest)}`);
      lines.push(`  ${oneLine(model.model)}${provider}: ${parts.join(' · ')}`);
    }
    if (stats.tools.length > 0) lines.push('', 'Tools, most calls first:');
    for (const tool of stats.tools) {
      const server = tool.mcpServer === undefined ? '' : ` (MCP server ${oneLine(tool.mcpServer)})`;
      const parts = [
        plural(tool.calls, 'call'),
        plural(tool.errors, 'error'),
        `duration ${percentileText(tool.durationMs)}`,
      ];
      if (tool.largestResultChars !== undefined) {
        parts.push(`largest result ${plural(tool.largestResultChars, 'character')}`);
      }
      parts.push(`slowest ${refText(tool.slowest)}`);
      lines.push(`  ${oneLine(tool.tool)}${server}: ${parts.join(' · ')}`);
    }
    return clip(lines.join('\n'), 'Narrow the traces with query or traceId.');
  },
};

const percentileText = ({ p50, p95 }: Percentiles) => `p50 ${formatDuration(p50)}, p95 ${formatDuration(p95)}`;

const refText = (ref: SpanRef) => `trace ${ref.traceId} span ${ref.spanId}`;
