import type { Logger } from '../../log.js';
import { isRecord, type XrayApi } from './xrayApi.js';

const CONCURRENCY = 4;

/** A list item without what `include_details` adds (some Xray versions omit it). */
function lacksDetails(v: Record<string, unknown>): boolean {
  return !Array.isArray(v.matched_policies) && (v.violation_id === undefined || v.violation_id === null);
}

function detailsQuery(v: Record<string, unknown>): string {
  if (typeof v.violation_details_url !== 'string' || v.violation_details_url === '') return '';
  try {
    return new URL(v.violation_details_url, 'http://relative.invalid').search.replace(/^\?/, '');
  } catch {
    return '';
  }
}

/**
 * `details: fetch`: GET the details of each list item that lacks them, 4 at a time, on
 * the configured platform URL with the query of `violation_details_url` (§1.4). The
 * details win over the list item's fields; a violation gone meanwhile (404) keeps the
 * list item as it is.
 */
export async function withDetails(api: XrayApi, violations: unknown[], label: string, signal: AbortSignal, log: Logger): Promise<unknown[]> {
  const out = [...violations];
  const todo = violations
    .map((v, i) => ({ v, i }))
    .filter((x): x is { v: Record<string, unknown>; i: number } => isRecord(x.v) && lacksDetails(x.v) && detailsQuery(x.v) !== '');
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !failed) {
      const { v, i } = todo[next++] as { v: Record<string, unknown>; i: number };
      let details: unknown;
      try {
        details = await api.violationDetails(detailsQuery(v), `details of ${String(v.issue_id)} (${label})`, signal);
      } catch (err) {
        // The page fails as a whole: the other workers stop taking new items.
        failed = true;
        throw err;
      }
      if (isRecord(details)) out[i] = { ...v, ...details };
      else log.debug('Xray violation details not found; keeping the list item', { host: api.host, page: label, issueId: v.issue_id });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
  return out;
}
