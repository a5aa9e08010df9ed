import type { SlaMemo } from '../model/sla.js';
import type { TicketRole } from '../model/ticketRole.js';
import type { Db } from './openState.js';

/** pending = create sent (or about to be) but no key recorded yet; closed-by-user = a person closed it. */
export type TicketState = 'pending' | 'open' | 'closed' | 'closed-by-user';

/** SQL condition and its arguments: the tickets of a job and of its route lanes (`<job>-xxxxxx`, pipeline/lanes.ts). */
export const JOB_AND_LANES = '(job = ? OR job GLOB ?)';
export const jobAndLanes = (job: string): [string, string] => [job, `${job.replace(/[[*?]/g, '[$&]')}-??????`];

/**
 * The job's open tickets, its route lanes' included: the job's and its lanes' counted
 * apart (their names never meet) from the index tickets_open. Asked as one `OR`, SQLite
 * gathers every row id in a set first, as slow as reading the rows.
 */
export function countOpen(db: Db, job: string): number {
  const [own, lanes] = jobAndLanes(job);
  return db
    .prepare<[string, string], number>(
      `SELECT (SELECT COUNT(*) FROM tickets INDEXED BY tickets_open WHERE job = ? AND state = 'open')
            + (SELECT COUNT(*) FROM tickets INDEXED BY tickets_open WHERE job GLOB ? AND state = 'open')`,
    )
    .pluck()
    .get(own, lanes) as number;
}

export interface TicketRow {
  job: string;
  pk: string;
  role: TicketRole;
  primaryKey: string;
  parentPk?: string;
  marker: string;
  state: TicketState;
  jiraKey?: string;
  jiraId?: string;
  jiraStatus?: string;
  linked: boolean;
  fieldHashes: Record<string, string>;
  labels: string[];
  commentHash?: string;
  findingKey?: string;
  /** The scanner status (operation key) we last acted on. */
  lastStatus?: string;
  /** Remediation SLA: its inputs and the due date last written (jobs with an `sla:` policy). */
  sla?: SlaMemo;
}

interface SqlRow {
  job: string;
  pk: string;
  role: TicketRole;
  primary_key: string;
  parent_pk: string | null;
  marker: string;
  state: TicketState;
  jira_key: string | null;
  jira_id: string | null;
  jira_status: string | null;
  linked: number;
  field_hashes: string;
  labels: string;
  comment_hash: string | null;
  finding_key: string | null;
  last_status: string | null;
  sla: string | null;
}

const fromSql = (r: SqlRow): TicketRow => ({
  job: r.job,
  pk: r.pk,
  role: r.role,
  primaryKey: r.primary_key,
  parentPk: r.parent_pk ?? undefined,
  marker: r.marker,
  state: r.state,
  jiraKey: r.jira_key ?? undefined,
  jiraId: r.jira_id ?? undefined,
  jiraStatus: r.jira_status ?? undefined,
  linked: r.linked === 1,
  fieldHashes: JSON.parse(r.field_hashes) as Record<string, string>,
  labels: JSON.parse(r.labels) as string[],
  commentHash: r.comment_hash ?? undefined,
  findingKey: r.finding_key ?? undefined,
  lastStatus: r.last_status ?? undefined,
  ...(r.sla ? { sla: JSON.parse(r.sla) as SlaMemo } : {}),
});

export interface TicketCounts {
  open: number;
  closed: number;
  closedByUser: number;
  pending: number;
}

/** What the pipeline needs of ticket state. */
export interface Tickets {
  get(job: string, pk: string): TicketRow | undefined;
  children(job: string, parentPk: string): TicketRow[];
  put(rows: readonly TicketRow[]): void;
  counts(job: string): TicketCounts;
  /** Whether a ticket of the job has this Jira key. */
  hasKey(job: string, jiraKey: string): boolean;
}

const PUT_SQL = `INSERT INTO tickets (job, pk, role, primary_key, parent_pk, marker, state, jira_key, jira_id, jira_status, linked,
                            field_hashes, labels, comment_hash, finding_key, last_status, sla, created_at, updated_at)
       VALUES (@job, @pk, @role, @primary_key, @parent_pk, @marker, @state, @jira_key, @jira_id, @jira_status, @linked,
               @field_hashes, @labels, @comment_hash, @finding_key, @last_status, @sla, @now, @now)
       ON CONFLICT(job, pk) DO UPDATE SET role = excluded.role, primary_key = excluded.primary_key, parent_pk = excluded.parent_pk,
         marker = excluded.marker, state = excluded.state, jira_key = excluded.jira_key, jira_id = excluded.jira_id,
         jira_status = excluded.jira_status, linked = excluded.linked, field_hashes = excluded.field_hashes,
         labels = excluded.labels, comment_hash = excluded.comment_hash, finding_key = excluded.finding_key,
         last_status = excluded.last_status, sla = excluded.sla, updated_at = excluded.updated_at`;

/**
 * A ticket written again with the same identity (role, Primary Key, parent, marker, finding):
 * only what changes over its life is set. An UPDATE that sets an indexed column rewrites its
 * index entry even when the value is the same, so setting finding_key each time rewrote a
 * page of tickets_finding per ticket written (the intent row, then its key, then each move).
 */
const UPDATE_SQL = `UPDATE tickets SET state = @state, jira_key = @jira_key, jira_id = @jira_id, jira_status = @jira_status, linked = @linked,
         field_hashes = @field_hashes, labels = @labels, comment_hash = @comment_hash, last_status = @last_status, sla = @sla, updated_at = @now
       WHERE job = @job AND pk = @pk AND role = @role AND primary_key = @primary_key AND parent_pk IS @parent_pk AND marker = @marker
         AND finding_key IS @finding_key`;

