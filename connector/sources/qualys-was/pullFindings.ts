import { SourceError, VulnbridgeError } from '../../errors.js';
import type { FindingPage } from '../../model/finding.js';
import type { PullContext, PullResult } from '../types.js';
import type { QualysWasConfig } from './qualysWasConfig.js';
import { searchRequest, WAS_SEARCH_PATH } from './serviceRequest.js';
import type { WasApi } from './wasApi.js';
import { lastTestedOf, wasFinding } from './wasFinding.js';

const CURSOR = 'lastTestedDate';

/** Qualys date-time as the WAS API writes it: `2025-05-21T14:26:57Z`. */
function qualysWasTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The WAS findings search: the configured filters plus `lastTestedDate GREATER
 * <cursor − overlap>`, paged by `hasMoreRecords` + `id GREATER lastId`, one FindingPage
 * per search page (≤ 1000 findings). The cursor is the newest `lastTestedDate` seen —
 * Qualys' own clock, so our clock's skew does not matter — or, with nothing seen, the
 * previous cursor, or the cycle start on a first run.
 */
export async function* pullFindings(api: WasApi, config: QualysWasConfig, ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
  const previous = ctx.cursors[CURSOR];
  const previousMs = previous ? Date.parse(previous) : NaN;
  const since = Number.isFinite(previousMs) ? qualysWasTime(previousMs - config.overlapMinutes * 60_000) : undefined;
  if (previous && since === undefined) ctx.log.warn('ignoring an unreadable WAS cursor; pulling everything', { cursor: previous });
  ctx.log.info('pulling Qualys WAS findings', { host: api.host, since: since ?? '(first run: everything)' });

  let newestMs = Number.isFinite(previousMs) ? previousMs : NaN;
  let afterId: string | undefined;
  let total = 0;
  let skippedIgnored = 0;
  let skippedNoStatus = 0;
  for (let page = 1; ; page++) {
    const label = afterId ? `page ${page} (id>${afterId})` : `page ${page}`;
    const sr = await api.search(WAS_SEARCH_PATH, searchRequest(config, since, afterId), 'Finding', `WAS finding search ${label}`, ctx.signal);
    const out: FindingPage = { label, findings: [] };
    for (const raw of sr.records) {
      const tested = Date.parse(lastTestedOf(raw));
      if (Number.isFinite(tested) && !(tested <= newestMs)) newestMs = tested;
      const record = wasFinding(raw, config.resultMaxBytes);
      if ('skipped' in record) {
        skippedNoStatus++;
        (out.skipped ??= []).push({ reason: record.skipped });
      } else if ('rejected' in record) {
        (out.rejected ??= []).push(record.rejected);
      } else if (record.finding.ignored && !config.filters.includeIgnored) {
        skippedIgnored++;
        (out.skipped ??= []).push({ reason: 'ignored in Qualys (filters.includeIgnored is off)' });
      } else {
        out.findings.push(record.finding);
      }
    }
    total += out.findings.length;
    ctx.progress({ page: label, findings: out.findings.length, totalFindings: total });
    if (out.findings.length || out.rejected || out.skipped) yield out;
    if (ctx.signal.aborted) throw new VulnbridgeError('ABORTED', 'Qualys WAS pull was cancelled', { host: api.host });
    if (!sr.hasMoreRecords) break;
    afterId = nextAfterId(sr.lastId, afterId, api.host, label);
  }
  ctx.log.info('pulled Qualys WAS findings', { host: api.host, findings: total, ...(skippedIgnored ? { skippedIgnored } : {}),
    ...(skippedNoStatus ? { skippedInformationGatheredWithoutStatus: skippedNoStatus } : {}),
  });
  const next = Number.isFinite(newestMs) ? qualysWasTime(newestMs) : qualysWasTime(ctx.cycleStartedAt.getTime());
  return { nextCursors: { [CURSOR]: next } };
}

/** `lastId` must move forward, or paging would repeat a page forever. */
function nextAfterId(lastId: string, current: string | undefined, host: string, label: string): string {
  if (!/^\d+$/.test(lastId)) {
    throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys WAS finding search ${label} says hasMoreRecords but gives no numeric lastId`, {
      host,
      path: WAS_SEARCH_PATH,
    });
  }
  if (current !== undefined && BigInt(lastId) <= BigInt(current)) {
    throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys WAS finding search ${label} names lastId ${lastId}, not after ${current}`, {
      host,
      path: WAS_SEARCH_PATH,
      hint: 'stopping to avoid a loop; nothing from this cycle is applied and the next cycle pulls it again',
    });
  }
  return lastId;
}
