/** The kinds of AI span the extension tells apart, in the order the flame graph's typed arrays index them, and their names. */

export const AI_KINDS = ['llm', 'embedding', 'agent', 'tool', 'mcp', 'retriever', 'chain', 'other'] as const;
export type AiKind = (typeof AI_KINDS)[number];

export const AI_KIND_LABELS: Record<AiKind, string> = {
  llm: 'LLM call',
  embedding: 'Embeddings',
  agent: 'Agent',
  tool: 'Tool',
  mcp: 'MCP',
  retriever: 'Retriever',
  chain: 'Chain / workflow',
  other: 'Span',
};
