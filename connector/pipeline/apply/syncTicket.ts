import type { TicketRow } from '../../state/ticketStore.js';
import { memosOf, ATTACHMENT_MEMO, KEEP_MEMO, MOVING_MEMO, withMemo } from '../plan/memos.js';
import { planAttachment, planLink, planStatus, planTicket } from '../plan/planTicket.js';
import type { FindingIntent, StatusPlan, TicketActions, TicketIntent } from '../plan/ticketPlan.js';
import type { ApplyContext } from './applyContext.js';
import { parentGone } from './settleObjects.js';

/**
 * A finding's ticket that has a key: its fields, comment, status, link and attachment,
 * in that order. The plan's decisions are re-checked on the row as it is now: an earlier
 * step of this cycle (a person's close noticed, a parent found deleted) may have changed it.
 */
export async function applyTicket(c: ApplyContext, i: FindingIntent): Promise<void> {
  const row = c.row(i) as TicketRow;
  const fresh = c.isFresh(i);
  // Created or found again during this apply: planned now, on the row the sink gave us.
  const actions = i.actions && !fresh ? i.actions : planTicket(i, row, { fieldsOf: fieldsOf(c), goneStatus: c.d.goneStatus, links: c.links, fresh });
  const changed = await applyFields(c, i, row, actions, 'finding' in i);
  const moved = await applyStatus(c, i, row);
  // A ticket reopened just now missed the comment (it was closed when the fields synced).
  if (moved && i.wantOpen) await applyComment(c, i, row, actions);
  const linkMoved = c.links ? await applyLink(c, i, row) : false;
  const attached = await applyAttachment(c, i);
  if (!changed && !moved && !linkMoved && !attached && !fresh) c.d.counts.unchanged++;
  const slaMoved = !!i.ticket.sla && row.state !== 'closed-by-user' && JSON.stringify(row.sla) !== JSON.stringify(i.ticket.sla);
  if (row.lastStatus !== i.decision.key || !!row.fieldHashes[KEEP_MEMO] !== i.keep || slaMoved) {
    row.lastStatus = i.decision.key;
    row.fieldHashes = withMemo(row.fieldHashes, KEEP_MEMO, i.keep ? '1' : undefined);
    if (slaMoved) row.sla = i.ticket.sla;
    c.put(row);
  }
}

export function fieldsOf(c: ApplyContext) {
  return (t: TicketIntent['ticket']) => c.d.sink.fields(t, { project: c.d.project });
}

/** Send only the fields whose rendered value changed since what we last sent; then the comment. */
export async function applyFields(c: ApplyContext, i: TicketIntent, row: TicketRow, a: TicketActions, isFinding: boolean): Promise<boolean> {
  const f = a.fields;
  if (f.kind === 'rehash' && f.ticketOnly) {
    row.fieldHashes = { ...memosOf(row.fieldHashes), ...f.hashes };
    c.put(row);
  }
  if (a.checkClosedByUser && isFinding) await noticeClosedByUser(c, i as FindingIntent, row);
  // A ticket a person closed is left alone, edits included, until the finding comes back.
  if (row.state === 'closed-by-user') return false;
  let changed = false;
  if (f.kind === 'edit') {
    const key = row.jiraKey as string;
    await c.d.sink.update(key, { fields: f.fields, addLabels: f.addLabels, removeLabels: f.removeLabels });
    c.d.counts.updated++;
    const labels = f.addLabels.length || f.removeLabels.length ? ['labels'] : [];
    c.d.onStep({ op: 'update', role: i.role, primaryKey: i.ticket.primaryKey, key, fields: [...Object.keys(f.fields), ...labels] });
    row.fieldHashes = { ...memosOf(row.fieldHashes), ...f.hashes };
    row.labels = f.labels;
    c.put(row);
    changed = true;
  } else if (f.kind === 'rehash' && !f.ticketOnly) {
    row.fieldHashes = { ...memosOf(row.fieldHashes), ...f.hashes };
    c.put(row);
  }
  return (await applyComment(c, i, row, a)) || changed;
}

/** The re-detection comment, once per new text, only while the ticket is open. */
async function applyComment(c: ApplyContext, i: TicketIntent, row: TicketRow, a: TicketActions): Promise<boolean> {
  const comment = a.comment;
  if (!comment || row.state !== 'open' || row.commentHash === comment.hash) return false;
  const first = row.commentHash === undefined;
  row.commentHash = comment.hash;
  if (!first) {
    await c.d.sink.comment(row.jiraKey as string, comment.body);
    c.d.counts.commented++;
    c.d.onStep({ op: 'comment', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string });
  }
  c.put(row);
  return !first;
}

/**
 * Before writing to a ticket we believe open for a finding that is still open, look
 * whether a person closed it: then it is recorded as closed by the user and left alone
 * (no comments) until the scanner says the finding came back. One read, only when
 * there is something to write.
 */
async function noticeClosedByUser(c: ApplyContext, i: FindingIntent, row: TicketRow): Promise<void> {
  if (row.state !== 'open') return;
  const current = await c.d.sink.status(row.jiraKey as string);
  if (!current || current.category !== 'done') return;
  row.jiraStatus = current.name;
  c.save(row, 'closed-by-user');
  c.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: `closed by a person (${current.name}); left closed until the scanner reports it Re-Opened` });
}

