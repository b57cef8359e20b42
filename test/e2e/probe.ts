/**
 * The probe, a test extension (fixtures/agent-tools-probe) that reaches the extension the way chat does: a session
 * with it installed beside the extension under test, and the workspace folder it reads its requests from and writes
 * its answers to.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LaunchOptions } from './codeServer';
import { VsCodeSession } from './session';

const PROBE_SOURCE = join(__dirname, 'fixtures', 'agent-tools-probe');
const VSCE = join(resolve(__dirname, '..', '..'), 'node_modules', '@vscode', 'vsce', 'vsce');
/** The probe uses proposed APIs, which VS Code allows only the extensions it names. */
const PROBE_ID = 'ai-trace-lens-tests.agent-tools-probe';

/** A session with the probe installed (packaged for it, in a temporary folder removed once installed). */
export async function startWithProbe(options: Pick<LaunchOptions, 'name' | 'settings'>): Promise<VsCodeSession> {
  const folder = await mkdtemp(join(tmpdir(), 'atl-probe-'));
  try {
    const vsix = join(folder, 'agent-tools-probe.vsix');
    const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix];
    await promisify(execFile)(process.execPath, [VSCE, ...args], { cwd: PROBE_SOURCE });
    return await VsCodeSession.start({ ...options, extraVsixes: [vsix], proposedApiExtensions: [PROBE_ID] });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The folder of the session's workspace that the probe reads its requests from and writes its answers to. */
export function probeFolder(workspaceFolder: string): string {
  return join(workspaceFolder, '.agent-tools-probe');
}
