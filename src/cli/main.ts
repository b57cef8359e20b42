/**
 * `ai-trace-lens`: the extension's core without VS Code, one file per subcommand.
 *   summarize FILE... [--json]   read saved OTLP exports and print each trace's span tree (or JSON)
 *   query 'QUERY' FILE... [--json]   print the spans of saved OTLP exports that a TraceQL query selects
 *   findings FILE... [--json] [--fail-on error|warning]   what went wrong in saved OTLP exports, for people and CI
 *   eval FILE... --judge-url URL --judge-model M [--evaluator NAME|FILE]... [--min-score X] [--out FILE]
 *       grade recorded runs with a judge model, for people and CI
 *   mcp [--store DIR | FILE...]   serve traces to coding agents as MCP tools over stdio
 *   serve [--host H] [--port N] [--grpc-port N] [--out FILE] [--max-body-bytes N] [--gateway-port N] [--upstream NAME=URL]
 *       run the OTLP receivers, and the AI gateway, headless
 * Exit codes: 0 success, 1 some input could not be used (the rest is still reported) or, for findings, a finding at
 * or above --fail-on, for eval a score below --min-score, 2 usage error.
 */
import { describeErrorWithStack } from '../shared/errors';
import { CliError, usageError } from './args';
import { evalCommand, EVAL_USAGE } from './eval';
import { findings, FINDINGS_USAGE } from './findings';
import { mcp, MCP_USAGE } from './mcp';
import { query, QUERY_USAGE } from './query';
import { serve, SERVE_USAGE } from './serve';
import { summarize, SUMMARIZE_USAGE } from './summarize';

const USAGE = `Usage:
${SUMMARIZE_USAGE}${QUERY_USAGE}${FINDINGS_USAGE}${EVAL_USAGE}${MCP_USAGE}${SERVE_USAGE}  ai-trace-lens --help
`;

const COMMANDS: Record<string, (args: string[], help: () => number) => Promise<number>> = {
  summarize,
  query,
  findings,
  eval: evalCommand,
  mcp,
  serve,
};

function help(): number {
  process.stdout.write(USAGE);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return help();
  const run = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined)
    throw usageError(command === undefined ? 'No command given.' : `Unknown command "${command}".`);
  return run(rest, help);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`ai-trace-lens: ${error.message}\n${error.exitCode === 2 ? `\n${USAGE}` : ''}`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`ai-trace-lens: ${describeErrorWithStack(error)}\n`);
      process.exitCode = 1;
    }
  },
);
