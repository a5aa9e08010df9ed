import type { TemplateContext, TemplateValue } from '../../model/finding.js';
import { severityName } from '../../model/severity.js';
import type { ModuleName } from '../moduleNames.js';
import { resolvePath, stringifyValue } from '../stringifyValue.js';
import type { SlaInputs } from './computeSla.js';
import type { SlaScore } from './slaPolicy.js';

/**
 * Where each module's context keeps what an SLA needs (docs/sla.md). The clock starts
 * when the scanner first found the finding; VMDR also says when a detection was last
 * re-opened (LAST_REOPENED_DATETIME), and a later re-open starts a new clock.
 */
interface Paths {
  start: string[];
  reopened?: string[];
  severity: string[];
  scores: Partial<Record<SlaScore, string[]>>;
  cves: string[];
}

const VMDR: Paths = {
  start: ['FIRST_FOUND_DATETIME'],
  reopened: ['LAST_REOPENED_DATETIME'],
  severity: ['SEVERITY'],
  scores: { qds: ['QDS.content', 'QDS'], cvss: ['VULN.CVSS_V3_BASE', 'VULN.CVSS_BASE'], trurisk: ['TRURISK_SCORE'] },
  cves: ['VULN.CVES', 'ASSET_CVE'],
};
const CS: Paths = {
  start: ['vuln.firstFound'],
  severity: ['vuln.severity'],
  scores: { qds: ['vuln.qdsScore'], cvss: ['vuln.cvss3Info.baseScore', 'vuln.cvssInfo.baseScore'] },
  cves: ['vuln.cveids'],
};
const PATHS: Readonly<Record<ModuleName, Paths>> = {
  VMDR,
  WAS: { start: ['FIRST_DETECTED_DATE'], severity: ['SEVERITY'], scores: { cvss: ['VULN.CVSS_V3_BASE', 'VULN.CVSS_BASE'] }, cves: ['VULN.CVES'] },
  'CS-Container': CS,
  'CS-Image': CS,
  XRAY: { start: ['CREATED'], severity: ['SEVERITY'], scores: { cvss: ['CVSS_SCORE'] }, cves: ['CVES', 'CVE'] },
};

/** The SLA inputs of a finding's context; undefined when the scanner gave no first-found time. */
export function slaInputsOf(moduleName: string, ctx: TemplateContext): SlaInputs | undefined {
  const p = PATHS[moduleName as ModuleName];
  if (!p) return undefined;
  const first = timeOf(firstOf(ctx, p.start));
  if (!first) return undefined;
  const reopened = p.reopened ? timeOf(firstOf(ctx, p.reopened)) : undefined;
  const start = reopened && reopened > first ? reopened : first;
  const scores: SlaInputs['scores'] = {};
  for (const [k, paths] of Object.entries(p.scores)) {
    const n = Number(stringifyValue(firstOf(ctx, paths)));
    const text = stringifyValue(firstOf(ctx, paths)).trim();
    if (text !== '' && Number.isFinite(n)) scores[k as SlaScore] = n;
  }
  const cveText = p.cves.map((c) => stringifyValue(resolvePath(ctx, c))).join(',');
  const cves = [...new Set(cveText.match(/CVE-\d{4}-\d{4,}/gi)?.map((c) => c.toUpperCase()) ?? [])];
  return { start, severity: severityName(stringifyValue(firstOf(ctx, p.severity))), scores, cves };
}

function firstOf(ctx: TemplateContext, paths: readonly string[]): TemplateValue | undefined {
  for (const path of paths) {
    const v = resolvePath(ctx, path);
    if (v !== undefined && v !== null && stringifyValue(v).trim() !== '') return v;
  }
  return undefined;
}

/** ISO time of a scanner date (ISO text, `YYYY-MM-DD`, or epoch milliseconds). */
function timeOf(v: TemplateValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = stringifyValue(v).trim();
  const ms = /^\d{10,16}$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
