/**
 * One severity scale for current (Critical/High/Medium/Low/Information/Unknown) and
 * legacy Xray 1.x/2.x (Critical/Major/Minor) severities (xray-pagerduty-lightstep.md §1.6).
 */
export type Severity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Information' | 'Unknown';

const BY_NAME: Readonly<Record<string, Severity>> = {
  critical: 'Critical',
  high: 'High',
  major: 'High',
  medium: 'Medium',
  low: 'Low',
  minor: 'Low',
  information: 'Information',
  unknown: 'Unknown',
};

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { Critical: 5, High: 4, Medium: 3, Low: 2, Information: 1, Unknown: 0 };

export function normalizeSeverity(original: string): { severity: Severity; rank: number } {
  const severity = BY_NAME[original.trim().toLowerCase()] ?? 'Unknown';
  return { severity, rank: SEVERITY_RANK[severity] };
}
