import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind, StatusCode, type Span } from '../../src/core/model';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import type { SpanNode, TraceSummary } from '../../src/core/store/types';
import { escapeMarkdown, spanTooltipMarkdown, traceTooltipMarkdown } from '../../src/core/tooltip';

const START = 1_767_225_600_000_000_000n;

function span(overrides: Partial<Span> = {}): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: undefined,
    traceState: '',
    flags: 0,
    name: 'chat gpt-4o',
    kind: SpanKind.Client,
    startTimeUnixNano: START,
    endTimeUnixNano: START + 1_200_000_000n,
    attributes: new Map(),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.Unset, message: '' },
    resource: { attributes: new Map([['service.name', 'travel-app']]), droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: new Map(), droppedAttributesCount: 0 },
    ...overrides,
  };
}

function ai(overrides: Partial<AiSpanInfo> = {}): AiSpanInfo {
  return {
    kind: 'llm',
    convention: 'otel-genai',
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o-2024-08-06',
    inputTokens: 1400,
    outputTokens: 120,
    cachedTokens: 1024,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    streaming: true,
    ttftMs: 210,
    tpotMs: 9,
    ttftSource: 'span',
    tpotSource: 'span',
    tokensSource: 'span',
    tokensEstimated: undefined,
    firstTextMs: undefined,
    longestGapMs: undefined,
    stalls: undefined,
    toolName: undefined,
    agentName: undefined,
    code: undefined,
    ...overrides,
  };
}

function node(spanValue: Span, info: AiSpanInfo, orphan = false): SpanNode {
  return { span: spanValue, ai: info, parent: undefined, children: [], orphan };
}

