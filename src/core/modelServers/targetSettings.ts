/**
 * `aiTraceLens.modelServers` as checked values: the Prometheus endpoints to scrape, each an http(s) URL with an
 * optional display name. As in core/settings.ts, a value that is not valid is left out with a problem message the
 * host logs, instead of reaching a scraper.
 */

export const MODEL_SERVERS_KEY = 'modelServers';

export interface ModelServerTarget {
  /** The metrics URL, normalised (`URL.href`): what names the target's samples (`url.full`). */
  readonly url: string;
  readonly name?: string;
}

export interface ParsedModelServers {
  targets: ModelServerTarget[];
  /** One sentence per ignored entry. */
  problems: string[];
}

/** Reads the setting's array; entries without an http(s) URL and repeated URLs are left out, each with a problem. */
export function parseModelServerTargets(value: unknown): ParsedModelServers {
  const targets: ModelServerTarget[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { targets, problems };
  if (!Array.isArray(value)) {
    problems.push(
      `aiTraceLens.${MODEL_SERVERS_KEY} must be an array of {"url", "name"} entries, got ${JSON.stringify(value)}; ` +
        'scraping no model server.',
    );
    return { targets, problems };
  }
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const { url, name } = (typeof entry === 'object' && entry !== null ? entry : {}) as {
      url?: unknown;
      name?: unknown;
    };
    const where = `aiTraceLens.${MODEL_SERVERS_KEY}[${index}]`;
    const href = typeof url === 'string' ? metricsUrl(url) : undefined;
    if (href === undefined) {
      problems.push(`${where} must have an http(s) "url", got ${JSON.stringify(entry)}; ignoring it.`);
      return;
    }
    if (seen.has(href)) {
      problems.push(`${where} repeats ${href}; ignoring it.`);
      return;
    }
    seen.add(href);
    const named = typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
    if (name !== undefined && named === undefined) problems.push(`${where}.name must be a non-empty string; ignored.`);
    targets.push(named === undefined ? { url: href } : { url: href, name: named });
  });
  return { targets, problems };
}

/** An http(s) URL with a host and no credentials (they would be logged with the URL), normalised; else undefined. */
function metricsUrl(text: string): string | undefined {
  if (!URL.canParse(text.trim())) return undefined;
  const url = new URL(text.trim());
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/** Whether two target lists scrape the same URLs under the same names (a settings change that changes nothing). */
export function sameTargets(a: readonly ModelServerTarget[], b: readonly ModelServerTarget[]): boolean {
  return (
    a.length === b.length && a.every((target, index) => target.url === b[index]!.url && target.name === b[index]!.name)
  );
}
