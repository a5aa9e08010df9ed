import { describeError } from '../errors.js';
import { isFatalForCycle } from '../http/failurePolicy.js';
import type { Logger } from '../log.js';
import type { TicketBulk, TicketSink } from '../sinks/types.js';
import type { BulkTasks } from '../state/bulkTasks.js';
import type { Tickets, TicketStore, TicketRow } from '../state/ticketStore.js';
import { computeSla } from '../templates/sla/computeSla.js';
import type { LaneSla } from '../templates/sla/laneSla.js';
import { withSlaLabels } from '../templates/sla/laneSla.js';
import type { CycleCounts } from './cycleCounts.js';
import type { JiraLane } from './lanes.js';
import { hashOf } from './markers.js';
import type { StepListener } from './planStep.js';

const PAGE = 200;

export interface SlaSweepDeps {
  lane: JiraLane;
  sla: LaneSla;
  sink: TicketSink;
  tickets: Pick<TicketStore, 'slaPage'> & Pick<Tickets, 'put'>;
  counts: CycleCounts;
  log: Logger;
  onStep: StepListener;
  signal: AbortSignal;
  /** Bulk changes in flight: with a sink that has bulk, a label change shared by many tickets goes in bulk. */
  bulkTasks?: BulkTasks;
}

/**
 * The SLA of every ticket the state holds, recomputed from what its row keeps (no pull):
 * an open ticket past its due date gets the breach label within one cycle of the date
 * passing even when the scanner says nothing new; a policy or KEV change re-dates the
 * tickets it touches (only a changed due date is written). A ticket a person closed is left
 * alone, as everywhere else: met and missed say what vulnbridge saw the scanner fix, so
 * docs/jql.md tells a person's close by their absence. Tickets this cycle's findings
 * touched are already right: nothing to do.
 */
export async function sweepSla(d: SlaSweepDeps): Promise<number> {
  let written = 0;
  const bulk = d.bulkTasks ? d.sink.bulk?.() : undefined;
  const batches = bulk && d.bulkTasks ? new LabelBatches(d, bulk, d.bulkTasks) : undefined;
  for (let after = ''; ; ) {
    d.signal.throwIfAborted();
    const rows = d.tickets.slaPage(d.lane.ticketJob, after, PAGE);
    if (rows.length === 0) break;
    after = rows.at(-1)?.pk as string;
    for (const row of rows) {
      const change = slaChange(d, row);
      if (!change) continue;
      // Label-only changes shared by many tickets (a breach day) go in bulk where the sink can.
      if (batches && change.bulkable && row.jiraId) {
        written += await batches.add(row, change);
        continue;
      }
      if (await writeGuarded(d, row, change)) written++;
    }
  }
  if (batches) written += await batches.flush();
  if (written) d.log.info('SLA due dates and labels brought up to date', { lane: d.lane.id, tickets: written });
  return written;
}

interface SlaChange {
  fields: Record<string, unknown>;
  addLabels: string[];
  removeLabels: string[];
  labels: string[];
  sla: NonNullable<TicketRow['sla']>;
  /** Only labels, and only added or only removed: one bulk edit can make it. */
  bulkable: boolean;
}

/** What a ticket's SLA needs written now; undefined when nothing (a changed due date of a template-mapped field is only remembered). */
function slaChange(d: SlaSweepDeps, row: TicketRow): SlaChange | undefined {
  const memo = row.sla;
  if (!memo || row.state === 'closed-by-user') return undefined;
  const result = computeSla(memo.inputs, d.sla.policy, d.sla.kevOf, d.sla.now);
  const open = row.state === 'open';
  const labels = withSlaLabels(row.labels, result, d.sla, { open, held: row.labels });
  const addLabels = labels.filter((l) => !row.labels.includes(l));
  const removeLabels = row.labels.filter((l) => !labels.includes(l));
  const due = result?.dueDate;
  const fields: Record<string, unknown> = {};
  // A template that maps the due date to a field of its own re-dates it when its finding is next rendered.
  if (open && due !== memo.due && d.lane.scheme.dueDateField === undefined) {
    const now = d.sink.dueDateFields?.(d.lane.project, due ?? memo.due ?? '') ?? {};
    for (const [k, v] of Object.entries(now)) fields[k] = due ? v : null;
  }
  if (addLabels.length === 0 && removeLabels.length === 0 && Object.keys(fields).length === 0) {
    if (open && due !== memo.due) d.tickets.put([{ ...row, sla: { ...memo, ...(due ? { due } : {}) } }]);
    return undefined;
  }
  const { due: _old, ...rest } = memo;
  const sla = open ? { ...rest, ...(due ? { due } : {}) } : memo;
  const bulkable = Object.keys(fields).length === 0 && (addLabels.length > 0) !== (removeLabels.length > 0);
  return { fields, addLabels, removeLabels, labels, sla, bulkable };
}

