/**
 * Jump to code: where in the workspace a span's work was written. Six rules, tried in order, the first to find an
 * existing file wins and is named in the result so the UI can say how the location was found:
 * 1. `code-attributes`: `code.file.path`/`code.line.number`/`code.column.number` (or the deprecated names) as recorded;
 * 2. `stack-trace`: the innermost non-library frame of `code.stacktrace`/`exception.stacktrace` inside the workspace;
 * 3. `path-mapping`: the paths of 1 and 2 mapped from where the program ran (container, WSL, remote) onto this machine;
 * 4. `symbol`: the function name through the language servers' workspace symbols;
 * 5. `tool-registration`: for tool and MCP spans, where the tool is registered;
 * 6. `prompt-text`: for LLM (and agent) spans, where the system prompt or first user message is written.
 * Everything outside this module that touches the workspace goes through `WorkspaceAccess`, so the rules run in tests
 * over a temporary folder and in VS Code over its APIs.
 */
import { join } from 'node:path';
import type { AttributeMap, Span } from '../model';
import { readNonNegative, readString } from '../semantics/attributes';
import type { AiSpanInfo } from '../semantics/types';
import {
  hostPath,
  isAbsoluteAnywhere,
  isInsideFolder,
  mappedPaths,
  type PathMapping,
  pathSegments,
  slashPath,
} from './paths';
import { distinctivePieces, promptTexts } from './promptText';
import { isLibraryFrame, javaSourcePath, parseStackTrace, type StackFrame } from './stackTrace';
import { escapeRegExp, findToolRegistration } from './toolRegistration';

/** 1-based line and column in a workspace file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number | undefined;
}

/** What the resolver needs from the editor; every path is absolute, in the host's spelling. */
export interface WorkspaceAccess {
  /** The open workspace folders, first folder first; empty when none is open. */
  readonly folders: readonly string[];
  /** Whether a file (not a folder) exists at `path`; false on any error. */
  exists(path: string): Promise<boolean>;
  /**
   * Workspace files whose path ends with `/<relativePath>` (e.g. `com/example/Agent.java`), honouring the user's
   * search excludes, at most `maxResults`, in any order.
   */
  findFiles(relativePath: string, maxResults: number): Promise<string[]>;
  /** The file's text; may reject (file gone, unreadable), and the resolver then skips that file. */
  readText(path: string): Promise<string>;
  /**
   * The definition of a symbol named exactly `name` among the workspace symbols, preferring one whose container
   * (class, type, module) is `container` when given; undefined when there is none.
   */
  findSymbol(name: string, container: string | undefined): Promise<SourcePosition | undefined>;
  /** Case-sensitive literal occurrences of `literal` in workspace files (search excludes honoured), at most `maxResults`. */
  searchText(literal: string, options: { maxResults: number }): Promise<SourcePosition[]>;
}

import type { ResolutionRule } from '../../shared/resolutionRules';
import { filePlace } from '../../shared/format';

export type { ResolutionRule };

export interface ResolvedLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column?: number;
  rule: ResolutionRule;
  /** How it was found, one line for the UI: `code.file.path /app/agent.py:42 re-based onto /home/me/agent`. */
  detail: string;
}

export interface ResolveOptions {
  /** The user's prefix pairs from where traces were recorded to this machine. */
  pathMappings: readonly PathMapping[];
}

/** The parts of a `SpanNode` the resolver reads. */
export interface ResolvableSpan {
  readonly span: Span;
  readonly ai: AiSpanInfo;
}

/** A recorded location (rule 1's attributes or a rule 2 frame) before it is found on disk. */
interface Recorded {
  file: string;
  line: number | undefined;
  column: number | undefined;
  function: string | undefined;
  /** Where it came from, for `detail`. */
  origin: string;
}

