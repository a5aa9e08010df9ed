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

export function kbHtmlToText(html: string): string {
  return htmlToText(html)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
  const out: TemplateContext = {
    ...vuln,
    CVSS_BASE: textOf(cvss?.BASE),
    CVSS_TEMPORAL: textOf(cvss?.TEMPORAL),
    CVSS_V3_BASE: textOf(cvss3?.BASE),
    CVSS_V3_TEMPORAL: textOf(cvss3?.TEMPORAL),
    CVSS_V3_ATTACK_VECTOR: textOf(objectOf(cvss3?.ATTACK)?.VECTOR),
    CVES: arrayOf(objectOf(vuln.CVE_LIST)?.CVE)
      .map((cve) => textOf(objectOf(cve)?.ID))
      .filter(Boolean)
      .join(', '),
  };
  for (const field of HTML_FIELDS) {
    const html = textOf(vuln[field]);
    if (!html) continue;
    out[`${field}_HTML`] = html;
    out[field] = kbHtmlToText(html);
  }
  return out;
}
