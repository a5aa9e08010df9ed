import { describeError } from '../../errors.js';
import type { Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import type { IssueStatus, TicketSink } from '../../sinks/types.js';
import type { BulkTasks } from '../../state/bulkTasks.js';
import type { FindingLog } from '../../state/findingLog.js';
import type { PendingFindings, StagedFinding } from '../../state/staging.js';
import type { TicketRow, Tickets } from '../../state/ticketStore.js';
import type { TicketRole, TicketScheme } from '../../templates/types.js';
import type { CycleCounts } from '../cycleCounts.js';
import { isFatalForCycle } from '../../http/failurePolicy.js';
import type { StepListener } from '../planStep.js';
import { MOVING_MEMO, withMemo } from '../plan/memos.js';
import type { FindingIntent, TicketIntent } from '../plan/ticketPlan.js';

/** What the applier writes to: the sink (the network), the state, the counts and the step listener. */
export interface ApplyDeps {
  job: string;
  project: string;
  scheme: TicketScheme;
  /** Children are sub-tasks of their parent (created under it, never linked). */
  subtasks: boolean;
  sink: TicketSink;
  tickets: Tickets;
  findingLog?: FindingLog;
  pending?: PendingFindings;
  /** Findings were waiting for a retry when the cycle began (else no cleanup is needed). */
  hadPending?: boolean;
  counts: CycleCounts;
  log: Logger;
  onStep: StepListener;
  /** Record each finding's scope and data (sources that resolve by absence or take pushes). */
  keepData?: boolean;
  now?: () => Date;
  goneStatus?: string;
  /** How the applier waits before trying a failed bulk create again (tests: no wait). */
  sleep?: Sleep;
  signal?: AbortSignal;
  /** Bulk changes in flight (with a sink that has bulk: closes of flat schemes go in bulk). */
  bulkTasks?: BulkTasks;
}

/** Where one-step closes are gathered for a bulk move (bulkMoves.ts); false: close this one now. */
export interface CloseGatherer {
  defer(i: FindingIntent, row: TicketRow, target: string, reason: string): Promise<boolean>;
}

/**
 * The applier's working memory of one cycle: its own copies of the rows the plan was
 * made from (each change is written through to the state at once), and the findings
 * that failed (recorded once, retried next cycle).
 */
export class ApplyContext {
  private readonly rows = new WeakMap<TicketIntent, TicketRow>();
  private readonly failedKeys = new Set<string>();
  /** Created or found again this cycle: their fields are what we just sent. */
  private readonly freshOnes = new WeakSet<TicketIntent>();
  /** Link schemes whose children hang on their parent by a link (not sub-tasks). */
  readonly links: boolean;
  closer?: CloseGatherer;

  constructor(readonly d: ApplyDeps) {
    this.links = d.scheme.kind === 'linked' && !d.subtasks;
  }

  /** The working row of an intent (a copy of the plan's snapshot, taken on first use). */
  row(i: TicketIntent): TicketRow | undefined {
    const held = this.rows.get(i);
    if (held || !i.row) return held;
    const copy: TicketRow = { ...i.row, fieldHashes: { ...i.row.fieldHashes }, labels: [...i.row.labels] };
    this.rows.set(i, copy);
    return copy;
  }

  setRow(i: TicketIntent, row: TicketRow): TicketRow {
    this.rows.set(i, row);
    return row;
  }

  markFresh(i: TicketIntent): void {
    this.freshOnes.add(i);
  }

  isFresh(i: TicketIntent): boolean {
    return this.freshOnes.has(i);
  }

  keyOf(i: TicketIntent | undefined): string | undefined {
    return i ? this.row(i)?.jiraKey : undefined;
  }

  put(...rows: TicketRow[]): void {
    this.d.tickets.put(rows);
  }

  save(row: TicketRow, state: TicketRow['state']): void {
    row.state = state;
    this.put(row);
  }

  failed(findingKey: string): boolean {
    return this.failedKeys.has(findingKey);
  }

  wasFailed(): ReadonlySet<string> {
    return this.failedKeys;
  }

  fail(finding: StagedFinding, role: TicketRole, primaryKey: string, err: unknown): void {
    if (this.failedKeys.has(finding.key)) return;
    this.failedKeys.add(finding.key);
    const message = describeError(err);
    this.d.counts.failed++;
    this.d.log.warn('ticket work failed for a finding; it is retried next cycle', { finding: finding.key, primaryKey, error: message });
    this.d.onStep({ op: 'fail', role, primaryKey, findingKey: finding.key, error: message });
    this.d.pending?.markFailed(this.d.job, finding, message);
  }

  /** Move a ticket to a workflow status through whichever transition leads there, and record where it landed. */
  async move(who: { role: TicketRole; primaryKey: string }, row: TicketRow, target: string, reason: string): Promise<true> {
    this.intendMove(row, target);
    const { to } = await this.d.sink.transition(row.jiraKey as string, target);
    this.moved(who, row, to, target, reason);
    return true;
  }

  /**
   * One step: move a ticket from where the state last saw it, without reading it first.
   * False when the sink says the move is not valid from where the ticket is: then look.
   */
  async moveKnown(who: { role: TicketRole; primaryKey: string }, row: TicketRow, target: string, reason: string, issueType: string): Promise<boolean> {
    this.intendMove(row, target);
    const to = await this.d.sink.moveFrom(row.jiraKey as string, target, { project: this.d.project, issueType, ...(row.jiraStatus ? { status: row.jiraStatus } : {}) });
    if (!to) return false;
    this.moved(who, row, to, target, reason);
    return true;
  }

  /** Before a status write: remember it, so a crash before its record makes the next cycle look first. */
  intendMove(row: TicketRow, target: string): void {
    row.fieldHashes = withMemo(row.fieldHashes, MOVING_MEMO, target);
    this.put(row);
  }

  /** A move that landed: where, counted and told. */
  moved(who: { role: TicketRole; primaryKey: string }, row: TicketRow, to: IssueStatus, target: string, reason: string): void {
    row.jiraStatus = to.name;
    row.fieldHashes = withMemo(row.fieldHashes, MOVING_MEMO, undefined);
    this.save(row, to.category === 'done' ? 'closed' : 'open');
    this.d.counts.transitioned++;
    this.d.onStep({ op: 'transition', role: who.role, primaryKey: who.primaryKey, key: row.jiraKey as string, to: target, reason });
  }

  /** A welcome move, not a required one: where no transition leads to the status, the ticket stays. */
  async moveIfReachable(who: { role: TicketRole; primaryKey: string }, row: TicketRow, target: string, reason: string): Promise<boolean> {
    const moved = await this.d.sink.transition(row.jiraKey as string, target, { ifReachable: true });
    if (!moved) {
      this.d.onStep({ op: 'record', role: who.role, primaryKey: who.primaryKey, key: row.jiraKey as string, note: `stays ${row.jiraStatus ?? 'open'}: no transition leads to '${target}' from there` });
      return false;
    }
    row.jiraStatus = moved.to.name;
    this.save(row, moved.to.category === 'done' ? 'closed' : 'open');
    this.d.counts.transitioned++;
    this.d.onStep({ op: 'transition', role: who.role, primaryKey: who.primaryKey, key: row.jiraKey as string, to: target, reason });
    return true;
  }

  /** Deleted in Jira by hand: forget the key; an open finding gets a new ticket next cycle. */
  deletedInJira(i: FindingIntent, row: TicketRow): false {
    this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira' });
    Object.assign(row, { jiraKey: undefined, jiraId: undefined, linked: false, state: 'pending' });
    this.put(row);
    if (i.wantOpen) this.d.pending?.markFailed(this.d.job, i.finding, 'ticket was deleted in Jira; recreating');
    return false;
  }

  /** Run one finding's work; a rejection by the sink is recorded and the cycle goes on. */
  async guard(i: FindingIntent | undefined, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      // The host is down or we are not allowed in: stop the cycle, nothing more will work.
      if (isFatalForCycle(err) || !i) throw err;
      const row = this.row(i);
      if ((err as { code?: string }).code === 'TICKET_GONE' && row?.jiraKey) {
        this.deletedInJira(i, row);
        return;
      }
      this.fail(i.finding, i.role, i.ticket.primaryKey, err);
    }
  }
}