const JAVA_MATCHES = 10;
const TOOL_SEARCH_RESULTS = 200;
const PROMPT_SEARCH_RESULTS = 20;
/** Literal searches per span for rule 6: each is a full-workspace search. */
const PROMPT_PIECES_PER_TEXT = 3;
const PROMPT_SEARCHES = 6;
/** Application frames looked up at all: deep framework stacks would otherwise cost a file search per frame. */
const SEARCHED_FRAMES = 20;
/** Frames whose function names are offered to the symbol provider (rule 4), innermost first. */
const SYMBOL_FRAMES = 3;

export async function resolveSpanLocation(
  node: ResolvableSpan,
  workspace: WorkspaceAccess,
  options: ResolveOptions,
): Promise<ResolvedLocation | undefined> {
  const codeFile = recordedCodeFile(node);
  const frames = applicationFrames(node.span).slice(0, SEARCHED_FRAMES);
  const functions = [node.ai.code?.function, ...frames.slice(0, SYMBOL_FRAMES).map((frame) => frame.function)];
  return (
    (await asRecorded(codeFile, workspace, 'code-attributes')) ??
    (await firstFrameInWorkspace(frames, workspace)) ??
    (await firstMapped([codeFile, ...frames.filter(hasPath)], workspace, options.pathMappings)) ??
    (await fromSymbols(functions, workspace)) ??
    (await fromToolRegistration(node.ai, workspace)) ??
    (await fromPromptText(node, workspace))
  );
}

/** Java frames name a file, not a path: rule 2 already looked them up by package. */
function hasPath(frame: StackFrame): boolean {
  return frame.language !== 'java';
}

/** The file the code attributes name (`node.ai.code` has file, line and function; the column is read here). */
function recordedCodeFile(node: ResolvableSpan): Recorded | undefined {
  const code = node.ai.code;
  if (code?.file === undefined) return undefined;
  const attributes = node.span.attributes;
  const fileKey = readString(attributes, 'code.file.path') !== undefined ? 'code.file.path' : 'code.filepath';
  return {
    file: code.file,
    line: code.line,
    column: positiveInteger(attributes, 'code.column.number') ?? positiveInteger(attributes, 'code.column'),
    function: code.function,
    origin: `${fileKey} ${filePlace(code.file, code.line)}`,
  };
}

