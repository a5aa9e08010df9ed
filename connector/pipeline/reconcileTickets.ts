import type { Logger } from '../log.js';
import type { TicketSink } from '../sinks/types.js';
import type { ReconcileRecord } from '../state/reconcileLog.js';
import type { State } from '../state/stateBundle.js';
import type { TicketRow } from '../state/ticketStore.js';
import type { JiraLane } from './lanes.js';
import type { StepListener } from './planStep.js';
import { usesSubtasks } from './ticketLane.js';

/** Tickets asked about per call: the sink batches further if it must. */
const PAGE = 100;

export interface ReconcileDeps {
  job: string;
  lanes: readonly JiraLane[];
  sink: TicketSink;
  state: State;
  log: Logger;
  onStep: StepListener;
  signal: AbortSignal;
  now: Date;
}

/** Whether the job's last reconcile is older than `hours` (0: never reconcile). */
export function reconcileDue(state: State, job: string, hours: number, now: Date): boolean {
  if (hours <= 0) return false;
  const last = state.reconciles.last(job);
  return !last || now.getTime() - Date.parse(last.at) >= hours * 3_600_000;
}

/**
 * A ticket deleted or closed by hand while its finding does not change is never written
 * to, so nothing would notice. This asks the sink for the current status of every ticket
 * the state holds open, a page at a time: one a person closed is recorded so (and left
 * closed, as when a write notices it); one that is gone is forgotten, and the job's
 * cursors are cleared so this cycle's pull lists every finding again and the planner
 * creates it anew (after looking for it by marker, as for any pending ticket).
 */
export async function reconcileTickets(d: ReconcileDeps): Promise<ReconcileRecord> {
  const out: ReconcileRecord = { at: d.now.toISOString(), checked: 0, deleted: 0, closedByUser: 0 };
  for (const lane of d.lanes) {
    const subtasks = usesSubtasks(lane.scheme, d.sink, lane.project);
    for (let after = ''; ; ) {
      d.signal.throwIfAborted();
      const rows = d.state.tickets.openPage(lane.ticketJob, after, PAGE);
      if (rows.length === 0) break;
      after = rows.at(-1)?.pk as string;
      const statuses = await d.sink.currentStatuses(rows.map((r) => r.jiraKey as string));
      for (const row of rows) {
        const status = statuses.get(row.jiraKey as string);
        out.checked++;
        if (status === null) {
          forget(d, lane.ticketJob, row, subtasks);
          out.deleted++;
        } else if (status?.category === 'done') {
          d.onStep({ op: 'record', role: row.role, primaryKey: row.primaryKey, key: row.jiraKey as string, note: `closed by a person (${status.name}); left closed until the scanner reports it Re-Opened` });
          d.state.tickets.put([{ ...row, jiraStatus: status.name, state: 'closed-by-user' }]);
          out.closedByUser++;
        }
      }
    }
  }
  if (out.deleted > 0) {
    d.log.warn('tickets were deleted in Jira by hand: this cycle pulls every finding again to create them anew', { deleted: out.deleted });
    d.state.cursors.clear(d.job);
  }
  d.state.reconciles.record(d.job, out);
  d.log.info('reconciled open tickets with Jira', { checked: out.checked, deleted: out.deleted, closedByUser: out.closedByUser });
  return out;
}

/** Gone from the sink: no key, pending, so the next sight of its finding creates it again; its children lose the link (sub-tasks die with it). */
function forget(d: ReconcileDeps, ticketJob: string, row: TicketRow, subtasks: boolean): void {
  d.onStep({ op: 'record', role: row.role, primaryKey: row.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira; created again this cycle' });
  const rows: TicketRow[] = [{ ...row, jiraKey: undefined, jiraId: undefined, linked: false, state: 'pending' }];
  if (row.role === 'parent') {
    for (const child of d.state.tickets.children(ticketJob, row.pk)) {
      rows.push(subtasks ? { ...child, jiraKey: undefined, jiraId: undefined, linked: false, state: 'pending' } : { ...child, linked: false });
    }
  }
  d.state.tickets.put(rows);
}
