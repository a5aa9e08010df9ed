import type { SeverityName } from '../../model/severity.js';
import type { KevEntry, SlaInputs } from '../../model/sla.js';
import type { SlaPolicy, SlaSeverity } from './slaPolicy.js';

export type { KevEntry, SlaInputs };

export type SlaState = 'on-track' | 'due-soon' | 'breached';

export interface SlaResult {
  /** YYYY-MM-DD (UTC). */
  dueDate: string;
  /** Days the policy allows (for a KEV override: from the clock start to the KEV due date). */
  days: number;
  /** Whole days from today (UTC) to the due date; negative once breached. */
  daysLeft: number;
  state: SlaState;
  kev?: { cve: string; dueDate: string; ransomware: string };
}

const DAY = 86_400_000;
/** Within this many days of the due date a ticket is due soon. */
export const DUE_SOON_DAYS = 7;

const SEVERITY_KEY: Partial<Record<SeverityName, SlaSeverity>> = { Critical: 'critical', High: 'high', Medium: 'medium', Low: 'low', Information: 'info' };

/** The days the policy gives a finding: a score range it falls in, else its severity; null = no SLA. */
export function policyDays(inputs: Pick<SlaInputs, 'severity' | 'scores'>, policy: SlaPolicy): number | null {
  const s = policy.score;
  const score = s ? inputs.scores[s.by] : undefined;
  if (s && score !== undefined) {
    const range = s.ranges.find((r) => score >= r.min && score <= r.max);
    if (range) return range.days;
  }
  const key = SEVERITY_KEY[inputs.severity];
  return key ? policy.days[key] : null;
}

/** The finding's due date and where it stands at `now`; undefined when it has no SLA (e.g. info severity, not in KEV). */
export function computeSla(inputs: SlaInputs, policy: SlaPolicy, kevOf: (cve: string) => KevEntry | undefined, now: Date): SlaResult | undefined {
  const startMs = Date.parse(inputs.start);
  if (!Number.isFinite(startMs)) return undefined;
  const startDay = Math.floor(startMs / DAY);
  const days = policyDays(inputs, policy);
  let due = days === null ? undefined : startDay + days;
  let kev: SlaResult['kev'];
  for (const cve of inputs.cves) {
    const e = kevOf(cve);
    if (!e) continue;
    const kevDay = Math.floor(Date.parse(`${e.dueDate}T00:00:00Z`) / DAY);
    if (!Number.isFinite(kevDay)) continue;
    if (!kev || kevDay < dayOf(kev.dueDate)) kev = { cve: e.cveID, dueDate: e.dueDate, ransomware: e.knownRansomwareCampaignUse };
  }
  if (kev && (due === undefined || dayOf(kev.dueDate) < due)) due = dayOf(kev.dueDate);
  if (due === undefined) return undefined;
  const today = Math.floor(now.getTime() / DAY);
  const daysLeft = due - today;
  return {
    dueDate: isoDay(due),
    days: days !== null && due === startDay + days ? days : Math.max(due - startDay, 0),
    daysLeft,
    state: daysLeft < 0 ? 'breached' : daysLeft <= DUE_SOON_DAYS ? 'due-soon' : 'on-track',
    ...(kev ? { kev } : {}),
  };
}

/** Open tickets by where their due dates stand at `now`: due soon (within 7 days, not yet past) and breached. */
export function slaCounts(dueDates: readonly string[], now: Date): { open: number; dueSoon: number; breached: number } {
  const today = Math.floor(now.getTime() / DAY);
  let dueSoon = 0;
  let breached = 0;
  for (const d of dueDates) {
    const left = dayOf(d) - today;
    if (left < 0) breached++;
    else if (left <= DUE_SOON_DAYS) dueSoon++;
  }
  return { open: dueDates.length, dueSoon, breached };
}

/** Closed on or before its due date (UTC day). */
export function metBy(dueDate: string, closedAt: Date): boolean {
  return Math.floor(closedAt.getTime() / DAY) <= dayOf(dueDate);
}

function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
}

function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}
