import { VulnbridgeError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { XrayApi } from './xrayApi.js';

export interface WalkOptions {
  filters: Record<string, string | boolean>;
  pageSize: number;
  /** Prefix of page labels: `watch prod-watch` → `watch prod-watch page 3`. */
  label: string;
  signal: AbortSignal;
  log: Logger;
  /** Stop (incomplete) after this many pages. */
  maxPages?: number;
}

export interface ViolationPage {
  label: string;
  violations: unknown[];
  /** `total_violations` of this walk's query, when Xray gave it. */
  total?: number;
}

export interface WalkEnd {
  /** Every page up to a short or empty one was read: the listing is whole. */
  complete: boolean;
}

/**
 * Get Violations, page by page: `offset` is a 1-based page number (§1.2), ordered by
 * `created` ascending; a page shorter than `limit` (or empty) is the last. A server
 * that keeps returning full pages past `total_violations` (or the same page again)
 * ends the walk as incomplete rather than looping forever.
 */
export async function* violationPages(api: XrayApi, opts: WalkOptions): AsyncGenerator<ViolationPage, WalkEnd, void> {
  let previousFirst: string | undefined;
  for (let offset = 1; ; offset++) {
    if (opts.signal.aborted) throw new VulnbridgeError('ABORTED', 'Xray pull was cancelled', { host: api.host });
    const label = `${opts.label} page ${offset}`;
    const page = await api.listViolations(
      { filters: opts.filters, pagination: { limit: opts.pageSize, offset, order_by: 'created', direction: 'asc' } },
      label,
      opts.signal,
    );
    if (page.violations.length > 0) yield { label, violations: page.violations, ...(page.total !== undefined ? { total: page.total } : {}) };
    if (page.violations.length < opts.pageSize) return { complete: true };

    if (page.total !== undefined && offset * opts.pageSize > page.total + opts.pageSize) {
      opts.log.warn('Xray keeps returning full pages past total_violations; stopping this walk, its watch is not treated as complete', {
        host: api.host,
        page: label,
        totalViolations: page.total,
      });
      return { complete: false };
    }
    // Without a total, a server that ignores `offset` would return page 1 forever.
    const first = JSON.stringify(page.violations[0]);
    if (page.total === undefined && first === previousFirst) {
      opts.log.warn('Xray returned the same page twice; stopping this walk, its watch is not treated as complete', { host: api.host, page: label });
      return { complete: false };
    }
    previousFirst = first;
    if (opts.maxPages !== undefined && offset >= opts.maxPages) return { complete: false };
  }
}
