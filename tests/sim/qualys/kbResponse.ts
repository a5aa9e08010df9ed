import { qualysTime, type QualysSimData, type SimKbEntry } from './generateVmdrData.js';
import { idListMatcher } from './simParams.js';
import { cel, el, type XmlStreamWriter } from './xmlWriter.js';

type Params = Record<string, string>;

/** One VULN in the KB DTD's element order (qualys.md §2 "Response"); `details=All` adds texts and CVSS_V3 detail. */
function vulnXml(v: SimKbEntry, details: string): string {
  const i = '      ';
  const j = '        ';
  const k = '          ';
  let s = `${i}<VULN>\n`;
  s += el('QID', v.QID, j);
  s += el('VULN_TYPE', v.VULN_TYPE, j);
  s += el('SEVERITY_LEVEL', v.SEVERITY_LEVEL, j);
  s += cel('TITLE', v.TITLE, j, true);
  s += el('CATEGORY', v.CATEGORY, j);
  s += el('LAST_SERVICE_MODIFICATION_DATETIME', v.LAST_SERVICE_MODIFICATION_DATETIME, j);
  s += el('PUBLISHED_DATETIME', v.PUBLISHED_DATETIME, j);
  s += el('PATCHABLE', v.PATCHABLE, j);
  if (v.CVES.length) {
    s += `${j}<CVE_LIST>\n`;
    for (const cve of v.CVES) {
      s += `${k}<CVE>\n${cel('ID', cve, `${k}  `)}${cel('URL', `http://cve.mitre.org/cgi-bin/cvename.cgi?name=${cve}`, `${k}  `)}${k}</CVE>\n`;
    }
    s += `${j}</CVE_LIST>\n`;
  }
  if (details === 'All') {
    s += cel('DIAGNOSIS', v.DIAGNOSIS, j, true);
    s += cel('CONSEQUENCE', v.CONSEQUENCE, j, true);
    s += cel('SOLUTION', v.SOLUTION, j, true);
  }
  // CVSS/BASE carries source="service" in real payloads (qualys.md §2).
  s += `${j}<CVSS>\n${k}<BASE source="service">${v.CVSS_BASE}</BASE>\n${el('TEMPORAL', v.CVSS_TEMPORAL, k)}${j}</CVSS>\n`;
  s += `${j}<CVSS_V3>\n${el('BASE', v.CVSS_V3_BASE, k)}${el('TEMPORAL', v.CVSS_V3_TEMPORAL, k)}`;
  if (details === 'All') s += `${k}<ATTACK>\n${el('VECTOR', v.CVSS_V3_ATTACK_VECTOR, `${k}  `)}${k}</ATTACK>\n`;
  s += `${el('CVSS3_VERSION', '3.1', k)}${j}</CVSS_V3>\n`;
  s += el('PCI_FLAG', v.PCI_FLAG, j);
  if (v.THREAT_INTEL.length) {
    s += `${j}<THREAT_INTELLIGENCE>\n`;
    for (const [id, text] of v.THREAT_INTEL) s += `${k}<THREAT_INTEL id="${id}">\n${k}  <![CDATA[${text}]]>\n${k}</THREAT_INTEL>\n`;
    s += `${j}</THREAT_INTELLIGENCE>\n`;
  }
  s += `${j}<DISCOVERY>\n${el('REMOTE', '1', k)}${j}</DISCOVERY>\n`;
  return `${s}${i}</VULN>\n`;
}

/** KnowledgeBase list for `ids` (comma list / ranges) or `id_min`/`id_max`, streamed. */
export async function writeKb(w: XmlStreamWriter, data: QualysSimData, params: Params): Promise<void> {
  const details = params.details ?? 'Basic';
  const [lo, hi] = data.kbQidRange();
  const ids = idListMatcher(params.ids);
  const min = Math.max(lo, params.id_min ? Number(params.id_min) : lo);
  const max = Math.min(hi, params.id_max ? Number(params.id_max) : hi);
  const wanted: number[] = params.ids
    ? [...new Set(params.ids.split(',').flatMap((p) => expand(p.trim())))].filter((q) => ids?.(q) && q >= min && q <= max).sort((a, b) => a - b)
    : [];
  await w.push(
    '<?xml version="1.0" encoding="UTF-8" ?>\n' +
      '<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd">\n' +
      `<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${qualysTime(data.now().getTime())}</DATETIME>\n`,
  );
  let open = false;
  const emit = async (qid: number): Promise<boolean> => {
    const v = data.kb(String(qid));
    if (!v) return true;
    if (!open) await w.push('    <VULN_LIST>\n');
    open = true;
    return w.push(vulnXml(v, details));
  };
  if (params.ids) {
    for (const q of wanted) if (!(await emit(q))) return;
  } else {
    for (let q = min; q <= max; q++) if (!(await emit(q))) return;
  }
  if (open) await w.push('    </VULN_LIST>\n');
  await w.push('  </RESPONSE>\n</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n');
  await w.end();
}

function expand(part: string): number[] {
  const [a, b] = part.split('-');
  const lo = Number(a);
  const hi = b === undefined ? lo : Number(b);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo || hi - lo > 100_000) return [];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
