import type { TemplateContext } from '../model/finding.js';
import { SEVERITY_ORDER, severityName, type SeverityName } from '../model/severity.js';
import { stringifyValue, resolvePath } from '../templates/stringifyValue.js';
import type { IncidentSeverity } from './types.js';

/** The scale itself is model/severity.ts; re-exported for the incident code. */
export { SEVERITY_ORDER, severityName };

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
