import type { Finding, TemplateContext } from '../../model/finding.js';
import { KB_NS } from '../qualys-vmdr/enrichLookups.js';
import { capText, resultText } from './resultText.js';
import { isTrue, listItems, objectOf, textOf, type Json } from './serviceResponse.js';

export type WasRecord = { finding: Finding } | { rejected: { reason: string; record?: string } } | { skipped: string };

const rejected = (reason: string, raw: Json): WasRecord => ({ rejected: { reason, record: JSON.stringify(raw).slice(0, 500) } });

/**
 * One verbose WAS Finding → one Finding.
 *
 * Identity: web app + finding id (the Per-Web-App scheme's Primary Key is
 * `Web App ID:${WEBAPP_ID}-Finding ID:${ID}-QID:${QID}`; a finding's QID never changes).
 * Data: the flattened names of the WAS templates (qualys.md §0 "WAS", §3 "Template
 * mapping"), plus URL and NAME; VULN.* comes from the KnowledgeBase lookup.
 */
export function wasFinding(raw: Json, resultMaxBytes: number): WasRecord {
  const f = objectOf(raw);
  if (!f) return rejected('Finding is not an object', raw);
  const id = textOf(f.id);
  const webApp = objectOf(f.webApp);
  const webAppId = textOf(webApp?.id);
  const qid = textOf(f.qid);
  const status = textOf(f.status).toUpperCase();
  // Information-gathered findings can come without a status (the search-page sample's
  // QID 150528 does): nothing to open or close, so they are skipped, not rejected.
  if (!status && textOf(f.type) === 'INFORMATION_GATHERED') return { skipped: 'information gathered, no status' };
  const missing = [!id && 'id', !webAppId && 'webApp.id', !qid && 'qid', !status && 'status'].filter(Boolean);
  if (missing.length) return rejected(`Finding ${id || '(no id)'} without ${missing.join(', ')}`, raw);

  const data: TemplateContext = {
    ID: id,
    UNIQUE_ID: textOf(f.uniqueId),
    QID: qid,
    SEVERITY: textOf(f.severity),
    STATUS: status,
    FINDING_TYPE: textOf(f.findingType),
    ISSUE_TYPE: textOf(f.type),
    // `potential` is the only confirmed/potential flag of a WAS finding (qualys.md §3).
    DETECTION_TYPE: isTrue(f.potential) ? 'Potential' : 'Confirmed',
    OWASP: listItems(f.owasp, 'OWASP')
      .map((o) => textOf(objectOf(o)?.name))
      .filter(Boolean)
      .join(', '),
    CWE: listItems(f.cwe)
      .map((c) => textOf(objectOf(c)?.id ?? c))
      .filter(Boolean)
      .join(', '),
    FIRST_DETECTED_DATE: textOf(f.firstDetectedDate),
    LAST_DETECTED_DATE: textOf(f.lastDetectedDate),
    TIMES_DETECTED: textOf(f.timesDetected),
    WEBAPP_ID: webAppId,
    WEBAPP_NAME: textOf(webApp?.name),
    WEBAPP_URL: textOf(webApp?.url),
    URL: textOf(f.url),
    NAME: textOf(f.name),
    RESULT: capText(resultText(f.resultList), resultMaxBytes),
  };
  const vuln = ownCvssV3(f.cvssV3);
  if (vuln) data.VULN = vuln;
  return {
    finding: {
      key: `was|webapp:${webAppId}|finding:${id}`,
      parentKey: `webapp:${webAppId}`,
      status,
      ignored: isTrue(f.isIgnored),
      data,
      lookups: [{ ns: KB_NS, id: qid, into: 'VULN' }],
    },
  };
}

/** `lastTestedDate` of a raw finding ('' when absent): the incremental cursor follows it. */
export function lastTestedOf(raw: Json): string {
  return textOf(objectOf(raw)?.lastTestedDate);
}

/**
 * The finding's own CVSS v3 (`cvssV3{base,temporal,attackVector}`) under the KB names,
 * only the fields it has: buildContext lays them over the KnowledgeBase entry (`VULN`),
 * so each CVSS field comes from the finding first, then the KB's structured fields, then
 * the KB's vector string (kbEntry). Real KB answers often lack CVSS_V3/ATTACK/VECTOR.
 */
function ownCvssV3(raw: Json | undefined): TemplateContext | undefined {
  const c = objectOf(raw);
  if (!c) return undefined;
  const out: TemplateContext = {};
  const base = textOf(c.base);
  const temporal = textOf(c.temporal);
  const attackVector = textOf(c.attackVector);
  if (base) out.CVSS_V3_BASE = base;
  if (temporal) out.CVSS_V3_TEMPORAL = temporal;
  if (attackVector) out.CVSS_V3_ATTACK_VECTOR = attackVector;
  return Object.keys(out).length ? out : undefined;
}
