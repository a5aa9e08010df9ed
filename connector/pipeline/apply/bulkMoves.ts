import { describeError } from '../../errors.js';
import { isFatalForCycle } from '../../http/failurePolicy.js';
import type { Logger } from '../../log.js';
import type { BulkIssue, BulkOutcome, IssueStatus, TicketBulk } from '../../sinks/types.js';
import type { BulkTaskItem, BulkTaskRow, BulkTasks } from '../../state/bulkTasks.js';
import type { TicketRow, Tickets } from '../../state/ticketStore.js';
import type { CycleCounts } from '../cycleCounts.js';
import { MOVING_MEMO, withMemo } from '../plan/memos.js';
import type { FindingIntent } from '../plan/ticketPlan.js';
import type { StepListener } from '../planStep.js';
import type { ApplyContext } from './applyContext.js';

interface Deferred {
  i: FindingIntent;
  row: TicketRow;
  reason: string;
}

interface Group {
  target: string;
  issueType: string;
  status?: string;
  items: Deferred[];
}

/**
 * Closes of one cycle gathered for the sink's bulk move (Jira Cloud: a bulk transition of
 * up to 1,000 issues per task). A group of tickets sharing issue type, recorded status and
 * target goes in bulk when it reaches the sink's threshold and bulk is allowed; otherwise
 * each ticket takes the one-step close. The intent (tickets, target) is recorded before the
 * submit and the task id when Jira answers, so a kill before the outcome is recorded is
 * recovered from the task (recoverBulkTasks) with no second transition.
 */
export class BulkCloser {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly c: ApplyContext,
    private readonly bulk: TicketBulk,
    private readonly store: BulkTasks,
    /** The one-step close of one ticket (and its look when refused), guarded as any ticket's work. */
    private readonly closeOne: (i: FindingIntent, row: TicketRow) => Promise<void>,
  ) {}

  /** Keep a close for the bulk move; false when this ticket cannot go in bulk (no issue id recorded). */
  async defer(i: FindingIntent, row: TicketRow, target: string, reason: string): Promise<boolean> {
    if (!row.jiraId || !row.jiraKey) return false;
    const status = row.jiraStatus;
    const key = [target, i.ticket.issueType.toLowerCase(), (status ?? '').toLowerCase()].join('|');
    let g = this.groups.get(key);
    if (!g) {
      g = { target, issueType: i.ticket.issueType, ...(status ? { status } : {}), items: [] };
      this.groups.set(key, g);
    }
    g.items.push({ i, row, reason });
    if (g.items.length >= this.bulk.limit) {
      this.groups.delete(key);
      await this.run(g);
    }
    return true;
  }

  /** After the last page: every group, in bulk or one by one. */
  async flush(): Promise<void> {
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const g of groups) await this.run(g);
  }

  private async run(g: Group): Promise<void> {
    const { c } = this;
    // An earlier step of the cycle may have changed a row (deleted in Jira, a person's close noticed).
    const items = g.items.filter((x) => x.row.state === 'open' && x.row.jiraKey && x.row.jiraId);
    if (items.length === 0) return;
    if (items.length < this.bulk.threshold || !(await this.bulk.available())) return this.oneByOne(items);
    const issues: BulkIssue[] = items.map((x) => ({ key: x.row.jiraKey as string, id: x.row.jiraId as string }));
    const intent = this.store.intend(c.d.job, { kind: 'move', target: g.target }, items.map((x) => itemOf(x.row)), c.d.now?.());
    let submitted;
    try {
      submitted = await this.bulk.submitMove(issues, g.target, { project: c.d.project, issueType: g.issueType, ...(g.status ? { status: g.status } : {}) });
    } catch (err) {
      // Jira down or our access gone: the intent stays, and the next cycle looks before moving these.
      if (isFatalForCycle(err)) throw err;
      // The task may exist (an answer lost): each ticket looks before its move.
      c.d.log.warn('a bulk transition failed; its tickets are looked at and moved one by one', { tickets: items.length, to: g.target, error: describeError(err) });
      for (const x of items) c.intendMove(x.row, g.target);
      this.store.done(intent);
      return this.oneByOne(items);
    }
    if (!submitted) {
      this.store.done(intent);
      return this.oneByOne(items);
    }
    const to = submitted.to ?? { name: g.target, category: 'done' };
    this.store.submitted(intent, submitted.taskId, { kind: 'move', target: g.target, to });
    c.d.log.info('bulk transition submitted', { task: submitted.taskId, tickets: items.length, to: to.name });
    const outcome = await this.bulk.outcome(submitted.taskId, { signal: c.d.signal });
    if (outcome === 'running') {
      // It goes on in Jira: the next cycle asks for its outcome before planning.
      for (const x of items) c.fail(x.i.finding, x.i.role, x.i.ticket.primaryKey, new Error(`Jira's bulk task ${submitted.taskId} is still running; its outcome is recorded next cycle`));
      return;
    }
    for (const x of items) this.record(x, submitted.taskId, to, g.target, outcome);
    this.store.done(intent);
  }

  private record(x: Deferred, taskId: string, to: IssueStatus, target: string, outcome: BulkOutcome | undefined): void {
    const { c } = this;
    const id = x.row.jiraId as string;
    const who = { role: x.i.role, primaryKey: x.i.ticket.primaryKey };
    if (outcome?.done.has(id)) {
      c.moved(who, x.row, to, target, `${x.reason} (bulk task ${taskId})`);
      return;
    }
    const failed = outcome?.failed.get(id);
    if (failed !== undefined) {
      c.fail(x.i.finding, x.i.role, x.i.ticket.primaryKey, new Error(`Jira's bulk transition to '${target}' failed for ${x.row.jiraKey}: ${failed}`));
      return;
    }
    // Not reported either way (deleted, out of sight, or the task ended early): look before the next move.
    c.intendMove(x.row, target);
    c.fail(x.i.finding, x.i.role, x.i.ticket.primaryKey, new Error(`Jira's bulk task ${taskId} did not report ${x.row.jiraKey}; it is looked at next cycle`));
  }

  private async oneByOne(items: readonly Deferred[]): Promise<void> {
    for (const x of items) await this.c.guard(x.i, () => this.closeOne(x.i, x.row));
  }
}

