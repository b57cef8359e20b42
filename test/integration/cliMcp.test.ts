/**
 * `ai-trace-lens mcp` as an MCP client runs it: the SDK's client starts the CLI over stdio on a store directory
 * holding the demo trace, lists the tools and calls each; a trace appended to the store while the server runs shows
 * in the next list_traces, as a coding agent asking again after a new run would see it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME, type DemoTrace } from '../../src/core/demoTrace';
import { SegmentStore } from '../../src/core/storage/segmentStore';
import { ROOT_DIR } from './cliFixtures';

const dirs: string[] = [];

/** A store directory written as the extension writes it, with the demo trace in it; the store stays open. */
async function storeWithDemo(): Promise<{ dir: string; store: SegmentStore; demo: DemoTrace }> {
  const dir = await mkdtemp(join(tmpdir(), 'atl-mcp-'));
  dirs.push(dir);
  const store = await SegmentStore.open(dir);
  const demo = buildDemoTrace({ endTimeMs: Date.now() - 60_000 });
  await store.append('traces', 'json', Buffer.from(demo.body), Date.now());
  return { dir, store, demo };
}

/** The CLI through tsx (the code esbuild bundles into dist/cli.js), connected to an SDK client. */
async function connect(dir: string): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT_DIR, 'src/cli/main.ts'), 'mcp', '--store', dir],
    cwd: ROOT_DIR,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'ai-trace-lens-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function callText(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, 'text');
  return { text: content[0]!.text, isError: result.isError === true };
}

after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('ai-trace-lens mcp', () => {
  test('lists the tools and answers each over a store holding the demo trace', async () => {
    const { dir, store, demo } = await storeWithDemo();
    await store.close();
    const { client, stderr } = await connect(dir);
    try {
      assert.match(client.getInstructions() ?? '', /Start with list_traces/);
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((tool) => tool.name),
        ['list_traces', 'get_trace', 'get_span', 'list_findings', 'model_stats'],
      );
      assert.deepEqual(tools[2]!.inputSchema.required, ['traceId', 'spanId']);
      assert.equal(tools[0]!.annotations?.readOnlyHint, true);

      const list = await callText(client, 'list_traces', {});
      assert.match(
        list.text,
        new RegExp(`^1 trace, newest first:\n${demo.traceId} {2}\\S+ {2}${DEMO_ROOT_SPAN_NAME} · `),
      );
      const trace = await callText(client, 'get_trace', { traceId: demo.traceId });
      const chatId = /^ {2}chat gpt-4o · LLM call · span ([0-9a-f]{16})$/m.exec(trace.text)?.[1];
      assert.ok(chatId, trace.text);
      const span = await callText(client, 'get_span', { traceId: demo.traceId, spanId: chatId });
      assert.match(span.text, /^ {2}gen_ai\.request\.model: "gpt-4o"$/m);
      const findings = await callText(client, 'list_findings', {});
      assert.match(findings.text, new RegExp(`^error tool-error · trace ${demo.traceId} · span [0-9a-f]{16} `, 'm'));
      const stats = await callText(client, 'model_stats', {});
      assert.match(stats.text, /^ {2}gpt-4o-2024-08-06 \(openai\): 2 calls · 0 errors · tokens 2,680 in → 157 out/m);

      const unknown = await callText(client, 'get_trace', { traceId: 'ffffffffffffffff' });
      assert.equal(unknown.isError, true);
      assert.match(unknown.text, /^No trace "ffffffffffffffff" in the store/);
      assert.match(
        stderr(),
        new RegExp(`serving 1 trace from ${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} over stdio`),
      );
    } finally {
      await client.close();
    }
  });

  test('sees a trace appended to the store while it runs, at the next call', async () => {
    const { dir, store, demo } = await storeWithDemo();
    const { client } = await connect(dir);
    try {
      const before = await callText(client, 'list_traces', {});
      assert.match(before.text, /^1 trace, newest first:/);
      const later = buildDemoTrace();
      await store.append('traces', 'json', Buffer.from(later.body), Date.now());
      const after = (await callText(client, 'list_traces', {})).text.split('\n');
      assert.equal(after[0], '2 traces, newest first:');
      assert.deepEqual(
        after.slice(1).map((line) => line.split(' ')[0]),
        [later.traceId, demo.traceId],
      );
    } finally {
      await client.close();
      await store.close();
    }
  });
});