/** One ticket's SLA change, one call; a refusal of this ticket is logged and retried next cycle. */
async function writeGuarded(d: SlaSweepDeps, row: TicketRow, change: SlaChange): Promise<boolean> {
  try {
    await writeOne(d, row, change);
    return true;
  } catch (err) {
    // Jira down or our access gone: stop; one ticket refused (deleted by hand): the next cycle's reconcile sees to it.
    if (isFatalForCycle(err)) throw err;
    d.log.warn('SLA update of a ticket failed; retried next cycle', { key: row.jiraKey, error: describeError(err) });
    return false;
  }
}

async function writeOne(d: SlaSweepDeps, row: TicketRow, change: SlaChange): Promise<void> {
  const { fields, addLabels, removeLabels } = change;
  const key = row.jiraKey as string;
  await d.sink.update(key, { fields, addLabels, removeLabels });
  recordOne(d, row, change);
}

function recordOne(d: SlaSweepDeps, row: TicketRow, change: SlaChange, via?: string): void {
  const { fields, addLabels, removeLabels, labels, sla } = change;
  d.counts.updated++;
  d.onStep({ op: 'update', role: row.role, primaryKey: row.primaryKey, key: row.jiraKey as string, fields: [...Object.keys(fields), ...(addLabels.length || removeLabels.length ? [via ? `labels (${via})` : 'labels'] : [])] });
  const fieldHashes = { ...row.fieldHashes };
  for (const [k, v] of Object.entries(fields)) {
    if (v === null) delete fieldHashes[k];
    else fieldHashes[k] = hashOf(v);
  }
  d.tickets.put([{ ...row, labels, fieldHashes, sla }]);
}

/**
 * The sweep's label-only changes, grouped by change: a group of at least the sink's
 * threshold goes in bulk edits of up to its limit (the intent recorded before each submit,
 * its task id when Jira answers, as bulk closes do); smaller groups, or all when bulk is
 * not allowed, one ticket per call.
 */
class LabelBatches {
  private readonly groups = new Map<string, Array<{ row: TicketRow; change: SlaChange }>>();

  constructor(
    private readonly d: SlaSweepDeps,
    private readonly bulk: TicketBulk,
    private readonly store: BulkTasks,
  ) {}

  async add(row: TicketRow, change: SlaChange): Promise<number> {
    const key = JSON.stringify([change.addLabels, change.removeLabels]);
    const g = this.groups.get(key) ?? [];
    this.groups.set(key, g);
    g.push({ row, change });
    if (g.length < this.bulk.limit) return 0;
    this.groups.delete(key);
    return this.run(g);
  }

  async flush(): Promise<number> {
    let n = 0;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const g of groups) n += await this.run(g);
    return n;
  }

  private async run(g: Array<{ row: TicketRow; change: SlaChange }>): Promise<number> {
    const { d } = this;
    const first = g[0]?.change as SlaChange;
    if (g.length < this.bulk.threshold || !(await this.bulk.available())) return this.oneByOne(g);
    const change = { add: first.addLabels, remove: first.removeLabels };
    const intent = this.store.intend(d.lane.ticketJob, { kind: 'labels', ...change }, g.map(({ row }) => ({ pk: row.pk, key: row.jiraKey as string, id: row.jiraId as string })));
    let submitted;
    try {
      submitted = await this.bulk.submitLabels(g.map(({ row }) => ({ key: row.jiraKey as string, id: row.jiraId as string })), change);
    } catch (err) {
      if (isFatalForCycle(err)) throw err;
      // Adding or removing a label twice changes nothing: each ticket on its own.
      d.log.warn('a bulk label edit failed; its tickets are updated one by one', { tickets: g.length, error: describeError(err) });
      this.store.done(intent);
      return this.oneByOne(g);
    }
    if (!submitted) {
      this.store.done(intent);
      return this.oneByOne(g);
    }
    this.store.submitted(intent, submitted.taskId);
    const outcome = await this.bulk.outcome(submitted.taskId, { signal: d.signal });
    // Still running: the next cycle records its outcome (recoverBulkTasks) before the sweep looks again.
    if (outcome === 'running') return 0;
    let n = 0;
    for (const { row, change: c } of g) {
      const id = row.jiraId as string;
      if (outcome?.done.has(id)) {
        recordOne(d, row, c, `bulk task ${submitted.taskId}`);
        n++;
      } else {
        const why = outcome?.failed.get(id) ?? 'not reported by the task';
        d.log.warn('SLA label update of a ticket failed in a bulk edit; retried next cycle', { key: row.jiraKey, task: submitted.taskId, error: why });
      }
    }
    this.store.done(intent);
    return n;
  }

  private async oneByOne(g: ReadonlyArray<{ row: TicketRow; change: SlaChange }>): Promise<number> {
    let n = 0;
    for (const { row, change } of g) if (await writeGuarded(this.d, row, change)) n++;
    return n;
  }
}