function itemOf(row: TicketRow): BulkTaskItem {
  return { pk: row.pk, key: row.jiraKey as string, id: row.jiraId as string };
}

export interface RecoverDeps {
  job: string;
  bulk?: TicketBulk;
  store: BulkTasks;
  tickets: Pick<Tickets, 'get' | 'put'>;
  counts: CycleCounts;
  log: Logger;
  onStep: StepListener;
  signal?: AbortSignal;
}

/** How long a restart waits for a bulk task left running before it plans without it. */
const RECOVERY_WAIT_MS = 60_000;

/**
 * Before a lane plans: the bulk tasks a killed process left in flight. A task Jira knows
 * is asked for its outcome and each ticket's result recorded (a moved ticket needs no
 * transition now); a submit whose answer was never recorded, or a task Jira no longer
 * knows, leaves its tickets to be looked at before any move.
 */
export async function recoverBulkTasks(d: RecoverDeps): Promise<void> {
  for (const task of d.store.list(d.job)) {
    const outcome = task.taskId && d.bulk ? await d.bulk.outcome(task.taskId, { maxWaitMs: RECOVERY_WAIT_MS, signal: d.signal }) : undefined;
    if (outcome === 'running') {
      d.log.warn('a bulk task of an earlier run is still running in Jira; its tickets are looked at before any move', { task: task.taskId });
      lookFirst(d, task);
      continue;
    }
    if (outcome) record(d, task, outcome);
    else if (task.change.kind === 'move') lookFirst(d, task);
    d.store.done(task.id);
    d.log.info('bulk task of an earlier run recovered', { task: task.taskId ?? '(submit not answered)', tickets: task.items.length, done: outcome?.done.size ?? 0, failed: outcome?.failed.size ?? 0 });
  }
}

function record(d: RecoverDeps, task: BulkTaskRow, outcome: BulkOutcome): void {
  const change = task.change;
  for (const item of task.items) {
    const row = d.tickets.get(d.job, item.pk);
    if (!row || row.jiraId !== item.id) continue;
    if (!outcome.done.has(item.id)) {
      if (change.kind === 'move' && !outcome.failed.has(item.id)) d.tickets.put([{ ...row, fieldHashes: withMemo(row.fieldHashes, MOVING_MEMO, change.target) }]);
      continue;
    }
    if (change.kind === 'labels') {
      const labels = [...row.labels.filter((l) => !change.remove.includes(l)), ...change.add.filter((l) => !row.labels.includes(l))];
      d.tickets.put([{ ...row, labels }]);
      continue;
    }
    // Recorded meanwhile (looked at while the task was still running).
    if (row.state !== 'open') continue;
    const to = change.to ?? { name: change.target, category: 'done' };
    d.tickets.put([{ ...row, jiraStatus: to.name, state: to.category === 'done' ? 'closed' : 'open', fieldHashes: withMemo(row.fieldHashes, MOVING_MEMO, undefined) }]);
    d.counts.transitioned++;
    d.onStep({ op: 'transition', role: row.role, primaryKey: row.primaryKey, key: row.jiraKey as string, to: change.target, reason: `bulk task ${task.taskId as string} of an earlier run` });
  }
}

function lookFirst(d: RecoverDeps, task: BulkTaskRow): void {
  if (task.change.kind !== 'move') return;
  for (const item of task.items) {
    const row = d.tickets.get(d.job, item.pk);
    if (row && row.state === 'open') d.tickets.put([{ ...row, fieldHashes: withMemo(row.fieldHashes, MOVING_MEMO, task.change.target) }]);
  }
}
