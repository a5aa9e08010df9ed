import { parseTemplate } from './parseTemplate.js';
import type { CustomFieldTemplate, CustomFieldType } from './types.js';

/** The options of a `severity` field: the one severity scale (model/severity.ts) as Jira shows it. */
export const SEVERITY_OPTIONS: readonly string[] = ['Critical', 'High', 'Medium', 'Low', 'Info'];

export interface InferredField {
  type: Exclude<CustomFieldType, 'severity'>;
  /** Select options (severity fields: SEVERITY_OPTIONS). */
  options?: string[];
  /** Why this type: `declared`, or the placeholder it was inferred from. */
  from: string;
}

/*
 * Placeholder names (the last path segment, upper-cased) by the Jira kind that holds them
 * best, over every module's vocabulary (templates/*Placeholders.ts). The Qualys reference
 * templates declare no types, so `vulnbridge setup` creates their fields from this.
 */
const DATETIME = /(DATETIME|_DATE|^DATE)$|^(CREATED|UPDATED|PUBLISHED|LASTSCANNED|LASTFOUND|FIRSTFOUND|STATECHANGED|LASTUPDATED|LASTUSEDDATE|LASTVMSCANDATE)$/;
const NUMBER = /(SCORE|_BASE|_TEMPORAL|BASESCORE|TEMPORALSCORE|COUNT|^TIMES_\w+)$|^(QID|PORT|QDS|SEVERITY|SEVERITY_LEVEL|SEVERITY_RANK|CUSTOMERSEVERITY|TOTALVULCOUNT|SIZE)$/;
const LABELS = /^(CVES|CVEIDS|ASSET_CVE|TAGS|IMAGETAGS|CWE|OWASP)$/;
const PARAGRAPH = /^(DIAGNOSIS|CONSEQUENCE|SOLUTION|RESULTS?|IMPACT|THREAT|DESCRIPTION|REMEDIATION|SHORT_DESCRIPTION|SOFTWARES)$/;

/** A placeholder path's kind: `QDS.content` is the QDS, `vuln.cvss3Info.baseScore` a score. */
export function kindOfPlaceholder(path: string): InferredField['type'] {
  const parts = path.split('.');
  let last = (parts[parts.length - 1] ?? '').toUpperCase();
  // org.json element text: `${QDS.content}` is QDS's value.
  if (last === 'CONTENT' && parts.length > 1) last = (parts[parts.length - 2] ?? '').toUpperCase();
  // Strings that only look like scores: vectors, severities as words.
  if (/VECTOR|QDSSEVERITY|SEVERITY_ORIGINAL|JFROG_SEVERITY/.test(last)) return 'text';
  if (DATETIME.test(last)) return 'datetime';
  if (LABELS.test(last)) return 'labels';
  if (NUMBER.test(last)) return 'number';
  if (PARAGRAPH.test(last)) return 'paragraph';
  return 'text';
}

/**
 * The Jira kind a template custom field needs: its declared `type`, else inferred from
 * its value. A value that is one placeholder (`${QDS.content}`, `${IP|IPV6}`: the first
 * alternative decides) takes the placeholder's kind; a constant or a mix of text and
 * placeholders is text (a paragraph when it spans lines). `module` is accepted for
 * vocabularies where a name means different things (Xray's SEVERITY is a word).
 */
export function inferFieldType(field: Pick<CustomFieldTemplate, 'value' | 'type' | 'options'>, module?: string): InferredField {
  if (field.type === 'severity') return { type: 'select', options: [...SEVERITY_OPTIONS], from: 'declared severity' };
  if (field.type === 'select') return { type: 'select', options: [...(field.options ?? [])], from: 'declared' };
  if (field.type) return { type: field.type, from: 'declared' };
  const parsed = parseTemplate(field.value);
  const holders = parsed.parts.filter((p) => p.kind === 'placeholder');
  const only = holders.length === 1 && parsed.parts.every((p) => p.kind !== 'text' || !p.text.trim());
  if (only && holders[0]?.kind === 'placeholder') {
    const first = (holders[0].alternatives?.[0] ?? holders[0].path).trim();
    const kind = module === 'XRAY' && /^SEVERITY$/i.test(first) ? 'text' : kindOfPlaceholder(first);
    return { type: kind, from: `\${${first}}` };
  }
  return { type: /\n/.test(field.value) ? 'paragraph' : 'text', from: parsed.placeholders.length ? 'text with placeholders' : 'constant' };
}
