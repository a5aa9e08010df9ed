import { SEVERITY_RANK, severityName, type SeverityName } from '../../model/severity.js';

/**
 * One severity scale for current (Critical/High/Medium/Low/Information/Unknown) and
 * legacy Xray 1.x/2.x (Critical/Major/Minor) severities (xray-pagerduty-lightstep.md §1.6):
 * the scale of model/severity.ts that routing and incidents use too.
 */
export type Severity = SeverityName;

export { SEVERITY_RANK };

export function normalizeSeverity(original: string): { severity: Severity; rank: number } {
  // Xray sends names only: a bare digit is not a severity here.
  const severity = /^\d+$/.test(original.trim()) ? 'Unknown' : severityName(original);
  return { severity, rank: SEVERITY_RANK[severity] };
}
