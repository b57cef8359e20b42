/**
 * The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text, parsed into metric families. Written here
 * rather than taken from npm: the one parser there (parse-prometheus-text-format 1.1.1, unchanged since 2019) merges
 * the buckets of every labelled histogram series into one, keeps `_count` and `_sum` only for unlabelled series, and
 * knows neither `# UNIT`, `# EOF`, OpenMetrics counters (`# TYPE x counter` with `x_total` samples) nor exemplars.
 *
 * Follows prometheus/docs content/docs/instrumenting/exposition_formats.md and the OpenMetrics 1.0 specification:
 * `# HELP` unescapes `\\` and `\n`, label values also `\"`; values are Go floats (`NaN`, `+Inf`, `-Inf`); the optional
 * timestamp is milliseconds in the text format and seconds in OpenMetrics (told apart by `# EOF` or the caller);
 * an OpenMetrics exemplar (` # {...} value`) after a sample is skipped.
 */

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ExpositionSample {
  /** The sample's own name: `x_bucket`, `x_total`, … */
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly timestampMs?: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
  /** `# UNIT` (OpenMetrics), else ''. */
  readonly unit: string;
  readonly samples: ExpositionSample[];
}

/** A line that is not valid exposition text; `line` counts from 1. */
export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** The suffixes a family's samples may carry, by family type. */
const SUFFIXES: Record<FamilyType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_count', '_sum', '_created', '_gcount', '_gsum'],
  summary: ['_count', '_sum', '_created'],
  untyped: [],
};

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown']);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Every family in `text`, in order of first appearance. `openMetrics` says how to read timestamps; left undefined,
 * a `# EOF` line decides. Throws `ExpositionError` on the first malformed line.
 */
export function parseExposition(text: string, options?: { openMetrics?: boolean }): MetricFamily[] {
  const lines = text.split('\n');
  const openMetrics = options?.openMetrics ?? lines.some((line) => line.trimEnd() === '# EOF');
  const families = new Map<string, { name: string; type: FamilyType; help: string; unit: string; samples: [] }>();
  const familyOf = (name: string) => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: '', unit: '', samples: [] };
      families.set(name, family);
    }
    return family as MetricFamily;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    const lineNumber = index + 1;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE|UNIT)\s+([^\s]+)(?:[ \t](.*))?$/.exec(line);
      if (!meta) continue; // EOF and plain comments
      const [, keyword, name, rest = ''] = meta;
      const family = familyOf(name!) as { type: FamilyType; help: string; unit: string };
      if (keyword === 'HELP') family.help = unescapeHelp(rest);
      else if (keyword === 'UNIT') family.unit = rest.trim();
      else {
        const type = rest.trim().toLowerCase();
        if (!TYPES.has(type)) throw new ExpositionError(`unknown metric type "${rest.trim()}"`, lineNumber);
        family.type = type === 'unknown' ? 'untyped' : (type as FamilyType);
      }
      continue;
    }
    const sample = parseSampleLine(line, lineNumber, openMetrics);
    familyOf(familyNameOf(sample.name, families)).samples.push(sample);
  }
  return [...families.values()];
}

/** The declared family a sample belongs to (`x_bucket` → `x` when `x` is a histogram), else its own name. */
function familyNameOf(sampleName: string, families: ReadonlyMap<string, { type: FamilyType }>): string {
  if (families.has(sampleName)) return sampleName;
  for (const suffix of ['_total', '_bucket', '_count', '_sum', '_created', '_gcount', '_gsum']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const family = families.get(base);
    if (family && SUFFIXES[family.type].includes(suffix)) return base;
    // The text format names a counter family `x_total` and its start time `x_created`.
    if (suffix === '_created' && families.get(`${base}_total`)?.type === 'counter') return `${base}_total`;
  }
  return sampleName;
}

function parseSampleLine(line: string, lineNumber: number, openMetrics: boolean): ExpositionSample {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) throw new ExpositionError(`expected a metric name in "${clip(line)}"`, lineNumber);
  const name = nameMatch[0];
  let position = name.length;
  const labels = new Map<string, string>();
  position = skipBlanks(line, position);
  if (line[position] === '{') position = parseLabels(line, position + 1, labels, lineNumber);
  const rest = line.slice(position).trim();
  // An OpenMetrics exemplar follows ` # `.
  const exemplarAt = rest.indexOf(' # ');
  const fields = (exemplarAt >= 0 ? rest.slice(0, exemplarAt) : rest).split(/[ \t]+/).filter((field) => field !== '');
  if (fields.length === 0 || fields.length > 2) {
    throw new ExpositionError(`expected a value and an optional timestamp after ${name}`, lineNumber);
  }
  const value = parseValue(fields[0]!);
  if (value === undefined) throw new ExpositionError(`"${clip(fields[0]!)}" is not a number`, lineNumber);
  if (fields.length === 1) return { name, labels, value };
  const timestamp = Number(fields[1]);
  if (!Number.isFinite(timestamp)) throw new ExpositionError(`"${clip(fields[1]!)}" is not a timestamp`, lineNumber);
  return { name, labels, value, timestampMs: openMetrics ? timestamp * 1000 : timestamp };
}

/** Reads `name="value", …}` from `position` (just past `{`) into `labels`; returns the position after `}`. */
function parseLabels(line: string, position: number, labels: Map<string, string>, lineNumber: number): number {
  for (;;) {
    position = skipBlanks(line, position);
    if (line[position] === '}') return position + 1;
    const labelName = LABEL_NAME.exec(line.slice(position))?.[0];
    if (labelName === undefined)
      throw new ExpositionError(`expected a label name at column ${position + 1}`, lineNumber);
    position = skipBlanks(line, position + labelName.length);
    if (line[position] !== '=') throw new ExpositionError(`expected = after label ${labelName}`, lineNumber);
    position = skipBlanks(line, position + 1);
    if (line[position] !== '"') throw new ExpositionError(`expected a quoted value for label ${labelName}`, lineNumber);
    let value = '';
    for (position++; ; position++) {
      const char = line[position];
      if (char === undefined) throw new ExpositionError(`unterminated value of label ${labelName}`, lineNumber);
      if (char === '"') break;
      if (char === '\\') {
        const next = line[++position];
        value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next ?? ''}`;
      } else value += char;
    }
    labels.set(labelName, value);
    position = skipBlanks(line, position + 1);
    if (line[position] === ',') position++;
    else if (line[position] !== '}') throw new ExpositionError(`expected , or } after label ${labelName}`, lineNumber);
  }
}

/** A Go float as the format writes it: `NaN`, `+Inf`, `-Inf`, `1e+06`, `0.5`. */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** `# HELP` text: `\\` and `\n` are escaped; any other backslash stands for itself. */
function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_whole, char: string) => (char === 'n' ? '\n' : char));
}

function skipBlanks(line: string, position: number): number {
  while (line[position] === ' ' || line[position] === '\t') position++;
  return position;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
