/**
 * package.json's Language Model Tools and MCP server definition provider must be the agent tools' table exactly: VS
 * Code reads the manifest's copy (schema, descriptions) before the extension runs, and invokes a tool by that name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { AGENT_TOOLS } from '../../src/core/agentTools';
import { LANGUAGE_MODEL_TOOL_PREFIX, MCP_SERVER_PROVIDER_ID, TOOL_REFERENCE_NAMES } from '../../src/host/contributions';

interface LanguageModelToolContribution {
  name: string;
  toolReferenceName?: string;
  displayName: string;
  userDescription?: string;
  modelDescription: string;
  canBeReferencedInPrompt?: boolean;
  inputSchema: unknown;
}

interface Manifest {
  contributes: {
    languageModelTools: LanguageModelToolContribution[];
    mcpServerDefinitionProviders: { id: string; label: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(resolve(__dirname, '../..'), 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.languageModelTools;

describe('package.json Language Model Tools', () => {
  test('one per agent tool, in the table order, under the prefixed name', () => {
    assert.deepEqual(
      contributed.map((tool) => tool.name),
      AGENT_TOOLS.map((tool) => LANGUAGE_MODEL_TOOL_PREFIX + tool.name),
    );
  });

  test('titles, descriptions and input schemas are the table’s', () => {
    for (const tool of AGENT_TOOLS) {
      const entry = contributed.find((candidate) => candidate.name === LANGUAGE_MODEL_TOOL_PREFIX + tool.name);
      assert.ok(entry, tool.name);
      assert.equal(entry.displayName, tool.title, tool.name);
      assert.equal(entry.userDescription, tool.userDescription, tool.name);
      assert.equal(entry.modelDescription, tool.description, tool.name);
      assert.deepEqual(entry.inputSchema, tool.inputSchema, tool.name);
    }
  });

  test('each can be referenced in chat by its own # name, the list as #aiTraces', () => {
    assert.deepEqual(Object.keys(TOOL_REFERENCE_NAMES).sort(), AGENT_TOOLS.map((tool) => tool.name).sort());
    for (const tool of AGENT_TOOLS) {
      const entry = contributed.find((candidate) => candidate.name === LANGUAGE_MODEL_TOOL_PREFIX + tool.name);
      assert.equal(entry?.canBeReferencedInPrompt, true, tool.name);
      assert.equal(entry.toolReferenceName, TOOL_REFERENCE_NAMES[tool.name], tool.name);
      // VS Code's pattern for tool and reference names.
      assert.match(entry.name, /^[\w-]+$/);
      assert.match(entry.toolReferenceName ?? '', /^[\w-]+$/);
    }
    assert.equal(new Set(Object.values(TOOL_REFERENCE_NAMES)).size, AGENT_TOOLS.length);
    assert.equal(TOOL_REFERENCE_NAMES.list_traces, 'aiTraces');
  });

  test('the MCP server definition provider is declared under the id the extension registers', () => {
    assert.deepEqual(
      manifest.contributes.mcpServerDefinitionProviders.map((provider) => provider.id),
      [MCP_SERVER_PROVIDER_ID],
    );
  });
});
