import type { JiraFields } from '../sinks/types.js';
import type { RenderedTicket } from '../templates/types.js';
import { hashOf } from './markers.js';

/*
 * What we remember of what we sent: a hash per Jira field (so only changed fields are
 * sent), one over all fields, and one over the rendered ticket (so an unchanged ticket
 * is recognized without building its Jira fields at all).
 */

/** Keys of the hash over all diffed fields together, and of the rendered ticket's hash. */
export const ALL = '*';
export const TICKET = '#';
/** Fields that are set once at create and never diffed. */
const NOT_DIFFED = new Set(['project', 'issuetype', 'parent', 'labels']);
/** Absent priority means "Jira default": never clear what Jira (or a person) chose; our own hashes are not fields. */
export const NEVER_CLEARED = new Set(['priority', ALL, TICKET]);

/** What the template rendered, minus labels (diffed as a set) and the comment (its own hash). */
export function ticketHash(t: RenderedTicket): string {
  const parts: unknown[] = [t.issueType, t.summary, t.description, t.priority ?? null, t.customFields.map((c) => [c.name, c.customFieldId ?? '', c.rich])];
  // Only jobs with an SLA policy render a due date: the hashes of the others stay as they were.
  if (t.dueDate !== undefined) parts.push(t.dueDate);
  return hashOf(parts);
}

function diffed(fields: JiraFields): JiraFields {
  const out: JiraFields = {};
  for (const [k, v] of Object.entries(fields)) if (!NOT_DIFFED.has(k)) out[k] = v;
  return out;
}

/** Per-field hashes plus one over all of them (each field is serialized once). */
export function hashFields(fields: JiraFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(diffed(fields))) out[k] = hashOf(v);
  out[ALL] = hashOf(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
