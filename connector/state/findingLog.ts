import type { Db } from './openState.js';

export interface FindingRecord {
  fkey: string;
  parentKey: string;
  status: string;
  operation: string;
}

/** Every finding we have seen and what we decided for it last (for `status` and audits). */
export class FindingLog {
  private readonly upsert;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO findings (job, fkey, parent_key, status, operation, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(job, fkey) DO UPDATE SET parent_key = excluded.parent_key, status = excluded.status,
         operation = excluded.operation, last_seen = excluded.last_seen`,
    );
  }

  record(job: string, rows: readonly FindingRecord[], at: Date = new Date()): void {
    const now = at.toISOString();
    const stmt = this.upsert;
    this.db.transaction(() => {
      for (const r of rows) stmt.run(job, r.fkey, r.parentKey, r.status, r.operation, now, now);
    })();
  }

  countsByStatus(job: string): Record<string, number> {
    const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM findings WHERE job = ? GROUP BY status`).all(job) as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
