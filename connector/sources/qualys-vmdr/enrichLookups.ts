import type { OrgJsonObject } from './orgJson.js';
import { objectOf, textOf } from './orgJson.js';
import type { EnrichContext } from '../types.js';
import { kbEntry } from './kbEntry.js';
import type { QualysApi } from './qualysApi.js';
import { qualysPages, type RecordPicker } from './qualysPages.js';
import type { QualysVmdrConfig } from './qualysVmdrConfig.js';

export const KB_NS = 'qualys.kb';
export const HOST_NS = 'qualys.host';
export const kbPath = (version: string): string => `/api/${version}/fo/knowledge_base/vuln/`;
export const hostListPath = (version: string): string => `/api/${version}/fo/asset/host/`;

const pickUnder =
  (record: string, parent: string): RecordPicker<OrgJsonObject> =>
  (name, value, stack, out) => {
    if (name !== record || stack[stack.length - 1]?.name !== parent) return false;
    const obj = objectOf(value);
    if (obj) out.push(obj);
    return true;
  };

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Qualys ids are numbers; one bad id fails a whole batch with CODE 1905, so drop it here. */
function numericIds(ids: readonly string[] | undefined, ns: string, ctx: EnrichContext): string[] {
  const good = [...new Set(ids ?? [])].filter((id) => /^\d+$/.test(id));
  const bad = (ids ?? []).length - good.length;
  if (bad > 0) ctx.log.warn('skipping lookup ids that are not Qualys ids', { ns, skipped: bad });
  return good;
}

/**
 * KnowledgeBase entries for the wanted QIDs (`details=All` for CVSS_V3 ATTACK/VECTOR
 * and the texts; qualys.md §2), `kbBatchSize` QIDs per call. QIDs the KB does not
 * return are logged and left out, so they are asked for again next cycle.
 */
export async function enrichKb(api: QualysApi, config: QualysVmdrConfig, ctx: EnrichContext): Promise<void> {
  const qids = numericIds(ctx.wanted.get(KB_NS), KB_NS, ctx);
  for (const batch of batches(qids, config.kbBatchSize)) {
    const missing = new Set(batch);
    const pages = qualysPages({
      api,
      path: kbPath(config.kbApiVersion),
      params: { action: 'list', details: 'All', ids: batch.join(',') },
      what: 'KnowledgeBase',
      root: 'KNOWLEDGE_BASE_VULN_LIST_OUTPUT',
      pick: pickUnder('VULN', 'VULN_LIST'),
      signal: ctx.signal,
      log: ctx.log,
    });
    for await (const page of pages) {
      for (const vuln of page.records) {
        const qid = textOf(vuln.QID);
        if (!qid) continue;
        missing.delete(qid);
        ctx.put(KB_NS, qid, kbEntry(vuln));
      }
    }
    if (missing.size > 0) {
      ctx.log.warn('the Qualys KnowledgeBase did not return some QIDs; their VULN.* fields stay empty', {
        host: api.host,
        count: missing.size,
        qids: [...missing].slice(0, 20),
      });
    }
  }
}

/**
 * TruRisk scores per host from the Host List API: the HLD has no TruRisk fields and
 * rejects `show_trurisk` (qualys.md §1 "TruRisk / ACS"). Hosts not returned get empty
 * scores so the templates render '' rather than a stale value.
 */
export async function enrichHosts(api: QualysApi, config: QualysVmdrConfig, ctx: EnrichContext): Promise<void> {
  const ids = numericIds(ctx.wanted.get(HOST_NS), HOST_NS, ctx);
  for (const batch of batches(ids, config.hostListBatchSize)) {
    const missing = new Set(batch);
    const pages = qualysPages({
      api,
      path: hostListPath(config.hostListApiVersion),
      params: { action: 'list', details: 'Basic', show_trurisk: '1', show_asset_id: '1', ids: batch.join(','), truncation_limit: '0' },
      what: 'Host List',
      root: 'HOST_LIST_OUTPUT',
      pick: pickUnder('HOST', 'HOST_LIST'),
      signal: ctx.signal,
      log: ctx.log,
    });
    for await (const page of pages) {
      for (const host of page.records) {
        const id = textOf(host.ID);
        if (!id) continue;
        missing.delete(id);
        ctx.put(HOST_NS, id, hostScores(host));
      }
    }
    if (missing.size > 0) ctx.log.debug('Qualys Host List did not return some hosts', { host: api.host, count: missing.size });
    for (const id of missing) ctx.put(HOST_NS, id, hostScores({}));
  }
}

function hostScores(host: OrgJsonObject): { TRURISK_SCORE: string; ASSET_CRITICALITY_SCORE: string; ASSET_RISK_SCORE: string } {
  return {
    TRURISK_SCORE: textOf(host.TRURISK_SCORE),
    ASSET_CRITICALITY_SCORE: textOf(host.ASSET_CRITICALITY_SCORE),
    ASSET_RISK_SCORE: textOf(host.ASSET_RISK_SCORE),
  };
}
