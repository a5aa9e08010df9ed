import type { TemplateContext } from '../model/finding.js';
import type { SeverityName } from '../routing/actionSchemas.js';
import { stringifyValue, resolvePath } from '../templates/stringifyValue.js';
import type { IncidentSeverity } from './types.js';

export type SeverityMap = Partial<Record<SeverityName, IncidentSeverity>>;

/** Our choice, not the vendor's (xray-pagerduty-lightstep.md §3, last line). */
export const DEFAULT_SEVERITY_MAP: Readonly<Record<SeverityName, IncidentSeverity>> = {
  Critical: 'critical',
  High: 'error',
  Medium: 'warning',
  Low: 'info',
  Information: 'info',
  Unknown: 'info',
};

const BY_NAME: Readonly<Record<string, SeverityName>> = {
  critical: 'Critical',
  high: 'High',
  // Xray 1.x/2.x legacy names (§1.6).
  major: 'High',
  medium: 'Medium',
  low: 'Low',
  minor: 'Low',
  information: 'Information',
  info: 'Information',
  informational: 'Information',
  unknown: 'Unknown',
};

/** Qualys severity levels 5..1 (VMDR, WAS, Container Security). */
const BY_LEVEL: Readonly<Record<string, SeverityName>> = { '5': 'Critical', '4': 'High', '3': 'Medium', '2': 'Low', '1': 'Information' };

export const SEVERITY_ORDER: readonly SeverityName[] = ['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown'];

/** A severity as a name, or a Qualys level 1..5, on the one scale; Unknown for anything else. */
export function severityName(raw: string): SeverityName {
  const t = raw.trim();
  return BY_LEVEL[t] ?? BY_NAME[t.toLowerCase()] ?? 'Unknown';
}

/**
 * The finding's severity on the one scale. XRAY carries the name in SEVERITY, VMDR and
 * WAS a level in SEVERITY, Container Security in `vuln.severity`.
 */
export function findingSeverity(ctx: TemplateContext): SeverityName {
  for (const path of ['SEVERITY', 'vuln.severity', 'VULN.SEVERITY_LEVEL']) {
    const text = stringifyValue(resolvePath(ctx, path));
    if (text) return severityName(text);
  }
  return 'Unknown';
}

export function incidentSeverity(name: SeverityName, map: SeverityMap = {}): IncidentSeverity {
  return map[name] ?? DEFAULT_SEVERITY_MAP[name];
}