/**
 * Move the ticket to the status the scanner implies. Closing a ticket we hold open is one
 * step: the state knows where it was, and the transition itself answers whether the move
 * is valid from there. Only when it is not (a person moved it), when an earlier move was
 * sent but not recorded, or when reopening, is the sink's current status read first.
 */
async function applyStatus(c: ApplyContext, i: FindingIntent, row: TicketRow, gather = true): Promise<boolean> {
  const plan = row.jiraKey ? planStatus(i, row, c.d.goneStatus) : undefined;
  if (!plan) return false;
  const key = row.jiraKey as string;
  const who = { role: i.role, primaryKey: i.ticket.primaryKey };
  if (oneStepClose(plan, row)) {
    const target = plan.target as string;
    const reason = `finding ${i.decision.key}`;
    // Many closes in one cycle go in bulk where the sink can (bulkMoves.ts): gathered now, moved after the last page.
    if (gather && c.closer && (await c.closer.defer(i, row, target, reason))) return true;
    if (await c.moveKnown(who, row, target, reason, i.ticket.issueType)) return true;
  }
  const current = await c.d.sink.status(key);
  if (current === undefined) return c.deletedInJira(i, row);
  row.jiraStatus = current.name;
  row.fieldHashes = withMemo(row.fieldHashes, MOVING_MEMO, undefined);
  const done = current.category === 'done';
  if (plan.want === 'open' && !done) {
    c.save(row, 'open');
    // Re-opened by the scanner while the ticket is open: the status the scheme names for
    // it (e.g. "Reopened"), when the workflow leads there from where the ticket is.
    if (!plan.reopenSignal || !plan.target || sameStatus(current.name, plan.target)) return false;
    return c.moveIfReachable({ role: i.role, primaryKey: i.ticket.primaryKey }, row, plan.target, `finding ${i.decision.key}`);
  }
  if (plan.want === 'closed' && done) {
    c.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key, note: `already ${current.name}` });
    c.save(row, 'closed');
    return false;
  }
  if (plan.want === 'open' && row.state === 'open' && !plan.reopenSignal) {
    c.save(row, 'closed-by-user');
    return false;
  }
  if (!plan.target) return false;
  return c.move({ role: i.role, primaryKey: i.ticket.primaryKey }, row, plan.target, `finding ${i.decision.key}`);
}

async function applyLink(c: ApplyContext, i: FindingIntent, row: TicketRow): Promise<boolean> {
  const parentKey = c.keyOf(i.parent);
  const link = parentKey && row.jiraKey ? planLink(i, row) : undefined;
  if (!link || !parentKey) return false;
  const childKey = row.jiraKey as string;
  if (link === 'link') {
    try {
      await c.d.sink.link(parentKey, childKey);
    } catch (err) {
      // The sink says an issue of the link does not exist: the parent, or the child itself.
      if ((err as { code?: string }).code !== 'TICKET_GONE' || !i.parent || (await c.d.sink.status(parentKey)) !== undefined) throw err;
      parentGone(c, i.parent);
      throw new Error('its parent ticket was deleted in Jira; the parent is created again and this ticket linked to it next cycle');
    }
  } else {
    await c.d.sink.unlink(parentKey, childKey);
  }
  row.linked = link === 'link';
  c.put(row);
  c.d.counts[link === 'link' ? 'linked' : 'unlinked']++;
  c.d.onStep({ op: link, parentKey, childKey, primaryKey: i.ticket.primaryKey });
  return true;
}

/** A gathered close that does not go in bulk: the one-step close, now. */
export async function closeNow(c: ApplyContext, i: FindingIntent, row: TicketRow): Promise<void> {
  await applyStatus(c, i, row, false);
}

/** A close of a ticket we hold open, with no move left unrecorded: no read before the transition. */
export function oneStepClose(plan: StatusPlan, row: Readonly<TicketRow>): boolean {
  return plan.want === 'closed' && plan.target !== undefined && row.state === 'open' && row.fieldHashes[MOVING_MEMO] === undefined;
}

function sameStatus(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/**
 * A ticket just made: its file (a file cannot ride along with the create), and for a
 * finding born re-opened, the status its scheme names for that.
 */
export async function applyNewTicket(c: ApplyContext, i: FindingIntent): Promise<void> {
  await applyAttachment(c, i);
  const row = c.row(i);
  if (!row || row.lastStatus !== undefined) return;
  await applyStatus(c, i, row);
  row.lastStatus = i.decision.key;
  c.put(row);
}

/** The template's `attachment` text as a file on the ticket (its hash is kept with the ticket). */
export async function applyAttachment(c: ApplyContext, i: FindingIntent): Promise<boolean> {
  const row = c.row(i);
  const attach = row?.jiraKey ? planAttachment(i, row) : undefined;
  if (!row || !attach) return false;
  const key = row.jiraKey as string;
  await c.d.sink.attach(key, attach.name, attach.text);
  row.fieldHashes = withMemo(row.fieldHashes, ATTACHMENT_MEMO, attach.hash);
  c.put(row);
  c.d.counts.attached++;
  c.d.onStep({ op: 'update', role: i.role, primaryKey: i.ticket.primaryKey, key, fields: [`attachment ${attach.name}`] });
  return true;
}
