/**
 * The coding agents' tools in a real VS Code, reached as chat reaches them: a test extension (fixtures/
 * agent-tools-probe), installed beside the packaged extension, lists `vscode.lm.tools` and calls each of ours with
 * `vscode.lm.invokeTool` over the demo run and an agent's tool loop; the answers name the run, its spans, models and
 * findings. Then the MCP server the extension defines for VS Code's MCP clients (dist/cli.js in the vsix, run by the
 * extension host's executable over the window's store) is found among the servers VS Code knows (a proposed API the
 * probe is allowed), and its command, started with the MCP SDK's client, serves the same runs.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AGENT_TOOLS } from '../../src/core/agentTools';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../../src/core/demoTrace';
import { LANGUAGE_MODEL_TOOL_PREFIX } from '../../src/host/contributions';
import { postOtlpJson } from './otlp';
import { probeFolder, startWithProbe } from './probe';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, type VsCodeSession } from './session';

const PROBE_COMMAND = 'Agent Tools Probe: Invoke Tools';
const EXTENSION_ID = 'ai-trace-lens.ai-trace-lens';

/** What the probe writes: the tools vscode.lm lists, each call's answer, and the MCP server definition's parts. */
interface ProbeAnswer {
  tools: { name: string; description: string; inputSchema: unknown }[];
  results: { name: string; text?: string; error?: string }[];
  mcp: {
    providerApi: boolean;
    /** The MCP servers VS Code knows (a proposed API, enabled for the probe). */
    definitions?: { label: string; command?: string; args?: string[]; env?: Record<string, string | number | null> }[];
    execPath: string;
    extensionPath: string;
    globalStorageRoot: string;
  };
}

/** An agent that calls get_weather three times with the same arguments: a tool loop. */
function toolLoopRequest(): { body: string; traceId: string } {
  const traceId = 'c3'.repeat(16);
  const now = BigInt(Date.now() - 10_000) * 1_000_000n;
  const span = (
    spanId: string,
    name: string,
    offsetMs: number,
    attributes: Record<string, string>,
    parent?: string,
  ) => ({
    traceId,
    spanId,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name,
    kind: 1,
    startTimeUnixNano: String(now + BigInt(offsetMs) * 1_000_000n),
    endTimeUnixNano: String(now + BigInt(offsetMs + 200) * 1_000_000n),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
  });
  const agentId = 'a0'.repeat(8);
  const tools = [1, 2, 3].map((i) =>
    span(
      `b${i}`.repeat(8),
      'execute_tool get_weather',
      i * 300,
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      },
      agentId,
    ),
  );
  const agent = {
    ...span(agentId, 'invoke_agent loop-bot', 0, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'loop-bot',
    }),
    endTimeUnixNano: String(now + 2_000_000_000n),
  };
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'agent-tools-e2e' } }] };
  return {
    traceId,
    body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans: [agent, ...tools] }] }] }),
  };
}

/** The id of the demo's span named `name`, from the OTLP/JSON body sent. */
function demoSpanId(body: string, name: string): string {
  const request = JSON.parse(body) as {
    resourceSpans: { scopeSpans: { spans: { spanId: string; name: string }[] }[] }[];
  };
  const spans = request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  const span = spans.find((candidate) => candidate.name === name);
  assert.ok(span, `the demo has a span named ${name}`);
  return span.spanId;
}

