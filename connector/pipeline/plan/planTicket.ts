import type { TicketRow } from '../../state/ticketStore.js';
import type { RenderedTicket, RichText } from '../../templates/types.js';
import { ALL, hashFields, NEVER_CLEARED, sameSet, TICKET, ticketHash } from '../fieldHashes.js';
import { hashOf } from '../markers.js';
import { isGoneStatus, REOPEN_SIGNAL } from './decisions.js';
import { ATTACHMENT_MEMO, KEEP_MEMO, MEMO } from './memos.js';
import type { FieldPlan, FindingIntent, StatusPlan, TicketActions } from './ticketPlan.js';

/** File name of the template's `attachment` text on the ticket (WAS: the finding's result). */
export const ATTACHMENT_NAME = 'qualys-result.txt';

export type FieldsOf = (ticket: RenderedTicket) => Record<string, unknown>;

/**
 * Only the fields whose rendered value changed since what we last sent. Most tickets are
 * unchanged most cycles: one hash of the rendered ticket settles it without building the
 * sink's fields (ADF) at all; else one hash over all fields.
 */
export function planFields(ticket: RenderedTicket, row: Readonly<TicketRow>, fieldsOf: FieldsOf): FieldPlan {
  const labelsSame = sameSet(row.labels, ticket.labels);
  const rendered = ticketHash(ticket);
  if (labelsSame && row.fieldHashes[TICKET] === rendered) return { kind: 'same' };
  const fields = fieldsOf(ticket);
  const hashes: Record<string, string> = { ...hashFields(fields), [TICKET]: rendered };
  if (labelsSame && row.fieldHashes[ALL] === hashes[ALL]) return { kind: 'rehash', hashes: { ...notMemos(row.fieldHashes), [TICKET]: rendered }, ticketOnly: true };
  const change: Record<string, unknown> = {};
  for (const [f, h] of Object.entries(hashes)) if (f !== ALL && f !== TICKET && row.fieldHashes[f] !== h) change[f] = fields[f];
  for (const f of Object.keys(row.fieldHashes)) if (!(f in hashes) && !NEVER_CLEARED.has(f) && !f.startsWith(MEMO)) change[f] = null;
  const addLabels = ticket.labels.filter((l) => !row.labels.includes(l));
  const removeLabels = row.labels.filter((l) => !ticket.labels.includes(l));
  // Nothing Jira would see changed (e.g. hashes from an older version): only remember the new ones.
  if (Object.keys(change).length === 0 && addLabels.length === 0 && removeLabels.length === 0) return { kind: 'rehash', hashes, ticketOnly: false };
  return { kind: 'edit', fields: change, addLabels, removeLabels, hashes, labels: ticket.labels };
}

/** The template's comment marks a re-detection (e.g. a new LAST_FOUND_DATETIME): due when its text changed. */
export function planComment(comment: RichText | undefined, row: Readonly<TicketRow>, findingOpen: boolean): TicketActions['comment'] {
  if (!comment || !findingOpen) return undefined;
  const hash = hashOf(comment);
  if (row.commentHash === hash) return undefined;
  return { body: comment, hash, first: row.commentHash === undefined };
}

/** "Re-Opened" stays on a detection until the next scan: act on it once, when it appears; or the finding came back after it was gone. */
export function reopenSignal(i: FindingIntent, row: Readonly<TicketRow>, goneStatus: string | undefined): boolean {
  const key = i.decision.key;
  if (REOPEN_SIGNAL.test(key) && row.lastStatus !== key) return true;
  return i.wantOpen && row.lastStatus !== undefined && isGoneStatus(row.lastStatus.split('/')[0], goneStatus);
}

/**
 * The status the scanner implies. A ticket a person closed is left alone until the
 * scanner says the finding came back (Re-Opened); an open ticket of an open finding needs nothing.
 */
export function planStatus(i: FindingIntent, row: Readonly<TicketRow>, goneStatus: string | undefined): StatusPlan | undefined {
  const signal = reopenSignal(i, row, goneStatus);
  const target = i.decision.workflowStatus;
  if (i.wantOpen) {
    if ((row.state === 'open' || row.state === 'closed-by-user') && !signal) return undefined;
    return { want: 'open', target, reopenSignal: signal };
  }
  return row.state === 'open' ? { want: 'closed', target } : undefined;
}

/** Link schemes: an open child hangs on its parent, a closing one comes off it. */
export function planLink(i: FindingIntent, row: Readonly<TicketRow>): 'link' | 'unlink' | undefined {
  if (i.wantOpen && !row.linked) return 'link';
  if (!i.wantOpen && row.linked) return 'unlink';
  return undefined;
}

/**
 * The template's `attachment` text (WAS: the finding's result) as a file on the ticket:
 * uploaded once, and again only when the text changed. Only while the ticket and its finding are open.
 */
export function planAttachment(i: FindingIntent, row: Readonly<TicketRow>): TicketActions['attach'] {
  const text = i.ticket.attachment ? i.ticket.attachment.map((s) => s.text).join('') : '';
  if (!text.trim() || !i.wantOpen || row.state !== 'open') return undefined;
  const hash = hashOf(text);
  return row.fieldHashes[ATTACHMENT_MEMO] === hash ? undefined : { name: ATTACHMENT_NAME, text, hash };
}

export interface TicketPlanOptions {
  fieldsOf: FieldsOf;
  goneStatus?: string;
  /** Link schemes that link (not sub-tasks). */
  links: boolean;
  /** Created (or found again) this cycle: its fields are what we just sent. */
  fresh?: boolean;
}

/** Everything a finding's ticket that the state knows needs this cycle, in order. */
export function planTicket(i: FindingIntent, row: Readonly<TicketRow>, o: TicketPlanOptions): TicketActions {
  const status = planStatus(i, row, o.goneStatus);
  // A ticket a person closed gets no edits and no comments until the finding comes back
  // (then only the comment, once it is open again); our memo of the rendered ticket still moves on.
  const closedByUser = row.state === 'closed-by-user';
  let fields: FieldPlan = o.fresh ? { kind: 'same' } : planFields(i.ticket, row, o.fieldsOf);
  if (closedByUser && !(fields.kind === 'rehash' && fields.ticketOnly)) fields = { kind: 'same' };
  const comment = o.fresh || (closedByUser && status?.want !== 'open') ? undefined : planComment(i.ticket.comment, row, i.wantOpen);
  const commentDue = !!comment && !comment.first && row.state === 'open';
  const keepMemo = !!row.fieldHashes[KEEP_MEMO];
  return {
    fields,
    ...(comment ? { comment } : {}),
    checkClosedByUser: !o.fresh && i.wantOpen && row.state === 'open' && ((fields.kind === 'rehash' && !fields.ticketOnly) || fields.kind === 'edit' || commentDue),
    ...optional('status', status),
    ...optional('link', o.links ? planLink(i, row) : undefined),
    ...optional('attach', planAttachment(i, row)),
    ...(row.lastStatus !== i.decision.key || keepMemo !== i.keep ? { memo: { lastStatus: i.decision.key, keep: i.keep } } : {}),
  };
}

/** A parent ticket the state knows: its fields and comment follow the template; its status follows its children. */
export function planParent(ticket: RenderedTicket, row: Readonly<TicketRow>, fieldsOf: FieldsOf): TicketActions {
  const comment = planComment(ticket.comment, row, true);
  return { fields: planFields(ticket, row, fieldsOf), ...(comment ? { comment } : {}), checkClosedByUser: false };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function notMemos(hashes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(hashes).filter(([k]) => !k.startsWith(MEMO)));
}
