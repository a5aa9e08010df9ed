import { qdsSeverity, qualysTime, type QualysSimData, type SimDetection, type SimHost } from './generateVmdrData.js';
import { flag, idList, idListMatcher } from './simParams.js';
import { cdata, cel, el, esc, type XmlStreamWriter } from './xmlWriter.js';

export interface PageOptions {
  /** Base of the WARNING URL (scheme://host), e.g. the sim's own URL or a "public" name. */
  urlBase: string;
  path: string;
  /** Write a broken element after this many hosts (malformed XML on demand). */
  malformedAfterHosts?: number;
}

type Params = Record<string, string>;

/**
 * When no `status` is sent the sim returns New, Active and Re-Opened only: the default is
 * contested (qualys.md §1 "status default is contested"), which is why the client must
 * always ask for Fixed explicitly.
 */
const DEFAULT_STATUSES = ['New', 'Active', 'Re-Opened'];

/**
 * The host filters, cheapest first: ids, id range and tags need no detections, so a host
 * they drop never has its detections generated (they are made on demand, per request).
 */
function hostFilter(params: Params): { cheap: (h: SimHost) => boolean; byDetections: (dets: SimDetection[]) => boolean; firstId: number } {
  const ids = idList(params.ids);
  const idMin = params.id_min ? Number(params.id_min) : undefined;
  const idMax = params.id_max ? Number(params.id_max) : undefined;
  const processedAfter = params.vm_processed_after ? Date.parse(params.vm_processed_after) : undefined;
  const tags = tagFilter(params);
  return {
    cheap: (h) => {
      const id = Number(h.ID);
      if (ids && !ids.has(id)) return false;
      if (idMin !== undefined && id < idMin) return false;
      if (idMax !== undefined && id > idMax) return false;
      if (tags && !tags(h)) return false;
      return true;
    },
    byDetections: (dets) => processedAfter === undefined || dets.some((d) => Date.parse(d.LAST_PROCESSED_DATETIME) >= processedAfter),
    // NaN (a malformed id_min) compares false everywhere: start at the first host then.
    firstId: Math.max(ids?.min ?? Number.NEGATIVE_INFINITY, idMin !== undefined && !Number.isNaN(idMin) ? idMin : Number.NEGATIVE_INFINITY),
  };
}

/** `use_tags=1` with `tag_set_include`/`tag_set_exclude` by id or name, any/all (host_detection.htm). */
export function tagFilter(params: Params): ((h: SimHost) => boolean) | undefined {
  if (params.use_tags !== '1') return undefined;
  const byName = params.tag_set_by === 'name';
  const key = (t: { TAG_ID: string; NAME: string }): string => (byName ? t.NAME : t.TAG_ID);
  const include = params.tag_set_include ? params.tag_set_include.split(',') : [];
  const exclude = params.tag_set_exclude ? params.tag_set_exclude.split(',') : [];
  const incAll = params.tag_include_selector === 'all';
  const excAll = params.tag_exclude_selector === 'all';
  return (h) => {
    const has = new Set(h.TAGS.map(key));
    if (include.length && !(incAll ? include.every((t) => has.has(t)) : include.some((t) => has.has(t)))) return false;
    if (exclude.length && (excAll ? exclude.every((t) => has.has(t)) : exclude.some((t) => has.has(t)))) return false;
    return true;
  };
}

function detectionFilter(params: Params): (d: SimDetection) => boolean {
  const statuses = new Set((params.status ?? DEFAULT_STATUSES.join(',')).split(',').map((s) => s.trim()));
  const severities = idListMatcher(params.severities);
  const qids = idListMatcher(params.qids);
  const includeIgnored = flag(params, 'include_ignored', false);
  const since = params.detection_updated_since ? Date.parse(params.detection_updated_since) : undefined;
  const before = params.detection_updated_before ? Date.parse(params.detection_updated_before) : undefined;
  const vulnType = params.include_vuln_type;
  return (d) => {
    if (!statuses.has(d.STATUS)) return false;
    if (severities && !severities(Number(d.SEVERITY))) return false;
    if (qids && !qids(Number(d.QID))) return false;
    if (!includeIgnored && d.IS_IGNORED === '1') return false;
    if (since !== undefined && Date.parse(d.LAST_UPDATE_DATETIME) < since) return false;
    if (before !== undefined && Date.parse(d.LAST_UPDATE_DATETIME) > before) return false;
    if (vulnType === 'confirmed' && d.TYPE !== 'Confirmed') return false;
    if (vulnType === 'potential' && d.TYPE !== 'Potential') return false;
    return true;
  };
}

/** Element order of the HLD XSD (qualys.md §1 "XML response"); CDATA where real payloads use it. */
function hostOpen(h: SimHost, params: Params): string {
  const i = '      ';
  const j = '        ';
  let s = `${i}<HOST>\n`;
  s += el('ID', h.ID, j);
  if (flag(params, 'show_asset_id', false)) s += el('ASSET_ID', h.ASSET_ID, j);
  s += el('IP', h.IP, j);
  s += el('TRACKING_METHOD', h.TRACKING_METHOD, j);
  s += cel('OS', h.OS, j, true);
  s += cel('DNS', h.DNS, j, true);
  s += `${j}<DNS_DATA>\n${cel('HOSTNAME', h.HOSTNAME, `${j}  `, true)}${cel('DOMAIN', h.DOMAIN, `${j}  `, true)}${cel('FQDN', h.DNS, `${j}  `, true)}${j}</DNS_DATA>\n`;
  s += cel('NETBIOS', h.NETBIOS, j, true);
  s += el('LAST_SCAN_DATETIME', h.LAST_SCAN_DATETIME, j);
  s += el('LAST_VM_SCANNED_DATE', h.LAST_VM_SCANNED_DATE, j);
  s += el('LAST_VM_SCANNED_DURATION', h.LAST_VM_SCANNED_DURATION, j);
  if (flag(params, 'show_tags', false)) {
    s += `${j}<TAGS>\n`;
    for (const t of h.TAGS) s += `${j}  <TAG>\n${el('TAG_ID', t.TAG_ID, `${j}    `)}${cel('NAME', t.NAME, `${j}    `)}${j}  </TAG>\n`;
    s += `${j}</TAGS>\n`;
  }
  return `${s}${j}<DETECTION_LIST>\n`;
}

