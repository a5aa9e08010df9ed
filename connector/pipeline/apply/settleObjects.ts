import { describeError } from '../../errors.js';
import type { TicketRow } from '../../state/ticketStore.js';
import { isFatalForCycle } from '../../http/failurePolicy.js';
import { statusFor } from '../plan/decisions.js';
import { goneChildren, parentStatus } from '../plan/planObject.js';
import type { ParentIntent } from '../plan/ticketPlan.js';
import type { ApplyContext } from './applyContext.js';

/** Close the children an object no longer has, then let its parent follow its open children. */
export async function settleObject(c: ApplyContext, p: ParentIntent, unsure: ReadonlySet<string>): Promise<void> {
  if (!c.keyOf(p)) return;
  const held = c.d.tickets.children(c.d.job, p.pk);
  for (const child of goneChildren(p, held, { subtasks: c.d.subtasks, unsure })) await guardGone(c, child, () => closeGone(c, p, child));
  await c.guard(p.children[0], () => syncParentStatus(c, p));
}

/** A child whose vulnerability the object no longer has: unlink (link schemes) and close it. */
async function closeGone(c: ApplyContext, p: ParentIntent, child: TicketRow): Promise<void> {
  const { d } = c;
  const parentKey = c.keyOf(p) as string;
  const key = child.jiraKey as string;
  if (child.linked && c.links) {
    await d.sink.unlink(parentKey, key);
    child.linked = false;
    c.put(child);
    d.counts.unlinked++;
    d.onStep({ op: 'unlink', parentKey, childKey: key, primaryKey: child.primaryKey });
  }
  child.lastStatus = d.goneStatus ?? 'gone';
  if (child.state !== 'open') return c.put(child);
  const step = { role: 'child' as const, primaryKey: child.primaryKey };
  const current = await d.sink.status(key);
  if (current === undefined) {
    // Deleted in Jira: nothing left to close.
    d.onStep({ op: 'record', ...step, key, note: 'deleted in Jira' });
    Object.assign(child, { jiraKey: undefined, jiraId: undefined, linked: false, state: 'closed' });
    return c.put(child);
  }
  if (current.category === 'done') {
    d.onStep({ op: 'record', ...step, key, note: `already ${current.name}` });
    child.jiraStatus = current.name;
    return c.save(child, 'closed');
  }
  const target = statusFor(d.scheme, false);
  if (!target) return c.put(child);
  await c.move(step, child, target, 'the vulnerability is no longer reported on its object');
}

/** A gone child's work: a rejection is logged and counted, and the next cycle tries again. */
async function guardGone(c: ApplyContext, child: TicketRow, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (isFatalForCycle(err)) throw err;
    const message = describeError(err);
    c.d.counts.failed++;
    c.d.log.warn('closing a ticket whose vulnerability is gone failed; it is retried next cycle', { key: child.jiraKey, primaryKey: child.primaryKey, error: message });
    c.d.onStep({ op: 'fail', role: 'child', primaryKey: child.primaryKey, findingKey: child.findingKey ?? '', error: message });
  }
}

export async function syncParentStatus(c: ApplyContext, p: ParentIntent): Promise<void> {
  const row = c.row(p) as TicketRow;
  const action = parentStatus(p, row, c.d.tickets.children(c.d.job, p.pk));
  if (action === 'close') {
    const current = await c.d.sink.status(row.jiraKey as string);
    if (current === undefined) return;
    if (current.category === 'done') return c.save(row, 'closed');
    const target = statusFor(c.d.scheme, false);
    if (target) await c.move({ role: 'parent', primaryKey: p.ticket.primaryKey }, row, target, 'no open vulnerability tickets remain');
  } else if (action === 'reopen') {
    const target = statusFor(c.d.scheme, true);
    if (target) await c.move({ role: 'parent', primaryKey: p.ticket.primaryKey }, row, target, 'a vulnerability ticket is open again');
  }
}

/** Work on a parent ticket: if the sink no longer has it, it is created again (with its children). */
export async function guardParent(c: ApplyContext, p: ParentIntent, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if ((err as { code?: string }).code === 'TICKET_GONE' && c.keyOf(p)) {
      parentGone(c, p);
      for (const child of p.children) if (child.wantOpen) c.fail(child.finding, 'child', child.ticket.primaryKey, new Error('its parent ticket was deleted in Jira; it is created again next cycle'));
      return;
    }
    await c.guard(p.children[0], () => Promise.reject(err));
  }
}

/**
 * A person deleted a parent ticket: forget its key so it is created again, and mark its
 * children unlinked (the sink dropped the links), or gone with it (sub-tasks die with
 * their parent), so they are linked to, or created under, the new parent. No child is
 * duplicated: a child that still exists keeps its key.
 */
export function parentGone(c: ApplyContext, p: ParentIntent): void {
  const row = c.row(p) as TicketRow;
  c.d.onStep({ op: 'record', role: 'parent', primaryKey: p.ticket.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira; created again, its children linked to the new one' });
  Object.assign(row, { jiraKey: undefined, jiraId: undefined, state: 'pending' });
  c.put(row);
  const children = c.d.tickets.children(c.d.job, p.pk);
  for (const child of children) {
    child.linked = false;
    if (c.d.subtasks) Object.assign(child, { jiraKey: undefined, jiraId: undefined, state: 'pending' });
  }
  c.d.tickets.put(children);
  // This page's working rows are the same tickets: keep them in step.
  for (const child of p.children) {
    const fresh = children.find((x) => x.pk === child.pk);
    const working = c.row(child);
    if (fresh && working) Object.assign(working, { linked: fresh.linked, jiraKey: fresh.jiraKey, jiraId: fresh.jiraId, state: fresh.state });
  }
}

/** Open children we hold for a parent just created again, linked to it (they may not be in this pull). */
export async function relinkKnownChildren(c: ApplyContext, p: ParentIntent): Promise<void> {
  const parentKey = c.keyOf(p) as string;
  const inPage = new Set(p.children.map((child) => child.pk));
  for (const child of c.d.tickets.children(c.d.job, p.pk)) {
    if (inPage.has(child.pk) || child.linked || child.state !== 'open' || !child.jiraKey) continue;
    await c.d.sink.link(parentKey, child.jiraKey);
    child.linked = true;
    c.put(child);
    c.d.counts.linked++;
    c.d.onStep({ op: 'link', parentKey, childKey: child.jiraKey, primaryKey: child.primaryKey });
  }
}