describe('the coding agents’ tools in VS Code', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  let answer: ProbeAnswer | undefined;
  const demo = buildDemoTrace({ endTimeMs: Date.now() - 60_000 });
  const loop = toolLoopRequest();

  before(
    async () => {
      vscode = await startWithProbe({ name: 'agent-tools' });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest(
    'vscode.lm.invokeTool answers each tool with the demo run, its spans, models and findings',
    session,
    async () => {
      assert.equal((await postOtlpJson(vscode.receiverPort, demo.body)).status, 200);
      assert.equal((await postOtlpJson(vscode.receiverPort, loop.body)).status, 200);
      await vscode.tree.traceRow(DEMO_ROOT_SPAN_NAME).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await vscode.tree.traceRow('invoke_agent loop-bot').first().waitFor({ timeout: UI_TIMEOUT_MS });

      const chatSpanId = demoSpanId(demo.body, 'chat gpt-4o');
      const missingTrace = 'f'.repeat(32);
      const folder = probeFolder(vscode.workspaceFolder);
      await mkdir(folder, { recursive: true });
      const calls = [
        { name: 'list_traces', input: {} },
        { name: 'get_trace', input: { traceId: demo.traceId } },
        { name: 'get_span', input: { traceId: demo.traceId, spanId: chatSpanId } },
        { name: 'list_findings', input: {} },
        { name: 'model_stats', input: {} },
        { name: 'get_trace', input: { traceId: missingTrace } },
      ];
      await writeFile(join(folder, 'request.json'), JSON.stringify({ calls }));
      await vscode.palette.runLabel(PROBE_COMMAND);
      const probe = await eventually(
        'the probe’s answer',
        async () => {
          const failure = await readFile(join(folder, 'error.json'), 'utf8').catch(() => undefined);
          if (failure !== undefined) throw new Error(`the probe failed: ${failure}`);
          const text = await readFile(join(folder, 'tools.json'), 'utf8').catch(() => undefined);
          return text === undefined ? undefined : (JSON.parse(text) as ProbeAnswer);
        },
        UI_TIMEOUT_MS,
      );
      answer = probe;

      assert.deepEqual(
        probe.tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
        AGENT_TOOLS.map(({ name, description, inputSchema }) => ({
          name: LANGUAGE_MODEL_TOOL_PREFIX + name,
          description,
          inputSchema,
        })),
      );
      const [list, trace, span, findings, models, missing] = probe.results;
      for (const result of probe.results) assert.equal(result.error, undefined, `${result.name}: ${result.error}`);
      assert.match(list?.text ?? '', new RegExp(`^2 traces, newest first:\n${loop.traceId} .*\n${demo.traceId} `));
      assert.match(trace?.text ?? '', new RegExp(`^# Trace ${demo.traceId}$`, 'm'));
      assert.match(trace?.text ?? '', new RegExp(`^ {2}chat gpt-4o · LLM call · span ${chatSpanId}$`, 'm'));
      assert.match(span?.text ?? '', /^ {2}gen_ai\.request\.model: "gpt-4o"$/m);
      assert.match(
        findings?.text ?? '',
        new RegExp(`^error tool-error · trace ${demo.traceId} · span [0-9a-f]{16} `, 'm'),
      );
      assert.match(
        findings?.text ?? '',
        new RegExp(`^warning tool-loop · trace ${loop.traceId} · span [0-9a-f]{16} `, 'm'),
      );
      assert.match(models?.text ?? '', /^ {2}gpt-4o-2024-08-06 \(openai\): 2 calls · 0 errors · /m);
      assert.match(models?.text ?? '', /^ {2}text-embedding-3-small \(openai\): 1 call · /m);
      // A bad id comes back as text the model can act on, not as a failed call.
      assert.match(missing?.text ?? '', new RegExp(`^No trace "${missingTrace}" in the store .*Call list_traces`));
    },
  );

  uiTest(
    'VS Code knows the MCP server the extension defines, and its command serves the window’s store',
    session,
    async () => {
      assert.ok(answer, 'the probe answered in the test before');
      const { mcp } = answer;
      assert.equal(mcp.providerApi, true, 'this VS Code has vscode.lm.registerMcpServerDefinitionProvider');
      const definition = mcp.definitions?.find((candidate) => candidate.label === 'AI Trace Lens');
      assert.ok(definition?.command, `VS Code's MCP servers: ${JSON.stringify(mcp.definitions)}`);
      // The CLI shipped in the installed extension, run by the extension host's executable, on this window's store.
      const store = join(mcp.globalStorageRoot, EXTENSION_ID, 'store');
      assert.equal(definition.command, mcp.execPath);
      assert.deepEqual(definition.args, [join(mcp.extensionPath, 'dist', 'cli.js'), 'mcp', '--store', store]);
      assert.deepEqual(definition.env, { ELECTRON_RUN_AS_NODE: '1' });

      const transport = new StdioClientTransport({
        command: definition.command,
        args: definition.args,
        env: { PATH: process.env.PATH ?? '', ELECTRON_RUN_AS_NODE: '1' },
        stderr: 'pipe',
      });
      const client = new Client({ name: 'ai-trace-lens-e2e', version: '1.0.0' });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        assert.deepEqual(
          tools.map((tool) => tool.name),
          AGENT_TOOLS.map((tool) => tool.name),
        );
        const result = await client.callTool({ name: 'list_traces', arguments: {} });
        const [content] = result.content as { type: string; text: string }[];
        assert.match(content?.text ?? '', new RegExp(`^2 traces, newest first:\n${loop.traceId} .*\n${demo.traceId} `));
      } finally {
        await client.close();
      }
    },
  );
});