/** The text a CommonMark renderer shows for backslash escapes: each escaped punctuation character as itself. */
function unescape(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

describe('escapeMarkdown', () => {
  test('escapes every markup and HTML character, so the text shows as typed', () => {
    const hostile = '<img src=x onerror=alert(1)> **bold** [link](command:evil) `code` $(zap) &amp; # _x_';
    const escaped = escapeMarkdown(hostile);
    assert.equal(unescape(escaped), hostile);
    assert.doesNotMatch(escaped, /(^|[^\\])[<>*[\]()`$&#_]/, 'no markup character is left unescaped');
  });

  test('flattens line breaks, which would start new blocks', () => {
    assert.equal(escapeMarkdown('a\n# heading\r\nb'), 'a \\# heading b');
  });
});

describe('spanTooltipMarkdown', () => {
  test('lists kind, model, tokens, latency, duration, status, service and ids', () => {
    const text = spanTooltipMarkdown(node(span({ status: { code: StatusCode.Error, message: 'rate limited' } }), ai()));
    assert.equal(
      text,
      [
        '**chat gpt\\-4o**  ',
        'LLM call · OpenTelemetry GenAI · CLIENT',
        '',
        'Model: gpt\\-4o\\-2024\\-08\\-06 (requested gpt\\-4o) · openai  ',
        'Tokens: 1.4k in (1k cached) → 120 out  ',
        'TTFT 210 ms · TPOT 9 ms · streamed  ',
        'Duration: 1.2 s  ',
        'Status: **error** · rate limited  ',
        'Service: travel\\-app',
        '',
        'Trace `0af7651916cd43dd8448eb211c80319c` · Span `b7ad6b7169203331`',
      ].join('\n'),
    );
  });

  test('names figures measured at the gateway, marks estimated tokens with ≈ and shows the stream figures', () => {
    const text = spanTooltipMarkdown(
      node(
        span(),
        ai({
          inputTokens: 1234,
          cachedTokens: undefined,
          outputTokens: 345,
          tokensEstimated: true,
          tokensSource: 'gateway',
          ttftMs: 420,
          ttftSource: 'gateway',
          tpotMs: 12,
          tpotSource: 'gateway',
          firstTextMs: 1300,
          longestGapMs: 2100,
          stalls: 3,
        }),
      ),
    );
    const lines = text.split('\n').map((line) => line.trimEnd());
    assert.ok(lines.includes('Tokens: ≈1.2k in → ≈345 out (estimated, measured at the gateway)'), text);
    assert.ok(lines.includes('TTFT 420 ms · TPOT 12 ms (measured at the gateway) · streamed'), text);
    assert.ok(
      lines.includes('Stream: first text 1.3 s · longest gap 2.1 s · 3 stalls over 1 s (measured at the gateway)'),
      text,
    );
  });

  test('says how many input tokens were written to the prompt cache, beside those read from it', () => {
    const text = spanTooltipMarkdown(node(span(), ai({ cacheWriteTokens: 2048 })));
    assert.match(text, /^Tokens: 1\.4k in \(1k cached, 2k written to cache\) → 120 out {2}$/m);
    const writeOnly = spanTooltipMarkdown(node(span(), ai({ cachedTokens: undefined, cacheWriteTokens: 300 })));
    assert.match(writeOnly, /^Tokens: 1\.4k in \(300 written to cache\) → 120 out {2}$/m);
  });

  test("names the source of each figure when the app's span measured some and the gateway others", () => {
    const text = spanTooltipMarkdown(node(span(), ai({ ttftSource: 'gateway', ttftMs: 420, streaming: false })));
    assert.match(text, /^TTFT 420 ms \(measured at the gateway\) · TPOT 9 ms {2}$/m);
    assert.match(text, /^Tokens: 1\.4k in \(1k cached\) → 120 out {2}$/m);
  });

  test('escapes span text and marks a missing parent', () => {
    const text = spanTooltipMarkdown(
      node(
        span({ name: '<b>tool</b>', parentSpanId: '00f067aa0ba902b7' }),
        ai({
          kind: 'tool',
          toolName: '[x](http://e)',
          requestModel: undefined,
          responseModel: undefined,
          provider: undefined,
        }),
        true,
      ),
    );
    assert.match(text, /^\*\*\\<b\\>tool\\<\\\/b\\>\*\*/);
    assert.match(text, /Tool: \\\[x\\\]\\\(http\\:\\\/\\\/e\\\)/);
    assert.match(text, /Parent `00f067aa0ba902b7` not received \(yet\)/);
    assert.doesNotMatch(text, /Model:/);
  });
});

describe('traceTooltipMarkdown', () => {
  test('summarises the trace: duration, errors, calls, tokens per model', () => {
    const summary: TraceSummary = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      rootName: 'invoke_agent travel-planner',
      service: 'travel-app',
      startTimeUnixNano: START,
      endTimeUnixNano: START + 4_860_000_000n,
      durationMs: 4860,
      spanCount: 9,
      errorCount: 2,
      tokens: { inputTokens: 2704, outputTokens: 157, cachedTokens: 2304, reasoningTokens: 0 },
      byModel: [
        {
          model: 'gpt-4o',
          calls: 2,
          inputTokens: 2680,
          outputTokens: 157,
          cachedTokens: 2304,
          reasoningTokens: 0,
          estimatedCalls: 0,
        },
        {
          model: 'text-embedding-3-small',
          calls: 1,
          inputTokens: 24,
          outputTokens: 0,
          cachedTokens: 0,
          reasoningTokens: 0,
          estimatedCalls: 0,
        },
      ],
      callCounts: { llm: 2, embedding: 1, agent: 1, tool: 2, mcp: 2, retriever: 1, chain: 0, other: 0 },
      version: 1,
    };
    const text = traceTooltipMarkdown(summary);
    assert.match(text, /^\*\*invoke\\_agent travel\\-planner\*\* {2}\nService: travel\\-app\n/);
    assert.match(text, / · 4\.86 s · 9 spans {2}\n\*\*2 errors\*\*/);
    assert.match(text, /1 agent run · 2 LLM calls · 1 embedding call · 2 tool calls · 2 MCP calls · 1 retrieval/);
    assert.match(text, /Tokens: 2\.7k in \(2\.3k cached\) → 157 out/);
    assert.match(text, /gpt\\-4o: 2 calls, 2\.7k→157 tok {2}\ntext\\-embedding\\-3\\-small: 1 call, 24 tok in/);
    assert.match(text, /Trace `0af7651916cd43dd8448eb211c80319c`$/);
  });
});
