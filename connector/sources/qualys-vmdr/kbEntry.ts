import { compile } from 'html-to-text';
import type { TemplateContext } from '../../model/finding.js';
import { arrayOf, objectOf, textOf, type OrgJsonObject } from './orgJson.js';

/**
 * KB texts are HTML (`<P>`, `<BR>`, `<A HREF>`, entities; qualys.md §2) but some are
 * plain text whose line breaks matter (sample kb_elastic_qualys_was_qid150112.xml), so
 * newlines are preserved; links become `text [url]`.
 */
const htmlToText = compile({
  wordwrap: false,
  preserveNewlines: true,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
  ],
});

const HTML_FIELDS = ['DIAGNOSIS', 'CONSEQUENCE', 'SOLUTION'] as const;

/**
 * Words separated by single spaces, with no markup, entity, line break or other
 * whitespace: html-to-text returns such a text unchanged (checked against it on random
 * strings), so it is not parsed at all. `\s` also excludes Unicode spaces that
 * html-to-text keeps; U+200B it treats as whitespace.
 */
const PLAIN_TEXT = /^[^<&\s\u200b]+(?: [^<&\s\u200b]+)*$/;

/**
 * Converted texts by their HTML. One KB pull converts each QID once, but CONSEQUENCE and
 * SOLUTION texts repeat across QIDs (the same advice for a whole product family), and
 * html-to-text costs tens of microseconds per call. Bounded; cleared when full.
 */
const converted = new Map<string, string>();
const CONVERTED_LIMIT = 512;

export function kbHtmlToText(html: string): string {
  if (PLAIN_TEXT.test(html)) return html;
  const hit = converted.get(html);
  if (hit !== undefined) return hit;
  const text = htmlToText(html)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (converted.size >= CONVERTED_LIMIT) converted.clear();
  converted.set(html, text);
  return text;
}

/**
 * One KnowledgeBase VULN as the templates use it (`${VULN.…}`): the org.json VULN plus
 * flattened keys the Qualys schemes name (qualys.md §0 "KB (prefix VULN.)" and §2
 * "Template mapping"): CVSS_BASE/TEMPORAL (CVSS/BASE may carry `source="service"` →
 * org.json `{content, source}`), CVSS_V3_*, CVES, and DIAGNOSIS/CONSEQUENCE/SOLUTION
 * as readable text with the HTML kept under `<NAME>_HTML`.
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
    out[field] = kbHtmlToText(html);
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
