import type { CreateRequest, FoundIssue } from '../../sinks/types.js';
import type { TicketRow } from '../../state/ticketStore.js';
import { hashFields, TICKET, ticketHash } from '../fieldHashes.js';
import { hashOf, jobLabel } from '../markers.js';
import { decisionFor, REOPEN_SIGNAL } from '../plan/decisions.js';
import { KEEP_MEMO } from '../plan/memos.js';
import type { FindingIntent, ParentIntent, TicketIntent } from '../plan/ticketPlan.js';
import type { ApplyContext } from './applyContext.js';
import { createWithRetry } from './createWithRetry.js';
import { applyNewTicket } from './syncTicket.js';

interface Queued {
  i: TicketIntent;
  req: CreateRequest;
}

/**
 * Creates tickets in bulk, exactly once: the intent row is written before the create,
 * and a ticket whose create may have happened unrecorded (a pending row, or a state
 * behind Jira) is looked up by its marker first. Flat schemes send full batches only and
 * keep the rest for the next page, so a pull makes ceil(creates / batch) calls.
 */
export class TicketCreator {
  private queue: Queued[] = [];
  private stateBehind?: boolean;

  constructor(private readonly c: ApplyContext) {}

  /** Primary keys queued for creation: a later page's finding of the same ticket makes no second one. */
  queued(): ReadonlySet<string> {
    return new Set(this.queue.map((q) => q.i.pk));
  }

  async create(items: readonly TicketIntent[], sendAll: boolean): Promise<void> {
    if (items.length === 0) return;
    const lookFor = (await this.isStateBehind()) ? [...items] : items.filter((i) => i.row?.state === 'pending');
    const notFound = new Set(lookFor.length ? await this.adopt(lookFor) : []);
    const toCreate = items.filter((i) => !lookFor.includes(i) || notFound.has(i));
    const queue = [...this.queue, ...toCreate.map((i) => ({ i, req: this.request(i) }))];
    const limit = this.c.d.sink.createBatchLimit;
    const now = sendAll ? queue.length : queue.length - (queue.length % limit);
    this.queue = queue.slice(now);
    await this.send(queue.slice(0, now));
  }

  /** Create what earlier pages kept back; once, after the last page. */
  async flush(): Promise<void> {
    const rest = this.queue;
    this.queue = [];
    await this.send(rest);
  }

  /** Tickets the state does not know whose findings close: found by marker, or nothing to do. */
  async lookUpClosing(items: readonly TicketIntent[]): Promise<void> {
    if (items.length === 0) return;
    const lookFor = (await this.isStateBehind()) ? [...items] : items.filter((i) => i.row?.state === 'pending');
    if (lookFor.length) await this.adopt(lookFor);
  }

  private request(i: TicketIntent): CreateRequest {
    const { d } = this.c;
    const parentKey = d.subtasks && i.role === 'child' ? this.c.keyOf((i as FindingIntent).parent) : undefined;
    return {
      ref: i.marker,
      fields: d.sink.fields(i.ticket, { project: d.project, ...(parentKey ? { parentKey } : {}) }),
      // The identity on the ticket itself, whether or not the sink has a "Primary Key" field.
      properties: { vulnbridge: { primaryKey: i.ticket.primaryKey, role: i.role, job: d.job, marker: i.marker } },
    };
  }

  private async send(queue: readonly Queued[]): Promise<void> {
    if (queue.length === 0) return;
    const { c } = this;
    const { d } = c;
    // Intent first: if we die after the sink answers, the pending row tells the next run to look before creating.
    c.put(...queue.map((q) => c.setRow(q.i, this.newRow(q.i, 'pending', undefined, undefined, {}))));
    const limit = d.sink.createBatchLimit;
    // The created rows are written together once every batch was sent (or one failed): one
    // transaction rewrites a page's ticket rows once, not once per batch of 50 (each also
    // rewrote the pages the batches shared, index pages and the database header). Dying
    // before it leaves their intent rows, looked up by marker next run, as dying in a batch does.
    const rows: TicketRow[] = [];
    try {
      await this.sendBatches(queue, limit, rows);
    } finally {
      c.put(...rows);
    }
  }

