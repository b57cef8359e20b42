/**
 * Which discovered model servers to offer: each `/metrics` candidate (discovery.ts) that is not configured, was not
 * declined for good, and was not tried in this session is tried once; one answering in Prometheus text format is
 * offered once. The host supplies the probe (scrapeOnce) and the offer (a notification).
 */
import type { AttributeMap } from '../model';
import { metricsUrlCandidates } from './discovery';

export interface DiscoveryOptions {
  /** The metrics URLs already scraped (the setting's). */
  readonly configured: () => readonly string[];
  /** Whether the user said not to be asked about `url` again. */
  readonly declined: (url: string) => boolean;
  /** Whether `url` answers in Prometheus text format (one scrape, no retry). */
  readonly probe: (url: string) => Promise<boolean>;
  readonly offer: (url: string) => void;
}

export class ModelServerDiscovery {
  /** Candidates tried (or being tried): each is tried once per session. */
  private readonly tried = new Set<string>();

  constructor(private readonly options: DiscoveryOptions) {}

  /** Tries the new candidates named by these LLM spans' attributes and upstream URLs; resolves when all answered. */
  async consider(spans: Iterable<AttributeMap>, upstreamUrls: Iterable<string> = []): Promise<string[]> {
    const { configured, declined, probe, offer } = this.options;
    const known = new Set(configured());
    const fresh = metricsUrlCandidates(spans, upstreamUrls).filter(
      (url) => !known.has(url) && !this.tried.has(url) && !declined(url),
    );
    for (const url of fresh) this.tried.add(url);
    const answered = await Promise.all(fresh.map(async (url) => ((await probe(url).catch(() => false)) ? url : '')));
    const offered = answered.filter((url) => url !== '');
    for (const url of offered) offer(url);
    return offered;
  }
}