function detectionXml(d: SimDetection, params: Params): string {
  const i = '          ';
  const j = '            ';
  let s = `${i}<DETECTION>\n`;
  s += el('UNIQUE_VULN_ID', d.UNIQUE_VULN_ID, j);
  s += el('QID', d.QID, j);
  s += el('TYPE', d.TYPE, j);
  s += el('SEVERITY', d.SEVERITY, j);
  if (d.PORT !== undefined) s += el('PORT', d.PORT, j);
  if (d.PROTOCOL !== undefined) s += el('PROTOCOL', d.PROTOCOL, j);
  s += el('SSL', d.SSL, j);
  if (flag(params, 'show_results', true)) s += cel('RESULTS', d.RESULTS, j);
  s += el('STATUS', d.STATUS, j);
  s += el('FIRST_FOUND_DATETIME', d.FIRST_FOUND_DATETIME, j);
  s += el('LAST_FOUND_DATETIME', d.LAST_FOUND_DATETIME, j);
  const showQds = flag(params, 'show_qds', false);
  if (showQds) s += `${j}<QDS severity="${qdsSeverity(d.QDS)}">${d.QDS}</QDS>\n`;
  if (showQds && flag(params, 'show_qds_factors', false)) {
    s += `${j}<QDS_FACTORS>\n`;
    for (const [name, value] of d.QDS_FACTORS) s += `${j}  <QDS_FACTOR name="${esc(name)}">${cdata(value)}</QDS_FACTOR>\n`;
    s += `${j}</QDS_FACTORS>\n`;
  }
  s += el('TIMES_FOUND', d.TIMES_FOUND, j);
  s += el('LAST_TEST_DATETIME', d.LAST_TEST_DATETIME, j);
  s += el('LAST_UPDATE_DATETIME', d.LAST_UPDATE_DATETIME, j);
  if (d.LAST_FIXED_DATETIME) s += el('LAST_FIXED_DATETIME', d.LAST_FIXED_DATETIME, j);
  if (d.FIRST_REOPENED_DATETIME) s += el('FIRST_REOPENED_DATETIME', d.FIRST_REOPENED_DATETIME, j);
  if (d.LAST_REOPENED_DATETIME) s += el('LAST_REOPENED_DATETIME', d.LAST_REOPENED_DATETIME, j);
  if (d.TIMES_REOPENED !== undefined) s += el('TIMES_REOPENED', d.TIMES_REOPENED, j);
  s += el('IS_IGNORED', d.IS_IGNORED, j);
  s += el('IS_DISABLED', d.IS_DISABLED, j);
  s += el('LAST_PROCESSED_DATETIME', d.LAST_PROCESSED_DATETIME, j);
  return `${s}${i}</DETECTION>\n`;
}

export const HLD_HEADER =
  '<?xml version="1.0" encoding="UTF-8" ?>\n' +
  '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">\n';

/**
 * One HLD page, streamed host by host: `truncation_limit` hosts (default 1000, 0 = all)
 * that still have detections after the filters (hosts without any are omitted, like the
 * real API), then WARNING CODE 1980 with a URL carrying `id_min` of the next such host.
 */
export async function writeHldPage(w: XmlStreamWriter, data: QualysSimData, params: Params, opts: PageOptions): Promise<void> {
  const limit = params.truncation_limit === undefined ? 1000 : Number(params.truncation_limit);
  const hostOk = hostFilter(params);
  const detOk = detectionFilter(params);
  await w.push(`${HLD_HEADER}<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${qualysTime(data.now().getTime())}</DATETIME>\n`);
  let written = 0;
  let nextId: string | undefined;
  for (let n = data.firstHostAtOrAbove(hostOk.firstId); n < data.hosts.length; n++) {
    const host = data.hosts[n]!;
    if (!hostOk.cheap(host)) continue;
    const all = data.detectionsOf(host);
    if (!hostOk.byDetections(all)) continue;
    const dets = all.filter(detOk);
    if (dets.length === 0) continue;
    if (limit > 0 && written >= limit) {
      nextId = host.ID;
      break;
    }
    if (written === 0) await w.push('    <HOST_LIST>\n');
    if (!(await w.push(hostOpen(host, params)))) return;
    for (const d of dets) if (!(await w.push(detectionXml(d, params)))) return;
    await w.push('        </DETECTION_LIST>\n      </HOST>\n');
    written++;
    if (opts.malformedAfterHosts !== undefined && written === opts.malformedAfterHosts) await w.push('      <HOST><ID>1</ID><BROKEN attr=></HOST>\n');
  }
  if (written > 0) await w.push('    </HOST_LIST>\n');
  if (nextId !== undefined) {
    const q = new URLSearchParams({ ...params, id_min: nextId });
    const url = `${opts.urlBase}${opts.path}?${q.toString()}`;
    await w.push(
      `    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${limit} record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL><![CDATA[${url}]]></URL>\n    </WARNING>\n`,
    );
  }
  await w.push('  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n');
  await w.end();
}
