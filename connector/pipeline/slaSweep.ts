import { describeError } from '../errors.js';
import { isFatalForCycle } from '../http/failurePolicy.js';
import type { Logger } from '../log.js';
import type { TicketSink } from '../sinks/types.js';
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
  for (let after = ''; ; ) {
    d.signal.throwIfAborted();
    const rows = d.tickets.slaPage(d.lane.ticketJob, after, PAGE);
    if (rows.length === 0) break;
    after = rows.at(-1)?.pk as string;
    for (const row of rows) {
      try {
        if (await sweepOne(d, row)) written++;
      } catch (err) {
        // Jira down or our access gone: stop; one ticket refused (deleted by hand): the next cycle's reconcile sees to it.
        if (isFatalForCycle(err)) throw err;
        d.log.warn('SLA update of a ticket failed; retried next cycle', { key: row.jiraKey, error: describeError(err) });
      }
    }
  }
  if (written) d.log.info('SLA due dates and labels brought up to date', { lane: d.lane.id, tickets: written });
  return written;
}

async function sweepOne(d: SlaSweepDeps, row: TicketRow): Promise<boolean> {
  const memo = row.sla;
  if (!memo || row.state === 'closed-by-user') return false;
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
    return false;
  }
  const key = row.jiraKey as string;
  await d.sink.update(key, { fields, addLabels, removeLabels });
  d.counts.updated++;
  d.onStep({ op: 'update', role: row.role, primaryKey: row.primaryKey, key, fields: [...Object.keys(fields), ...(addLabels.length || removeLabels.length ? ['labels'] : [])] });
  const fieldHashes = { ...row.fieldHashes };
  for (const [k, v] of Object.entries(fields)) {
    if (v === null) delete fieldHashes[k];
    else fieldHashes[k] = hashOf(v);
  }
  const { due: _old, ...rest } = memo;
  d.tickets.put([{ ...row, labels, fieldHashes, sla: open ? { ...rest, ...(due ? { due } : {}) } : memo }]);
  return true;
}