function positiveInteger(attributes: AttributeMap, key: string): number | undefined {
  const value = readNonNegative(attributes, key);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Non-library frames of the span's stack traces: `code.stacktrace`, `exception.stacktrace`, then exception events. */
function applicationFrames(span: Span): (StackFrame & { origin: string })[] {
  const traces: { origin: string; text: string | undefined }[] = [
    { origin: 'code.stacktrace', text: readString(span.attributes, 'code.stacktrace') },
    { origin: 'exception.stacktrace', text: readString(span.attributes, 'exception.stacktrace') },
    ...span.events.map((event) => ({
      origin: `${event.name} event`,
      text: readString(event.attributes, 'exception.stacktrace'),
    })),
  ];
  return traces.flatMap(({ origin, text }) =>
    text === undefined
      ? []
      : parseStackTrace(text)
          .filter((frame) => !isLibraryFrame(frame))
          .map((frame) => ({ ...frame, origin: `${origin} frame ${describeFrame(frame)}` })),
  );
}

/** `run_tool /app/agent.py:42`. */
function describeFrame(frame: StackFrame): string {
  const position = filePlace(frame.file, frame.line);
  return frame.function === undefined ? position : `${frame.function} ${position}`;
}

/** Rule 1 and the relative-path half of rule 2: the path as recorded, or relative to a workspace folder. */
async function asRecorded(
  recorded: Recorded | undefined,
  workspace: WorkspaceAccess,
  rule: ResolutionRule,
  insideWorkspaceOnly = false,
): Promise<ResolvedLocation | undefined> {
  if (recorded === undefined) return undefined;
  const slashed = slashPath(recorded.file);
  const paths = isAbsoluteAnywhere(slashed)
    ? [hostPath(slashed)]
    : workspace.folders.map((folder) => join(folder, ...pathSegments(slashed)));
  for (const path of paths) {
    if (insideWorkspaceOnly && !workspace.folders.some((folder) => isInsideFolder(path, folder))) continue;
    if (await workspace.exists(path)) return located(path, recorded, workspace, rule, recorded.origin);
  }
  return undefined;
}

/** Rule 2: Java frames by package path anywhere in the workspace, others by their path inside a workspace folder. */
async function firstFrameInWorkspace(
  frames: readonly (StackFrame & { origin: string })[],
  workspace: WorkspaceAccess,
): Promise<ResolvedLocation | undefined> {
  for (const frame of frames) {
    if (frame.language === 'java') {
      const matches = (await workspace.findFiles(javaSourcePath(frame), JAVA_MATCHES)).sort();
      if (matches.length > 0) return located(matches[0]!, frame, workspace, 'stack-trace', frame.origin);
      continue;
    }
    const found = await asRecorded(frame, workspace, 'stack-trace', true);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Rule 3, for each recorded path in turn: configured mappings, WSL, re-basing onto the folders, and last a search
 * for the path's tail (at least two elements, so that a lone `index.ts` cannot match) when it names exactly one file.
 */
async function firstMapped(
  recorded: readonly (Recorded | undefined)[],
  workspace: WorkspaceAccess,
  mappings: readonly PathMapping[],
): Promise<ResolvedLocation | undefined> {
  for (const candidate of recorded) {
    if (candidate === undefined) continue;
    for (const mapped of mappedPaths(candidate.file, mappings, workspace.folders)) {
      if (await workspace.exists(mapped.path)) {
        return located(mapped.path, candidate, workspace, 'path-mapping', `${candidate.origin} ${mapped.how}`);
      }
    }
    const segments = pathSegments(slashPath(candidate.file));
    for (let start = 0; start <= segments.length - 2; start++) {
      const tail = segments.slice(start).join('/');
      const matches = await workspace.findFiles(tail, 2);
      if (matches.length === 1) {
        return located(matches[0]!, candidate, workspace, 'path-mapping', `${candidate.origin} found as …/${tail}`);
      }
    }
  }
  return undefined;
}

/** The found file at the recorded line, or at the function's definition in it when no line was recorded. */
async function located(
  file: string,
  recorded: Omit<Recorded, 'file' | 'origin'>,
  workspace: WorkspaceAccess,
  rule: ResolutionRule,
  detail: string,
): Promise<ResolvedLocation> {
  const line = recorded.line ?? (await definitionLine(file, recorded.function, workspace)) ?? 1;
  return { file, line, ...(recorded.column === undefined ? {} : { column: recorded.column }), rule, detail };
}

async function definitionLine(
  file: string,
  fn: string | undefined,
  workspace: WorkspaceAccess,
): Promise<number | undefined> {
  const name = fn === undefined ? undefined : symbolQuery(fn)?.name;
  if (name === undefined) return undefined;
  const text = await readTextOrUndefined(workspace, file);
  if (text === undefined) return undefined;
  const escaped = escapeRegExp(name);
  const definition = new RegExp(
    [
      `\\b(?:def|function|func|fn|class)\\s+${escaped}\\b`,
      `\\b(?:const|let|var)\\s+${escaped}\\s*=`,
      // A method: `async runTool(name) {`.
      `^\\s*(?:async\\s+)?${escaped}\\s*\\(.*\\)\\s*\\{`,
    ].join('|'),
    'm',
  ).exec(text);
  return definition === null ? undefined : text.slice(0, definition.index).split('\n').length;
}

/** Rule 4. */
async function fromSymbols(
  functions: readonly (string | undefined)[],
  workspace: WorkspaceAccess,
): Promise<ResolvedLocation | undefined> {
  for (const fn of new Set(functions)) {
    const query = fn === undefined ? undefined : symbolQuery(fn);
    if (query === undefined) continue;
    const symbol = await workspace.findSymbol(query.name, query.container);
    if (symbol !== undefined) {
      return {
        file: symbol.file,
        line: symbol.line,
        ...(symbol.column === undefined ? {} : { column: symbol.column }),
        rule: 'symbol',
        detail: `workspace symbol ${query.container === undefined ? '' : `${query.container}.`}${query.name} (from ${fn})`,
      };
    }
  }
  return undefined;
}

/**
 * The symbol to look up for a recorded function name: its last element, and the one before as the container.
 * `agent.tools.Agent.run_tool` → run_tool in Agent; Go `github.com/x/agent.(*Agent).runTool` → runTool in Agent;
 * `Agent::run` → run in Agent. Anonymous and generated names (`<module>`, `<anonymous>`, Go's `func1`) give none.
 */
export function symbolQuery(qualified: string): { name: string; container: string | undefined } | undefined {
  const lastPathElement = qualified.slice(qualified.lastIndexOf('/') + 1);
  const parts = lastPathElement
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\(\*?([\w$]+)\)/g, '$1')
    .split(/\.|::|#/)
    .filter((part) => part !== '');
  const name = parts.at(-1);
  if (name === undefined || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name) || /^func\d+$/.test(name)) return undefined;
  return { name, container: parts.length > 1 ? parts.at(-2) : undefined };
}

/** Rule 5: the best registration among the files the literal search finds, first file among equals. */
async function fromToolRegistration(ai: AiSpanInfo, workspace: WorkspaceAccess): Promise<ResolvedLocation | undefined> {
  if ((ai.kind !== 'tool' && ai.kind !== 'mcp') || ai.toolName === undefined) return undefined;
  const hits = await workspace.searchText(ai.toolName, { maxResults: TOOL_SEARCH_RESULTS });
  let best: { location: ResolvedLocation; rank: number } | undefined;
  for (const file of new Set(hits.map((hit) => hit.file))) {
    const text = await readTextOrUndefined(workspace, file);
    const match = text === undefined ? undefined : findToolRegistration(text, ai.toolName);
    if (match === undefined || (best !== undefined && best.rank <= match.rank)) continue;
    const detail = `${match.label} of tool "${ai.toolName}"`;
    best = {
      location: { file, line: match.line, column: match.column, rule: 'tool-registration', detail },
      rank: match.rank,
    };
    if (match.rank === 0) break;
  }
  return best?.location;
}

const PROMPT_ROLE_LABEL = { system: 'system prompt', user: 'first user message' } as const;

/** Rule 6: where a distinctive line of the system prompt (else the first user message) is written. */
async function fromPromptText(node: ResolvableSpan, workspace: WorkspaceAccess): Promise<ResolvedLocation | undefined> {
  if (node.ai.kind !== 'llm' && node.ai.kind !== 'agent') return undefined;
  let searches = 0;
  for (const prompt of promptTexts(node.span)) {
    for (const piece of distinctivePieces(prompt.text, PROMPT_PIECES_PER_TEXT)) {
      if (searches++ >= PROMPT_SEARCHES) return undefined;
      const hits = await workspace.searchText(piece, { maxResults: PROMPT_SEARCH_RESULTS });
      const [hit] = hits;
      if (hit === undefined) continue;
      const where = hits.length === 1 ? '' : ` (first of ${hits.length} matches)`;
      return {
        file: hit.file,
        line: hit.line,
        ...(hit.column === undefined ? {} : { column: hit.column }),
        rule: 'prompt-text',
        detail: `${PROMPT_ROLE_LABEL[prompt.role]} text "${piece}"${where}`,
      };
    }
  }
  return undefined;
}

async function readTextOrUndefined(workspace: WorkspaceAccess, file: string): Promise<string | undefined> {
  try {
    return await workspace.readText(file);
  } catch {
    return undefined;
  }
}
/** What to search for by hand: the tool name, the function name, or a distinctive piece of the prompt. */
export function manualSearchQuery(node: ResolvableSpan): string | undefined {
  if (node.ai.toolName !== undefined) return node.ai.toolName;
  const fn = node.ai.code?.function;
  if (fn !== undefined) return symbolQuery(fn)?.name ?? fn;
  const prompt = promptTexts(node.span)[0];
  return prompt === undefined ? undefined : distinctivePieces(prompt.text, 1)[0];
}
