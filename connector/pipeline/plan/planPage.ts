import type { StagedFinding } from '../../state/staging.js';
import { evaluateFindings, type PlanInput } from './evaluateFindings.js';
import { planParent, planTicket } from './planTicket.js';
import type { ParentIntent, TicketPlan } from './ticketPlan.js';

export type { PlanInput } from './evaluateFindings.js';

/**
 * The ticket plan of one page of staged findings: which tickets to look up, create,
 * edit, move, link and settle. Pure: it reads the state's rows through `input` and
 * writes nothing. `carried` is the previous page's `carry` (an object whose findings
 * may go on in this page: pages are in parent order but cut at a fixed size).
 */
export function planPage(input: PlanInput, page: readonly StagedFinding[], carried?: ParentIntent): TicketPlan {
  const ev = evaluateFindings(input, page);
  let settleFirst: ParentIntent | undefined;
  if (carried) {
    const same = ev.parents.get(carried.pk);
    if (same) mergeObject(same, carried);
    else settleFirst = carried;
  }
  const parents = [...ev.parents.values()];
  const links = input.scheme.kind === 'linked' && !input.subtasks;
  for (const p of parents) if (p.row?.jiraKey) p.actions = planParent(p.ticket, p.row, input.fieldsOf);
  for (const i of ev.intents) if (i.row?.jiraKey) i.actions = planTicket(i, i.row, { fieldsOf: input.fieldsOf, goneStatus: input.goneStatus, links });

  // After a lost or restored database, tickets of findings that are closing now (and of
  // parents with no open child) exist in Jira but not in the state: look for them so they
  // close too. Only those: a fixed finding without a ticket otherwise never had one.
  const lookups = [
    ...parents.filter((p) => !p.row?.jiraKey && !p.children.some((c) => c.wantOpen)),
    ...ev.intents.filter((i) => !i.wantOpen && !i.row?.jiraKey),
  ];
  const newParents = parents.filter((p) => !p.row?.jiraKey && p.children.some((c) => c.wantOpen));
  const newTickets = ev.intents.filter((i) => i.wantOpen && !i.row?.jiraKey);
  // A sub-task names its parent's key in its create: parents first, then their children.
  // Link schemes create parents and children in the same bulk calls and link after.
  const creates = input.subtasks ? [newParents, newTickets] : [[...newParents, ...newTickets]];

  const last = ev.lastParent;
  const carry = last?.diff ? last : undefined;
  return {
    ...(settleFirst ? { settleFirst } : {}),
    lookups,
    creates: creates.filter((wave) => wave.length > 0),
    parents,
    tickets: ev.intents,
    settle: parents.filter((p) => p !== carry),
    ...(carry ? { carry } : {}),
    failures: ev.failures,
    duplicates: ev.duplicates,
    shared: [...ev.shared],
    unsureObjects: ev.unsureObjects,
  };
}

/** The same object on two pages: one object, seen children and flags together. */
function mergeObject(into: ParentIntent, earlier: ParentIntent): void {
  for (const pk of earlier.seen) into.seen.add(pk);
  into.diff ||= earlier.diff;
  into.pulled ||= earlier.pulled;
  into.children.unshift(...earlier.children.filter((c) => !into.children.includes(c)));
}
