import type { Db } from './openState.js';

export interface ReconcileRecord {
  at: string;
  /** Open tickets looked at. */
  checked: number;
  /** Gone from the sink (deleted by hand): created again. */
  deleted: number;
  /** Closed by a person: left closed until the scanner says the finding came back. */
  closedByUser: number;
}

/** When each job last checked its open tickets against the sink, and what it found. */
export class ReconcileLog {
  constructor(private readonly db: Db) {}

  last(job: string): ReconcileRecord | undefined {
    const r = this.db.prepare(`SELECT at, checked, deleted, closed_by_user FROM reconciles WHERE job = ?`).get(job) as
      | { at: string; checked: number; deleted: number; closed_by_user: number }
      | undefined;
    return r ? { at: r.at, checked: r.checked, deleted: r.deleted, closedByUser: r.closed_by_user } : undefined;
  }

  record(job: string, r: ReconcileRecord): void {
    this.db
      .prepare(
        `INSERT INTO reconciles (job, at, checked, deleted, closed_by_user) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(job) DO UPDATE SET at = excluded.at, checked = excluded.checked, deleted = excluded.deleted, closed_by_user = excluded.closed_by_user`,
      )
      .run(job, r.at, r.checked, r.deleted, r.closedByUser);
  }
}
