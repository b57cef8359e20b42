/**
 * The configured model servers' scrapers, as one window runs them: only while it leads (it owns the durable store,
 * or keeps its traces in memory alone), so several windows never scrape the same server. Each scrape is handed to
 * `record` as an OTLP metrics request, the way the receivers hand on what they accept, so it is stored durably and
 * the other windows see it. A failing target is said once (`log.warn` and `onFailure`), its recovery logged.
 */
import type { MetricsRequest } from '../otlp/metricModel';
import { describeError } from '../../shared/errors';
import { Scraper, type ScraperLog, type ScraperOptions } from './scraper';
import { sameTargets, type ModelServerTarget } from './targetSettings';

export interface ScrapeSupervisorOptions {
  /** Takes one scrape as the receivers take a metrics request (recorded, then stored). */
  readonly record: (request: MetricsRequest) => Promise<void>;
  readonly log: ScraperLog & { error(message: string): void };
  /** Told the first time a target fails, with the log's message (the host shows it once). */
  readonly onFailure?: (target: ModelServerTarget, message: string) => void;
  /** Intervals and timeout for tests; the scraper's defaults otherwise. */
  readonly timing?: Pick<ScraperOptions, 'activeIntervalMs' | 'idleIntervalMs' | 'timeoutMs' | 'activeForMs'>;
}

export class ScrapeSupervisor {
  private targets: readonly ModelServerTarget[] = [];
  private scrapers: Scraper[] = [];
  private leading = false;
  /** Targets already said to fail: the warning is shown once per target and session. */
  private readonly warned = new Set<string>();

  constructor(private readonly options: ScrapeSupervisorOptions) {}

  /** The targets scraped while leading. */
  get configured(): readonly ModelServerTarget[] {
    return this.targets;
  }

  /** Whether scrapers run here. */
  get isScraping(): boolean {
    return this.scrapers.length > 0;
  }

  setTargets(targets: readonly ModelServerTarget[]): void {
    if (sameTargets(this.targets, targets)) return;
    this.targets = targets;
    this.restart();
  }

  /** Scrapes when this window leads; stops when another window does (it scrapes then). */
  setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.restart();
  }

  /** Spans are arriving: every scraper goes to its fast interval. */
  active(): void {
    for (const scraper of this.scrapers) scraper.active();
  }

  dispose(): void {
    this.leading = false;
    this.restart();
  }

  private restart(): void {
    for (const scraper of this.scrapers) scraper.stop();
    this.scrapers = this.leading ? this.targets.map((target) => this.scraperOf(target)) : [];
    for (const scraper of this.scrapers) scraper.start();
  }

  private scraperOf(target: ModelServerTarget): Scraper {
    const { log, record, onFailure, timing } = this.options;
    const warn = (message: string) => {
      log.warn(message);
      if (this.warned.has(target.url)) return;
      this.warned.add(target.url);
      onFailure?.(target, message);
    };
    return new Scraper({
      ...timing,
      url: target.url,
      log: { info: (message) => log.info(message), warn },
      onScrape: (result) => {
        record(result.request).catch((error: unknown) =>
          log.error(`Recording the metrics of model server ${target.url} failed: ${describeError(error)}`),
        );
      },
    });
  }
}
