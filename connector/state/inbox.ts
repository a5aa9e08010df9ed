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
