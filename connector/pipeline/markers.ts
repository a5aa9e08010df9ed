import { hash } from 'node:crypto';
import type { TicketRole } from '../templates/types.js';

/**
 * Every ticket carries a label derived from its identity. Labels are exact-match in
 * JQL (custom text fields only support fuzzy `~`), so after a lost database or a crash
 * between "Jira created it" and "we recorded it", `labels in (...)` finds the ticket
 * instead of creating a second one.
 */
export function markerLabel(role: TicketRole, scopedKey: string): string {
  // The one-shot form: the same digest without a Hash object per ticket (once per finding planned).
  return `vb-${hash('sha256', `${role}\n${scopedKey}`, 'hex').slice(0, 24)}`;
}

/** A label per job, for JQL dashboards: `labels = "vb-job-<name>"`. */
export function jobLabel(job: string): string {
  return `vb-job-${job}`;
}

/** Child Primary Keys ("QID:1-Port:443") repeat across parents: scope them by the parent's. */
export function scopedKey(role: TicketRole, primaryKey: string, parentPrimaryKey?: string): string {
  return role === 'child' ? `${parentPrimaryKey ?? ''}\n${primaryKey}` : primaryKey;
}

/** Change detection, not security: SHA-1's one-shot form is the cheapest digest Node offers. */
export function hashOf(value: unknown): string {
  return hash('sha1', JSON.stringify(value) ?? 'undefined', 'base64url');
}
