import { qualysTime, type QualysSimData, type SimHost } from './generateVmdrData.js';
import { tagFilter } from './hldResponse.js';
import { flag, idList } from './simParams.js';
import { cel, el, type XmlStreamWriter } from './xmlWriter.js';

type Params = Record<string, string>;

/** Host List HOST, TruRisk fields only with `show_trurisk=1` (qualys.md §1 "TruRisk / ACS"; qualysdk hosts.py order). */
function hostXml(h: SimHost, params: Params): string {
  const i = '      ';
  const j = '        ';
  let s = `${i}<HOST>\n`;
  s += el('ID', h.ID, j);
  if (flag(params, 'show_asset_id', false)) s += el('ASSET_ID', h.ASSET_ID, j);
  s += el('IP', h.IP, j);
  s += el('TRACKING_METHOD', h.TRACKING_METHOD, j);
  s += cel('DNS', h.DNS, j, true);
  s += cel('NETBIOS', h.NETBIOS, j, true);
  s += cel('OS', h.OS, j, true);
  s += el('LAST_VULN_SCAN_DATETIME', h.LAST_SCAN_DATETIME, j);
  s += el('LAST_VM_SCANNED_DATE', h.LAST_VM_SCANNED_DATE, j);
  if (flag(params, 'show_trurisk', false)) {
    s += el('ASSET_RISK_SCORE', h.ASSET_RISK_SCORE, j);
    s += el('TRURISK_SCORE', h.TRURISK_SCORE, j);
    s += el('ASSET_CRITICALITY_SCORE', h.ASSET_CRITICALITY_SCORE, j);
  }
  return `${s}${i}</HOST>\n`;
}

/** Host List (`/api/<v>/fo/asset/host/`), paged by `truncation_limit` like the HLD. */
export async function writeHostList(w: XmlStreamWriter, data: QualysSimData, params: Params, opts: { urlBase: string; path: string }): Promise<void> {
  const limit = params.truncation_limit === undefined ? 1000 : Number(params.truncation_limit);
  const ids = idList(params.ids);
  const idMin = params.id_min ? Number(params.id_min) : undefined;
  const tags = tagFilter(params);
  await w.push(
    '<?xml version="1.0" encoding="UTF-8" ?>\n' +
      '<!DOCTYPE HOST_LIST_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/host_list_output.dtd">\n' +
      `<HOST_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${qualysTime(data.now().getTime())}</DATETIME>\n`,
  );
  let written = 0;
  let nextId: string | undefined;
  // Enrichment asks for 1,000 ids per call: start at the first of them, not at host one.
  const firstId = Math.max(ids?.min ?? Number.NEGATIVE_INFINITY, idMin !== undefined && !Number.isNaN(idMin) ? idMin : Number.NEGATIVE_INFINITY);
  for (let n = data.firstHostAtOrAbove(firstId); n < data.hosts.length; n++) {
    const h = data.hosts[n]!;
    const id = Number(h.ID);
    if (ids && id > ids.max) break;
    if ((ids && !ids.has(id)) || (idMin !== undefined && id < idMin) || (tags && !tags(h))) continue;
    if (limit > 0 && written >= limit) {
      nextId = h.ID;
      break;
    }
    if (written === 0) await w.push('    <HOST_LIST>\n');
    if (!(await w.push(hostXml(h, params)))) return;
    written++;
  }
  if (written > 0) await w.push('    </HOST_LIST>\n');
  if (nextId !== undefined) {
    const url = `${opts.urlBase}${opts.path}?${new URLSearchParams({ ...params, id_min: nextId }).toString()}`;
    await w.push(`    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${limit} record limit exceeded. Use URL to get next batch of results.</TEXT>\n      <URL><![CDATA[${url}]]></URL>\n    </WARNING>\n`);
  }
  await w.push('  </RESPONSE>\n</HOST_LIST_OUTPUT>\n');
  await w.end();
}