/**
 * A ticket by its Jira key, from the index tickets_jira_key: by length, then key, so a
 * project's keys, numbered in sequence, are added at the end of their length's run
 * (VULN-10000 after VULN-9999, not between VULN-1000 and VULN-1001, which sent each
 * batch of new keys to pages all over the index). `+job`: the job column takes no part
 * in choosing the index. Left to itself the planner walks every ticket of the job
 * through (job, ...) indexes (seconds at 400,000 tickets); by the Jira key it is one
 * index probe whatever the state holds.
 */
export const HAS_KEY_SQL = `SELECT 1 FROM tickets WHERE length(jira_key) = length(@key) AND jira_key = @key AND +job = @job`;

export class TicketStore implements Tickets {
  private readonly getStmt;
  private readonly childrenStmt;
  private readonly putStmt;
  private readonly updateStmt;
  private readonly hasKeyStmt;

  constructor(private readonly db: Db) {
    // Used once or more per finding per cycle: prepare once.
    this.getStmt = db.prepare(`SELECT * FROM tickets WHERE job = ? AND pk = ?`);
    this.hasKeyStmt = db.prepare(HAS_KEY_SQL);
    this.childrenStmt = db.prepare(`SELECT * FROM tickets WHERE job = ? AND parent_pk = ?`);
    this.putStmt = db.prepare(PUT_SQL);
    this.updateStmt = db.prepare(UPDATE_SQL);
  }

  get(job: string, pk: string): TicketRow | undefined {
    const row = this.getStmt.get(job, pk) as SqlRow | undefined;
    return row ? fromSql(row) : undefined;
  }

  children(job: string, parentPk: string): TicketRow[] {
    return (this.childrenStmt.all(job, parentPk) as SqlRow[]).map(fromSql);
  }

  put(rows: readonly TicketRow[]): void {
    const now = new Date().toISOString();
    const { putStmt, updateStmt } = this;
    this.db.transaction(() => {
      for (const t of rows) {
        const params = {
          job: t.job,
          pk: t.pk,
          role: t.role,
          primary_key: t.primaryKey,
          parent_pk: t.parentPk ?? null,
          marker: t.marker,
          state: t.state,
          jira_key: t.jiraKey ?? null,
          jira_id: t.jiraId ?? null,
          jira_status: t.jiraStatus ?? null,
          linked: t.linked ? 1 : 0,
          field_hashes: JSON.stringify(t.fieldHashes),
          labels: JSON.stringify(t.labels),
          comment_hash: t.commentHash ?? null,
          finding_key: t.findingKey ?? null,
          last_status: t.lastStatus ?? null,
          sla: t.sla ? JSON.stringify(t.sla) : null,
          now,
        };
        if (updateStmt.run(params).changes === 0) putStmt.run(params);
      }
    })();
  }

  /** Tickets of the job we believe open in the sink, in pk order after `afterPk` (a page of at most `limit`). */
  openPage(job: string, afterPk: string, limit: number): TicketRow[] {
    const rows = this.db
      .prepare(`SELECT * FROM tickets WHERE job = ? AND state = 'open' AND jira_key IS NOT NULL AND pk > ? ORDER BY pk LIMIT ?`)
      .all(job, afterPk, limit) as SqlRow[];
    return rows.map(fromSql);
  }

  /** Tickets with an SLA that may still change (open, or closed by a person), in pk order after `afterPk`. */
  slaPage(job: string, afterPk: string, limit: number): TicketRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM tickets WHERE job = ? AND sla IS NOT NULL AND jira_key IS NOT NULL AND state IN ('open', 'closed-by-user') AND pk > ? ORDER BY pk LIMIT ?`,
      )
      .all(job, afterPk, limit) as SqlRow[];
    return rows.map(fromSql);
  }

  /** Due dates of the open tickets of a job (and of its route lanes, `<job>-xxxxxx`) with an SLA. */
  openDueDates(job: string): string[] {
    const rows = this.db
      .prepare(`SELECT sla FROM tickets WHERE ${JOB_AND_LANES} AND state = 'open' AND sla IS NOT NULL`)
      .all(...jobAndLanes(job)) as Array<{ sla: string }>;
    return rows.map((r) => (JSON.parse(r.sla) as SlaMemo).due).filter((d): d is string => !!d);
  }

  hasKey(job: string, jiraKey: string): boolean {
    return this.hasKeyStmt.get({ key: jiraKey, job }) !== undefined;
  }

  /** The Jira key of a finding's ticket (its single or child ticket), if it has one. */
  jiraKeyOfFinding(job: string, findingKey: string): string | undefined {
    const r = this.db.prepare(`SELECT jira_key FROM tickets WHERE job = ? AND finding_key = ? AND jira_key IS NOT NULL LIMIT 1`).get(job, findingKey) as
      | { jira_key: string }
      | undefined;
    return r?.jira_key;
  }

  counts(job: string): TicketCounts {
    const rows = this.db.prepare(`SELECT state, COUNT(*) AS n FROM tickets WHERE job = ? GROUP BY state`).all(job) as Array<{
      state: TicketState;
      n: number;
    }>;
    const by = Object.fromEntries(rows.map((r) => [r.state, r.n])) as Partial<Record<TicketState, number>>;
    return { open: by.open ?? 0, closed: by.closed ?? 0, closedByUser: by['closed-by-user'] ?? 0, pending: by.pending ?? 0 };
  }
}
