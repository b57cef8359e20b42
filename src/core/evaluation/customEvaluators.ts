/**
 * Custom evaluators: Markdown files (the workspace's `.ai-trace-lens/evaluators/*.md`, or any file given to `eval`)
 * whose front matter names the evaluator, its scale and what it applies to, and whose body is the judge's rubric:
 *
 *   ---
 *   name: concise
 *   scale: 1-5            # a range "MIN-MAX", or pass/fail
 *   appliesTo: llm        # llm, trace or session, or a list of them
 *   description: whether the answer is short and to the point   # optional
 *   ---
 *   Grade how concise the answer is. 5: …
 *
 * Front matter is YAML (the `yaml` package). Every mistake is an `EvaluatorFileError` naming the file and the field.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeError } from '../../shared/errors';
import { EVALUATION_SCOPES, type EvaluationScale, type EvaluationScope, type Evaluator } from './evaluators';

/** Where a workspace keeps its evaluators. */
export const EVALUATORS_DIR = join('.ai-trace-lens', 'evaluators');

export class EvaluatorFileError extends Error {
  override readonly name = 'EvaluatorFileError';
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const RANGE = /^\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|\.\.|to)\s*(-?\d+(?:\.\d+)?)\s*$/;
const KNOWN_FIELDS = new Set(['name', 'scale', 'appliesTo', 'description']);

/** The evaluator in a file's text; `file` names it in errors and becomes its source. */
export function parseEvaluatorFile(text: string, file: string): Evaluator {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    throw new EvaluatorFileError(
      `${file}: no front matter: the file must start with a "---" line, the fields name, scale and appliesTo, and ` +
        'another "---" line',
    );
  }
  let front: unknown;
  try {
    front = parseYaml(match[1]!);
  } catch (error) {
    throw new EvaluatorFileError(`${file}: the front matter is not valid YAML: ${describeError(error)}`);
  }
  if (typeof front !== 'object' || front === null || Array.isArray(front)) {
    throw new EvaluatorFileError(`${file}: the front matter must be YAML fields (name: …, scale: …, appliesTo: …)`);
  }
  const fields = front as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new EvaluatorFileError(
        `${file}: unknown front matter field "${key}" (known: ${[...KNOWN_FIELDS].join(', ')})`,
      );
    }
  }
  const instructions = text.slice(match[0].length).trim();
  if (instructions === '')
    throw new EvaluatorFileError(`${file}: the body is empty: it holds the judge's instructions`);
  const name = fields.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new EvaluatorFileError(
      `${file}: "name" must be a word of letters, digits, "-", "_" or ".", not ${JSON.stringify(name ?? null)}`,
    );
  }
  const description = fields.description ?? `the custom evaluator ${name}`;
  if (typeof description !== 'string') throw new EvaluatorFileError(`${file}: "description" must be text`);
  return {
    name,
    description,
    appliesTo: parseAppliesTo(fields.appliesTo, file),
    scale: parseScale(fields.scale, file),
    instructions,
    // A custom rubric decides for itself what it needs: it gets whatever was recorded.
    requires: [],
    source: file,
  };
}

function parseScale(value: unknown, file: string): EvaluationScale {
  if (typeof value === 'string' && /^\s*pass\s*\/\s*fail\s*$/i.test(value)) return { kind: 'pass-fail' };
  const range = typeof value === 'string' ? RANGE.exec(value) : null;
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (min < max) return { kind: 'range', min, max };
  }
  throw new EvaluatorFileError(
    `${file}: "scale" must be pass/fail or a range such as 1-5, not ${JSON.stringify(value ?? null)}`,
  );
}

function parseAppliesTo(value: unknown, file: string): EvaluationScope[] {
  const list = typeof value === 'string' ? [value] : value;
  const valid = (item: unknown): item is EvaluationScope => EVALUATION_SCOPES.includes(item as EvaluationScope);
  if (!Array.isArray(list) || list.length === 0 || !list.every(valid)) {
    throw new EvaluatorFileError(
      `${file}: "appliesTo" must be llm, trace or session, or a list of them, not ${JSON.stringify(value ?? null)}`,
    );
  }
  return [...new Set(list)];
}

export async function readEvaluatorFile(path: string): Promise<Evaluator> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EvaluatorFileError(`${path}: ${describeError(error)}`);
  }
  return parseEvaluatorFile(text, path);
}

/** The evaluators of a workspace folder's `.ai-trace-lens/evaluators/*.md`, by file name; none when it has no folder. */
export async function readWorkspaceEvaluators(folder: string): Promise<Evaluator[]> {
  const { evaluators, errors } = await readEachWorkspaceEvaluator(folder);
  if (errors[0] !== undefined) throw errors[0];
  return evaluators;
}

/** Each of the folder's evaluators that reads, and the errors of those that do not: one broken file spoils no other. */
export async function readEachWorkspaceEvaluator(
  folder: string,
): Promise<{ evaluators: Evaluator[]; errors: EvaluatorFileError[] }> {
  const dir = join(folder, EVALUATORS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { evaluators: [], errors: [] };
    return { evaluators: [], errors: [new EvaluatorFileError(`${dir}: ${describeError(error)}`)] };
  }
  const files = names.filter((name) => name.endsWith('.md')).sort();
  const read = await Promise.allSettled(files.map((name) => readEvaluatorFile(join(dir, name))));
  const evaluators = read.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const errors = read.flatMap((outcome) => {
    if (outcome.status === 'fulfilled') return [];
    const reason: unknown = outcome.reason;
    return [reason instanceof EvaluatorFileError ? reason : new EvaluatorFileError(describeError(reason))];
  });
  return { evaluators, errors };
}
