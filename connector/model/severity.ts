/**
 * The one severity scale every source maps to (Xray's names; Qualys levels 5..1 =
 * Critical..Information), used by routing (`minSeverity`), incidents and the sources.
 * It lives at the bottom so none of them has to import another for it.
 */
export const SEVERITY_NAMES = ['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** Most severe first. */
export const SEVERITY_ORDER: readonly SeverityName[] = ['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown'];

/** A severity as a number (routing's `minSeverity`, templates' SEVERITY_RANK). */
export const SEVERITY_RANK: Readonly<Record<SeverityName, number>> = { Critical: 5, High: 4, Medium: 3, Low: 2, Information: 1, Unknown: 0 };

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

/** A severity as a name, or a Qualys level 1..5, on the one scale; Unknown for anything else. */
export function severityName(raw: string): SeverityName {
  const t = raw.trim();
  return BY_LEVEL[t] ?? BY_NAME[t.toLowerCase()] ?? 'Unknown';
}
