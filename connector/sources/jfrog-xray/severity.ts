import { severityName } from '../../incidents/severity.js';
import type { SeverityName } from '../../routing/actionSchemas.js';

/**
 * One severity scale for current (Critical/High/Medium/Low/Information/Unknown) and
 * legacy Xray 1.x/2.x (Critical/Major/Minor) severities (xray-pagerduty-lightstep.md §1.6):
 * the scale routing and incidents use too.
 */
export type Severity = SeverityName;

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { Critical: 5, High: 4, Medium: 3, Low: 2, Information: 1, Unknown: 0 };

export function normalizeSeverity(original: string): { severity: Severity; rank: number } {
  // Xray sends names only: a bare digit is not a severity here.
  const severity = /^\d+$/.test(original.trim()) ? 'Unknown' : severityName(original);
  return { severity, rank: SEVERITY_RANK[severity] };
}
