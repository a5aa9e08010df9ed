import { readFileSync } from 'node:fs';
import type { TemplateContext } from '../../connector/model/finding.js';
import { kbEntry } from '../../connector/sources/qualys-vmdr/kbEntry.js';
import { parseOrgJson, type OrgJsonObject } from '../../connector/sources/qualys-vmdr/orgJson.js';
import { QUALYS_SAMPLES } from './sharedPaths.js';

/** CDATA texts of the KnowledgeBase sample (QID 11830) that a test may replace. */
export type KbText = 'TITLE' | 'DIAGNOSIS' | 'CONSEQUENCE' | 'SOLUTION';

/**
 * The real KnowledgeBase response of shared/reference/samples/qualys/kb_elastic_qualys_vmdr_qid11830.xml
 * with some of its CDATA texts replaced (same element, same padding), parsed and
 * flattened as the VMDR source does: what `${VULN.…}` sees.
 */
export function kbSampleEntry(texts: Partial<Record<KbText, string>>): TemplateContext {
  let xml = readFileSync(`${QUALYS_SAMPLES}/kb_elastic_qualys_vmdr_qid11830.xml`, 'utf8');
  for (const [name, text] of Object.entries(texts)) {
    const element = new RegExp(`(<${name}>\\s*<!\\[CDATA\\[)[\\s\\S]*?(\\]\\]>\\s*</${name}>)`);
    if (!element.test(xml)) throw new Error(`the KB sample has no ${name}`);
    xml = xml.replace(element, (_m, open: string, close: string) => `${open}${text}${close}`);
  }
  const { value } = parseOrgJson(xml);
  const list = (value.RESPONSE as OrgJsonObject).VULN_LIST as OrgJsonObject;
  return kbEntry((list.VULN as OrgJsonObject[])[0]!);
}