  private async sendBatches(queue: readonly Queued[], limit: number, rows: TicketRow[]): Promise<void> {
    const { c } = this;
    const { d } = c;
    for (let start = 0; start < queue.length; start += limit) {
      const batch = queue.slice(start, start + limit);
      const byRef = await createWithRetry(d, batch.map((q) => q.req));
      for (const { i, req } of batch) {
        const result = byRef.get(i.marker);
        if (!result?.key) {
          const owner = 'finding' in i ? (i as FindingIntent).finding : (i as ParentIntent).children[0]?.finding;
          if (owner) c.fail(owner, i.role, i.ticket.primaryKey, result?.error ?? new Error('the sink returned no key'));
          continue;
        }
        const row = c.setRow(i, this.newRow(i, 'open', result.key, result.id, { ...hashFields(req.fields), [TICKET]: ticketHash(i.ticket) }));
        row.commentHash = i.ticket.comment ? hashOf(i.ticket.comment) : undefined;
        c.markFresh(i);
        rows.push(row);
        d.counts.created++;
        d.onStep({
          op: 'create',
          role: i.role,
          primaryKey: i.ticket.primaryKey,
          summary: i.ticket.summary,
          priority: i.ticket.priority,
          issueType: i.ticket.issueType,
          findingKey: 'finding' in i ? (i as FindingIntent).finding.key : undefined,
        });
      }
      for (const { i } of batch) if ('finding' in i && c.isFresh(i) && c.keyOf(i)) await c.guard(i as FindingIntent, () => applyNewTicket(c, i as FindingIntent));
    }
  }

  /** Find tickets by their markers and take them over; returns the ones not found. */
  private async adopt(items: readonly TicketIntent[]): Promise<TicketIntent[]> {
    const { c } = this;
    const found = new Map<string, FoundIssue>();
    for (const issue of await c.d.sink.findByMarkers(c.d.project, items.map((i) => i.marker))) for (const l of issue.labels) found.set(l, issue);
    const adopted: TicketRow[] = [];
    const missing: TicketIntent[] = [];
    for (const i of items) {
      const hit = found.get(i.marker);
      if (!hit) {
        missing.push(i);
        continue;
      }
      const row = c.setRow(i, this.newRow(i, hit.status.category === 'done' ? 'closed' : 'open', hit.key, hit.id, {}));
      row.jiraStatus = hit.status.name;
      row.labels = hit.labels;
      // A closing child may still hang on its parent: try the unlink (a no-op when there is no link).
      if (i.role === 'child' && 'wantOpen' in i && !(i as FindingIntent).wantOpen) row.linked = true;
      adopted.push(row);
      c.d.onStep({ op: 'adopt', role: i.role, primaryKey: i.ticket.primaryKey, key: hit.key });
    }
    if (adopted.length) c.put(...adopted);
    return missing;
  }

  /**
   * Does the sink hold tickets of this job that the state does not know? One search per
   * cycle (the newest tickets with the job's marker) tells a lost or restored database
   * from an intact one; only then is every create preceded by a marker lookup.
   */
  private async isStateBehind(): Promise<boolean> {
    if (this.stateBehind === undefined) {
      const { d } = this.c;
      const newest = await d.sink.newestWithMarker(d.project, jobLabel(d.job), 50);
      const unknown = newest.filter((i) => !d.tickets.hasKey(d.job, i.key));
      this.stateBehind = unknown.length > 0;
      if (this.stateBehind) {
        d.log.warn('Jira holds tickets of this job that the state does not know (lost or restored database?): each new ticket is looked up by its label first', {
          examples: unknown.slice(0, 5).map((i) => i.key),
        });
      }
    }
    return this.stateBehind;
  }

  private newRow(i: TicketIntent, state: TicketRow['state'], key: string | undefined, id: string | undefined, hashes: Record<string, string>): TicketRow {
    const f = 'finding' in i ? (i as FindingIntent) : undefined;
    return {
      job: this.c.d.job,
      pk: i.pk,
      role: i.role,
      primaryKey: i.ticket.primaryKey,
      parentPk: i.parentPk,
      marker: i.marker,
      state,
      jiraKey: key,
      jiraId: id,
      // A sub-task hangs under its parent from its creation on: it counts as linked.
      linked: this.c.d.subtasks && i.role === 'child',
      fieldHashes: f?.keep ? { ...hashes, [KEEP_MEMO]: '1' } : hashes,
      labels: i.ticket.labels,
      findingKey: f?.finding.key,
      lastStatus: f && !this.reopenedAtBirth(f) ? f.decision.key : undefined,
      ...(i.ticket.sla ? { sla: i.ticket.sla } : {}),
    };
  }

  /**
   * A ticket made for a finding the scanner calls re-opened, whose scheme names another
   * status for that than for a new one (e.g. "Reopened" vs "Open"): no status is
   * remembered, so the re-open is acted on (the status moved, where the workflow allows).
   */
  private reopenedAtBirth(f: FindingIntent): boolean {
    const { decision } = f;
    if (!f.wantOpen || !decision.workflowStatus || !REOPEN_SIGNAL.test(decision.key)) return false;
    return decisionFor(this.c.d.scheme, decision.key, true, decision).workflowStatus !== decision.workflowStatus;
  }
}
