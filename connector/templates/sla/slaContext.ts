import type { TemplateContext } from '../../model/finding.js';
import { leaf, type PlaceholderEntries } from '../placeholderInfo.js';
import { metBy, type SlaResult } from './computeSla.js';

/** `${SLA.*}`: in every module's vocabulary (moduleVocabularies.ts), empty when the finding has no SLA. */
export const SLA_PLACEHOLDERS: PlaceholderEntries = {
  DUE_DATE: leaf('Remediation due date, YYYY-MM-DD: first found (or last re-open) plus the policy\'s days, or the CISA KEV due date when earlier. Empty: no SLA.'),
  DAYS: leaf('Days to remediate the policy gives the finding (for a KEV override: days from first found to the KEV due date).'),
  DAYS_LEFT: leaf('Days from today to the due date at the cycle that rendered the ticket; negative once breached. Refreshed when the finding comes through a cycle; each change costs an edit.'),
  STATE: leaf('on-track, due-soon (due within 7 days) or breached (past the due date).'),
  KEV: leaf('The CISA KEV due date (YYYY-MM-DD) when a CVE of the finding is in the KEV catalog, else `no`.'),
  KEV_RANSOMWARE: leaf('The KEV catalog\'s knownRansomwareCampaignUse (Known, Unknown) for that CVE; empty when not in KEV.'),
};

/** Labels the product writes for SLAs (issue 12 contract). */
export const SLA_LABELS = { kev: 'vb-kev', met: 'vb-sla-met', missed: 'vb-sla-missed' } as const;

/** The `SLA` object of a template context. */
export function slaContext(sla: SlaResult | undefined): TemplateContext {
  if (!sla) return { DUE_DATE: '', DAYS: '', DAYS_LEFT: '', STATE: '', KEV: '', KEV_RANSOMWARE: '' };
  return {
    DUE_DATE: sla.dueDate,
    DAYS: sla.days,
    DAYS_LEFT: sla.daysLeft,
    STATE: sla.state,
    KEV: sla.kev ? sla.kev.dueDate : 'no',
    KEV_RANSOMWARE: sla.kev?.ransomware ?? '',
  };
}

/**
 * The SLA labels a ticket should carry: `vb-kev`; while open, the breach label once past
 * its due date; once closed, met or missed, decided when it closed and kept after
 * (`held`: the labels the ticket has now).
 */
export function slaLabels(sla: SlaResult | undefined, o: { open: boolean; breachedLabel: string; held: readonly string[]; now: Date }): string[] {
  const out: string[] = [];
  if (sla?.kev) out.push(SLA_LABELS.kev);
  if (!sla) return out;
  if (o.open) {
    if (sla.state === 'breached') out.push(o.breachedLabel);
    return out;
  }
  if (o.held.includes(SLA_LABELS.met)) out.push(SLA_LABELS.met);
  else if (o.held.includes(SLA_LABELS.missed)) out.push(SLA_LABELS.missed);
  else out.push(metBy(sla.dueDate, o.now) ? SLA_LABELS.met : SLA_LABELS.missed);
  return out;
}

/** Every label the SLA logic owns (so a recomputation may remove them). */
export function ownedSlaLabels(breachedLabel: string): string[] {
  return [SLA_LABELS.kev, SLA_LABELS.met, SLA_LABELS.missed, breachedLabel];
}
