/** The fixture workspace's agent program, which the e2e tests' spans point at: its name and where its code is. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const AGENT_FILE = 'agent.py';
const AGENT_SOURCE = readFileSync(join(__dirname, 'fixtures', 'workspace', AGENT_FILE), 'utf8').split('\n');

/** 1-based line of the first line of agent.py whose code (after its indentation) starts with `prefix`. */
export function agentLine(prefix: string): number {
  const index = AGENT_SOURCE.findIndex((line) => line.trimStart().startsWith(prefix));
  assert.ok(index >= 0, `the fixture has a line starting with ${prefix}`);
  return index + 1;
}
