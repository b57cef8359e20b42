/** TraceQL between spansets over the fixture store: `&&`, `||` and the structural operators. */
import { describe } from 'node:test';
import { CLAUDE, DB, GET, GPT, ROOT, runMatchCases, TOOL } from './traceqlStore';

// t1: invoke_agent planner → (chat gpt-4o, execute_tool search → chat claude); t2: GET /health → SELECT users.

describe('TraceQL && and || between spansets', () => {
  runMatchCases([
    // Both sides must find spans in the same trace; the result holds the spans of both.
    ['{ .ai.kind = "tool" } && { .ai.model = "gpt-4o" }', [GPT, TOOL]],
    ['{ .ai.kind = "tool" } && { name = "GET /health" }', []],
    ['{ resource.deployment.environment = "prod" } && { span.db.system = "postgresql" }', [GET, DB]],
    ['{ status = error } || { span.cache.hit }', [TOOL, GET]],
    ['{ name = "nothing" } || { .ai.agent = "planner" }', [ROOT]],
    ['({ .ai.kind = "tool" } || { name = "GET /health" }) && { kind = client }', [GPT, TOOL, CLAUDE, GET, DB]],
  ]);
});

describe('TraceQL structural operators', () => {
  runMatchCases([
    ['{ .ai.kind = "agent" } > { .ai.kind = "llm" }', [GPT]],
    ['{ .ai.kind = "agent" } >> { .ai.kind = "llm" }', [GPT, CLAUDE]],
    ['{ status = error } >> { .ai.kind = "llm" }', [CLAUDE]],
    ['{ .ai.kind = "tool" } > {}', [CLAUDE]],
    ['{ kind = server } > { kind = client }', [GPT, DB]],
    ['{ .ai.kind = "llm" } < {}', [ROOT, TOOL]],
    ['{ .ai.kind = "llm" } < { .ai.kind = "tool" }', [TOOL]],
    ['{ .ai.kind = "llm" } << {}', [ROOT, TOOL]],
    ['{ .ai.kind = "tool" } ~ {}', [GPT]],
    ['{ .ai.kind = "llm" } ~ { .ai.kind = "llm" }', []],
    ['{ name = "nothing" } >> {}', []],
    ['{ .ai.kind = "agent" } > { .ai.kind = "tool" } > { .ai.kind = "llm" }', [CLAUDE]],
    ['{ .ai.kind = "agent" } >> ({ .ai.kind = "tool" } > {})', [CLAUDE]],
    // Structural operators bind tighter than && and ||.
    ['{ span.cache.hit } || { .ai.kind = "tool" } > {}', [CLAUDE, GET]],
    // The experimental negations keep the right-hand spans outside the relation: {} !< {} finds the leaves.
    ['{} !< {}', [GPT, CLAUDE, DB, 'embeddings text-embedding-3-small']],
    ['{ .ai.kind = "agent" } !> { kind = client }', [CLAUDE, DB]],
    ['{ status = error } !>> { .ai.kind = "llm" }', [GPT]],
    ['{ .ai.kind = "tool" } !~ { kind = client }', [CLAUDE, DB]],
    // The union forms add the left-hand spans that stand in the relation.
    ['{ .ai.kind = "agent" } &> { .ai.kind = "llm" }', [ROOT, GPT]],
    ['{ .ai.kind = "agent" } &>> { .ai.kind = "llm" }', [ROOT, GPT, CLAUDE]],
    ['{ status = error } &>> { .ai.kind = "agent" }', []],
    ['{ .ai.kind = "llm" } &<< { .ai.kind = "agent" }', [ROOT, GPT, CLAUDE]],
  ]);
});
