import { selectionTerms, type BoxSelection } from './boxSelection.js';
import type { Db } from './openState.js';

export interface InboxRow {
  id: number;
  job: string;
  receivedAt: string;
  description: string;
  body: string;
  attempts: number;
  error?: string;
}

/** A payload as `vulnbridge inbox list` shows it: its description and size, never its body. */
export interface InboxItem {
  id: number;
  job: string;
  receivedAt: string;
  /** What the intake said of it when it arrived (untrusted scanner text; the caller cleans and cuts it). */
  description: string;
  bytes: number;
  attempts: number;
  /** `set aside`: processing failed MAX_INBOX_ATTEMPTS times; kept, not processed until retried. */
  state: 'waiting' | 'set aside';
  error?: string;
}

/** A payload is set aside after this many failed processing attempts (kept, shown by `status`). */
export const MAX_INBOX_ATTEMPTS = 5;

/**
 * Pushed payloads (webhooks), stored before the sender gets its 2xx and kept until the
 * job's pipeline has turned them into tickets: a crash or a failed cycle loses none.
 */
export class Inbox {
  constructor(private readonly db: Db) {}

  /** Store one payload durably (synchronous commit: the sender is told it is safe). */
  add(job: string, body: string, description: string, receivedAt: Date): number {
    // WAL with synchronous=NORMAL survives a process crash but may lose the last commits
    // on power loss; a payload we acknowledged must survive both.
    this.db.pragma('synchronous = FULL');
    try {
      const r = this.db
        .prepare(`INSERT INTO inbox (job, received_at, description, body) VALUES (?, ?, ?, ?)`)
        .run(job, receivedAt.toISOString(), description, body);
      return Number(r.lastInsertRowid);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Payloads waiting for `job`, oldest first, skipping those set aside. */
  waiting(job: string, limit = 1000): InboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT id, job, received_at, description, body, attempts, error FROM inbox
         WHERE job = ? AND attempts < ? ORDER BY id LIMIT ?`,
      )
      .all(job, MAX_INBOX_ATTEMPTS, limit) as Array<{
      id: number;
      job: string;
      received_at: string;
      description: string;
      body: string;
      attempts: number;
      error: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      job: r.job,
      receivedAt: r.received_at,
      description: r.description,
      body: r.body,
      attempts: r.attempts,
      error: r.error ?? undefined,
    }));
  }

  any(job: string): boolean {
    return this.db.prepare(`SELECT 1 FROM inbox WHERE job = ? AND attempts < ? LIMIT 1`).get(job, MAX_INBOX_ATTEMPTS) !== undefined;
  }

  /** Processed: their findings are ticketed (or recorded as failed findings to retry). */
  done(ids: readonly number[]): void {
    const stmt = this.db.prepare(`DELETE FROM inbox WHERE id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  failed(ids: readonly number[], error: string): void {
    const stmt = this.db.prepare(`UPDATE inbox SET attempts = attempts + 1, error = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(error, id);
    })();
  }

  /** Payloads for `vulnbridge inbox list|retry|drop`, oldest first. */
  select(sel: BoxSelection): InboxItem[] {
    const { where, args } = selectionTerms(sel, 'i');
    const states = sel.states.map((s) => (s === 'set aside' ? 'i.attempts >= ?' : 'i.attempts < ?'));
    where.push(`(${states.join(' OR ') || '0'})`);
    args.push(...states.map(() => MAX_INBOX_ATTEMPTS));
    const rows = this.db
      .prepare(`SELECT i.id, i.job, i.received_at, i.description, length(CAST(i.body AS BLOB)) AS bytes, i.attempts, i.error FROM inbox i WHERE ${where.join(' AND ')} ORDER BY i.id`)
      .all(...args) as Array<{ id: number; job: string; received_at: string; description: string; bytes: number; attempts: number; error: string | null }>;
    return rows.map((r) => ({
      id: r.id,
      job: r.job,
      receivedAt: r.received_at,
      description: r.description,
      bytes: r.bytes,
      attempts: r.attempts,
      state: r.attempts >= MAX_INBOX_ATTEMPTS ? 'set aside' : 'waiting',
      ...(r.error ? { error: r.error } : {}),
    }));
  }

  /**
   * Give set-aside payloads a fresh set of attempts, in one transaction: the job's next
   * cycle (pull or push) takes them like any other payload, through the same exactly-once
   * ticket logic. Only payloads still set aside are touched; returns their ids.
   */
  retrySetAside(ids: readonly number[]): number[] {
    const reset = this.db.prepare(`UPDATE inbox SET attempts = 0, error = NULL WHERE id = ? AND attempts >= ?`);
    return this.db.transaction(() => ids.filter((id) => reset.run(id, MAX_INBOX_ATTEMPTS).changes === 1))();
  }

  /** Delete payloads: set-aside ones, and waiting ones only with `waiting`; returns the ids deleted. */
  drop(ids: readonly number[], opts: { waiting: boolean }): number[] {
    const del = this.db.prepare(`DELETE FROM inbox WHERE id = ? AND (attempts >= ? OR ?)`);
    return this.db.transaction(() => ids.filter((id) => del.run(id, MAX_INBOX_ATTEMPTS, opts.waiting ? 1 : 0).changes === 1))();
  }

  /** Waiting and set-aside counts per job, for `status`. */
  counts(): Array<{ job: string; waiting: number; setAside: number; lastError?: string }> {
    const rows = this.db
      .prepare(
        `SELECT job, SUM(attempts < ?) AS waiting, SUM(attempts >= ?) AS set_aside,
           (SELECT error FROM inbox i2 WHERE i2.job = inbox.job AND error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error
         FROM inbox GROUP BY job ORDER BY job`,
      )
      .all(MAX_INBOX_ATTEMPTS, MAX_INBOX_ATTEMPTS) as Array<{ job: string; waiting: number; set_aside: number; last_error: string | null }>;
    return rows.map((r) => ({ job: r.job, waiting: r.waiting, setAside: r.set_aside, lastError: r.last_error ?? undefined }));
  }
}
