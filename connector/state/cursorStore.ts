import type { Db } from './openState.js';

/** Per-job incremental cursors; written only when a cycle completes. */
export class CursorStore {
  constructor(private readonly db: Db) {}

  get(job: string): Record<string, string> {
    const rows = this.db.prepare(`SELECT name, value FROM cursors WHERE job = ?`).all(job) as Array<{ name: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  set(job: string, values: Record<string, string>, at: Date = new Date()): void {
    const stmt = this.db.prepare(
      `INSERT INTO cursors (job, name, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(job, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    for (const [name, value] of Object.entries(values)) stmt.run(job, name, value, at.toISOString());
  }

  clear(job: string): void {
    this.db.prepare(`DELETE FROM cursors WHERE job = ?`).run(job);
  }
}
