import type { TicketRow } from '../../state/ticketStore.js';
import { planParent } from '../plan/planTicket.js';
import type { FindingIntent, ParentIntent, TicketPlan } from '../plan/ticketPlan.js';
import { ApplyContext, type ApplyDeps } from './applyContext.js';
import { TicketCreator } from './createTickets.js';
import { guardParent, relinkKnownChildren, settleObject, syncParentStatus } from './settleObjects.js';
import { applyFields, applyTicket, closeNow, fieldsOf } from './syncTicket.js';
import { BulkCloser, recoverBulkTasks } from './bulkMoves.js';

export type { ApplyDeps } from './applyContext.js';

/**
 * Applies ticket plans, page after page, to the sink and the state: look up, create
 * (parents first, in bulk), edit what changed, move statuses, link, then settle objects.
 * Each step is recorded as it succeeds; one ticket's rejection is recorded and the rest goes on.
 */
export class TicketApplier {
  private readonly c: ApplyContext;
  private readonly creator: TicketCreator;
  private readonly unsure = new Set<string>();
  /** Retried findings whose ticket waits in the create queue: resolved once it is made. */
  private awaitingCreate: FindingIntent[] = [];

  private readonly closer?: BulkCloser;

  constructor(deps: ApplyDeps) {
    this.c = new ApplyContext(deps);
    this.creator = new TicketCreator(this.c);
    const bulk = deps.sink.bulk?.();
    // Flat schemes only: a linked scheme settles its parents on its children's states within the page.
    if (bulk && deps.bulkTasks && deps.scheme.kind !== 'linked') {
      this.closer = new BulkCloser(this.c, bulk, deps.bulkTasks, (i, row) => closeNow(this.c, i, row));
      this.c.closer = this.closer;
    }
  }

  /** Before the first plan: record the outcome of bulk tasks an earlier, killed run left in flight. */
  async recover(): Promise<void> {
    const { d } = this.c;
    if (!d.bulkTasks) return;
    await recoverBulkTasks({ job: d.job, bulk: d.sink.bulk?.(), store: d.bulkTasks, tickets: d.tickets, counts: d.counts, log: d.log, onStep: d.onStep, signal: d.signal });
  }

  /** Tickets queued for creation (planning input: a later page's finding of one makes no second). */
  queued(): ReadonlySet<string> {
    return this.creator.queued();
  }

  async apply(plan: TicketPlan): Promise<void> {
    const { c } = this;
    const { d } = c;
    for (const k of plan.unsureObjects) this.unsure.add(k);
    for (const f of plan.failures) c.fail(f.finding, f.role, f.primaryKey, f.error);
    d.counts.unchanged += plan.duplicates;
    if (plan.settleFirst) await settleObject(c, plan.settleFirst, this.unsure);
    await this.creator.lookUpClosing(plan.lookups);
    for (const wave of plan.creates) {
      const ready = d.subtasks ? wave.filter((i) => i.role !== 'child' || c.keyOf((i as FindingIntent).parent)) : wave;
      await this.creator.create(ready, d.scheme.kind === 'linked');
    }
    for (const p of plan.parents) if (!c.keyOf(p)) this.failChildrenOfMissingParent(p);
    // A parent created again (a person deleted it): its children we hold are linked to it again.
    if (!d.subtasks) for (const p of plan.parents) if (c.isFresh(p) && c.keyOf(p)) await guardParent(c, p, () => relinkKnownChildren(c, p));
    for (const p of plan.parents) {
      if (!c.keyOf(p) || c.isFresh(p)) continue;
      await guardParent(c, p, () => applyFields(c, p, c.row(p) as TicketRow, p.actions ?? planParent(p.ticket, c.row(p) as TicketRow, fieldsOf(c)), false));
    }
    for (const i of plan.tickets) {
      if (!c.keyOf(i)) {
        if (!i.wantOpen) d.counts.unchanged++;
        continue;
      }
      await c.guard(i, () => applyTicket(c, i));
    }
    for (const p of plan.settle) {
      if (p.diff) await settleObject(c, p, this.unsure);
      else if (c.keyOf(p)) await guardParent(c, p, () => syncParentStatus(c, p));
    }
    this.record(plan.tickets);
  }

  /** After the last page: settle the last object and create what earlier pages kept back. */
  async finish(carried?: ParentIntent): Promise<void> {
    if (carried) await settleObject(this.c, carried, this.unsure);
    await this.closer?.flush();
    await this.creator.flush();
    const made = this.awaitingCreate;
    this.awaitingCreate = [];
    this.resolvePending(made);
  }

  private failChildrenOfMissingParent(p: ParentIntent): void {
    // Retried next cycle, parent first, so each child gets linked then.
    const err = new Error('its parent ticket could not be created');
    for (const child of p.children) if (child.wantOpen && !this.c.failed(child.finding.key)) this.c.fail(child.finding, 'child', child.ticket.primaryKey, err);
  }

  private record(intents: readonly FindingIntent[]): void {
    const { d } = this.c;
    if (!d.findingLog) return;
    d.findingLog.record(
      d.job,
      intents.map((i) => ({
        fkey: i.finding.key,
        parentKey: i.finding.parentKey,
        status: i.decision.key,
        operation: i.decision.op,
        finding: d.keepData ? i.finding : undefined,
      })),
      d.now?.(),
    );
    if (!d.hadPending) return;
    // A retry is done only once its ticket exists: one still queued for creation waits for finish().
    const queued = this.creator.queued();
    this.awaitingCreate.push(...intents.filter((i) => queued.has(i.pk)));
    this.resolvePending(intents.filter((i) => !queued.has(i.pk)));
  }

  private resolvePending(intents: readonly FindingIntent[]): void {
    const { d } = this.c;
    if (!d.hadPending || intents.length === 0) return;
    d.pending?.resolved(
      d.job,
      intents.filter((i) => !this.c.failed(i.finding.key)).map((i) => i.finding.key),
    );
  }
}
