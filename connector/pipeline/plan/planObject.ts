import type { TicketRow } from '../../state/ticketStore.js';
import { REOPEN_SIGNAL } from './decisions.js';
import { KEEP_MEMO } from './memos.js';
import type { ParentIntent } from './ticketPlan.js';

/**
 * An object's findings are all seen (the pages have moved past it): children we hold
 * for it that are not among them are gone, to be unlinked (link schemes) and closed.
 * None when a finding of the object could not be evaluated, nor when the object only
 * came back as retries of failed findings: then its list is not known to be complete.
 */
export function goneChildren(p: ParentIntent, held: readonly TicketRow[], o: { subtasks: boolean; unsure: ReadonlySet<string> }): TicketRow[] {
  if (!p.pulled || o.unsure.has(p.objectKey)) return [];
  return held.filter((c) => {
    if (p.seen.has(c.pk) || !c.jiraKey || c.fieldHashes[KEEP_MEMO]) return false;
    return c.state === 'open' || (c.linked && !o.subtasks);
  });
}

/** A parent closes when no linked open child remains, and reopens when one comes back (or is re-opened under a person's close). */
export function parentStatus(p: ParentIntent, row: Readonly<TicketRow>, held: readonly TicketRow[]): 'close' | 'reopen' | undefined {
  const openChildren = held.filter((c) => c.linked && c.state === 'open').length;
  if (openChildren === 0) return row.state === 'open' ? 'close' : undefined;
  const reopenedByScanner = p.children.some((c) => c.wantOpen && REOPEN_SIGNAL.test(c.decision.key));
  return row.state === 'closed' || (row.state === 'closed-by-user' && reopenedByScanner) ? 'reopen' : undefined;
}
