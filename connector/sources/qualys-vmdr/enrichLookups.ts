import type { OrgJsonObject } from './orgJson.js';
import { objectOf, textOf } from './orgJson.js';
import type { EnrichContext } from '../types.js';
import { kbEntry } from './kbEntry.js';
import type { QualysApi } from './qualysApi.js';
import { qualysPages, type RecordPicker } from './qualysPages.js';
import type { QualysVmdrConfig } from './qualysVmdrConfig.js';

export const KB_NS = 'qualys.kb';
export const HOST_NS = 'qualys.host';
const kbPath = (version: string): string => `/api/${version}/fo/knowledge_base/vuln/`;
const hostListPath = (version: string): string => `/api/${version}/fo/asset/host/`;

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
  const missing = await fetchByIds(api, ctx, numericIds(ctx.wanted.get(KB_NS), KB_NS, ctx), config.kbBatchSize, {
    path: kbPath(config.kbApiVersion),
    params: (ids) => ({ action: 'list', details: 'All', ids }),
    what: 'KnowledgeBase',
    root: 'KNOWLEDGE_BASE_VULN_LIST_OUTPUT',
    pick: pickUnder('VULN', 'VULN_LIST'),
    idOf: (vuln) => textOf(vuln.QID),
    found: (qid, vuln) => ctx.put(KB_NS, qid, kbEntry(vuln)),
  });
  if (missing.length > 0) {
    ctx.log.warn('the Qualys KnowledgeBase did not return some QIDs; their VULN.* fields stay empty', {
      host: api.host,
      count: missing.length,
      qids: missing.slice(0, 20),
    });
  }
}

/**
 * TruRisk scores per host from the Host List API: the HLD has no TruRisk fields and
 * rejects `show_trurisk` (qualys.md §1 "TruRisk / ACS"). Hosts not returned get empty
 * scores so the templates render '' rather than a stale value.
 */
export async function enrichHosts(api: QualysApi, config: QualysVmdrConfig, ctx: EnrichContext): Promise<void> {
  const missing = await fetchByIds(api, ctx, numericIds(ctx.wanted.get(HOST_NS), HOST_NS, ctx), config.hostListBatchSize, {
    path: hostListPath(config.hostListApiVersion),
    params: (ids) => ({ action: 'list', details: 'Basic', show_trurisk: '1', show_asset_id: '1', ids, truncation_limit: '0' }),
    what: 'Host List',
    root: 'HOST_LIST_OUTPUT',
    pick: pickUnder('HOST', 'HOST_LIST'),
    idOf: (host) => textOf(host.ID),
    found: (id, host) => ctx.put(HOST_NS, id, hostScores(host)),
  });
  if (missing.length > 0) ctx.log.debug('Qualys Host List did not return some hosts', { host: api.host, count: missing.length });
  for (const id of missing) ctx.put(HOST_NS, id, hostScores({}));
}

/** One Qualys list API asked for `ids` in batches (`ids=a,b,…`); returns the ids it did not return. */
async function fetchByIds(
  api: QualysApi,
  ctx: EnrichContext,
  ids: readonly string[],
  batchSize: number,
  call: {
    path: string;
    params: (ids: string) => Record<string, string>;
    what: string;
    root: string;
    pick: RecordPicker<OrgJsonObject>;
    idOf: (record: OrgJsonObject) => string;
    found: (id: string, record: OrgJsonObject) => void;
  },
): Promise<string[]> {
  const missing: string[] = [];
  for (const batch of batches(ids, batchSize)) {
    const unseen = new Set(batch);
    const pages = qualysPages({
      api,
      path: call.path,
      params: call.params(batch.join(',')),
      what: call.what,
      root: call.root,
      pick: call.pick,
      signal: ctx.signal,
      log: ctx.log,
    });
    for await (const page of pages) {
      for (const record of page.records) {
        const id = call.idOf(record);
        if (!id) continue;
        unseen.delete(id);
        call.found(id, record);
      }
    }
    missing.push(...unseen);
  }
  return missing;
}

function hostScores(host: OrgJsonObject): { TRURISK_SCORE: string; ASSET_CRITICALITY_SCORE: string; ASSET_RISK_SCORE: string } {
  return {
    TRURISK_SCORE: textOf(host.TRURISK_SCORE),
    ASSET_CRITICALITY_SCORE: textOf(host.ASSET_CRITICALITY_SCORE),
    ASSET_RISK_SCORE: textOf(host.ASSET_RISK_SCORE),
  };
}
