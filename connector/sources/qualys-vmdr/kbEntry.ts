import type { TemplateContext } from '../../model/finding.js';
import { kbHtmlToValue } from './kbHtml.js';
import { arrayOf, objectOf, textOf, type OrgJsonObject } from './orgJson.js';

export { kbHtmlToText } from './kbHtml.js';

const HTML_FIELDS = ['DIAGNOSIS', 'CONSEQUENCE', 'SOLUTION'] as const;

/**
 * One KnowledgeBase VULN as the templates use it (`${VULN.…}`): the org.json VULN plus
 * flattened keys the Qualys schemes name (qualys.md §0 "KB (prefix VULN.)" and §2
 * "Template mapping"): CVSS_BASE/TEMPORAL (CVSS/BASE may carry `source="service"` →
 * org.json `{content, source}`), CVSS_V3_*, CVES, and DIAGNOSIS/CONSEQUENCE/SOLUTION
 * as readable text with the HTML kept under `<NAME>_HTML`; a text with links is
 * `{content, rich}` (model/richValue.ts) so the links reach Jira as links.
 */
export function kbEntry(vuln: OrgJsonObject): TemplateContext {
  const cvss = objectOf(vuln.CVSS);
  const cvss3 = objectOf(vuln.CVSS_V3);
  // Built by assignment rather than `{ ...vuln, ... }`: V8 turned that spread plus ~10
  // more keys into a dictionary-mode object, slow to build and to JSON.stringify (the
  // lookup cache stores every entry). Same keys in the same order.
  const out: TemplateContext = {};
  for (const k of Object.keys(vuln)) out[k] = vuln[k]!;
  out.CVSS_BASE = textOf(cvss?.BASE);
  out.CVSS_TEMPORAL = textOf(cvss?.TEMPORAL);
  out.CVSS_V3_BASE = textOf(cvss3?.BASE);
  out.CVSS_V3_TEMPORAL = textOf(cvss3?.TEMPORAL);
  // KB answers fetched without details=All (real WAS ones) lack ATTACK/VECTOR but carry VECTOR_STRING.
  out.CVSS_V3_ATTACK_VECTOR = textOf(objectOf(cvss3?.ATTACK)?.VECTOR) || attackVectorOf(textOf(cvss3?.VECTOR_STRING));
  out.CVES = arrayOf(objectOf(vuln.CVE_LIST)?.CVE)
    .map((cve) => textOf(objectOf(cve)?.ID))
    .filter(Boolean)
    .join(', ');
  for (const field of HTML_FIELDS) {
    const html = textOf(vuln[field]);
    if (!html) continue;
    out[`${field}_HTML`] = html;
    out[field] = kbHtmlToValue(html);
  }
  return out;
}

/** CVSS v3 `AV:` metric values by the names Qualys writes (CVSS_V3/ATTACK/VECTOR, WAS `cvssV3.attackVector`). */
const ATTACK_VECTORS: Readonly<Record<string, string>> = { N: 'Network', A: 'Adjacent Network', L: 'Local', P: 'Physical' };

/** The attack vector of a CVSS v3 vector string (`CVSS:3.1/AV:N/AC:H/...` → `Network`), '' when it has none. */
export function attackVectorOf(vectorString: string): string {
  const av = /(?:^|\/)AV:([NALP])(?:\/|$)/.exec(vectorString);
  return av ? (ATTACK_VECTORS[av[1]!] ?? '') : '';
}
