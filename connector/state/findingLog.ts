import type { Finding, LookupRef, TemplateContext } from '../model/finding.js';
import type { Db } from './openState.js';

export interface FindingRecord {
  fkey: string;
  parentKey: string;
  /** The operationMappings key decided (e.g. `Active/Ignored`). */
  status: string;
  operation: string;
  /** Kept only for sources that resolve by absence or take partial pushes (see keepData). */
  finding?: Finding;
}

/**
 * Every finding we have seen and what we decided for it last (for `status` and audits).
 * For sources that resolve by absence it also keeps each finding's scope and last data:
 * a finding gone from a complete listing is closed with the data it last had, and a
 * partial push is completed from it.
 */
export class FindingLog {
  private readonly upsert;
  private readonly upsertWithData;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO findings (job, fkey, parent_key, status, operation, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(job, fkey) DO UPDATE SET parent_key = excluded.parent_key, status = excluded.status,
         operation = excluded.operation, last_seen = excluded.last_seen`,
    );
    this.upsertWithData = db.prepare(
      `INSERT INTO findings (job, fkey, parent_key, status, operation, first_seen, last_seen, scope, source_status, data, lookups)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(job, fkey) DO UPDATE SET parent_key = excluded.parent_key, status = excluded.status,
         operation = excluded.operation, last_seen = excluded.last_seen, scope = excluded.scope,
         source_status = excluded.source_status, data = excluded.data, lookups = excluded.lookups`,
    );
  }

  record(job: string, rows: readonly FindingRecord[], at: Date = new Date()): void {
    const now = at.toISOString();
    this.db.transaction(() => {
      for (const r of rows) {
        const f = r.finding;
        if (!f) {
          this.upsert.run(job, r.fkey, r.parentKey, r.status, r.operation, now, now);
          continue;
        }
        this.upsertWithData.run(
          job, r.fkey, r.parentKey, r.status, r.operation, now, now,
          f.scope ?? null, f.status, JSON.stringify(f.data), JSON.stringify(f.lookups ?? []),
        );
      }
    })();
  }

  /** The last data of findings, by key (for completing partial pushes). */
  lastData(job: string, fkeys: readonly string[]): Map<string, TemplateContext> {
    const stmt = this.db.prepare(`SELECT data FROM findings WHERE job = ? AND fkey = ? AND data IS NOT NULL`);
    const out = new Map<string, TemplateContext>();
    for (const k of new Set(fkeys)) {
      const row = stmt.get(job, k) as { data: string } | undefined;
      if (row) out.set(k, JSON.parse(row.data) as TemplateContext);
    }
    return out;
  }

  /**
   * Findings of `scope` last seen before `before` whose source status is not already
   * `goneStatus`: the candidates a complete listing of the scope may have dropped. They
   * come back with the gone status (also as `STATUS` in their data, which templates use
   * as operationField) and their last data, read in pages so memory stays flat.
   */
  *lastSeenBefore(job: string, scope: string, before: Date, goneStatus: string, pageSize = 1000): Generator<Finding> {
    const stmt = this.db.prepare(
      `SELECT fkey, parent_key, status, data, lookups FROM findings
       WHERE job = ? AND scope = ? AND last_seen < ? AND data IS NOT NULL AND source_status IS NOT ? AND fkey > ?
       ORDER BY fkey LIMIT ?`,
    );
    let after = '';
    for (;;) {
      const rows = stmt.all(job, scope, before.toISOString(), goneStatus, after, pageSize) as Array<{
        fkey: string;
        parent_key: string;
        status: string;
        data: string;
        lookups: string;
      }>;
      if (rows.length === 0) return;
      after = rows[rows.length - 1].fkey;
      for (const r of rows) {
        const data = JSON.parse(r.data) as TemplateContext;
        data.STATUS = goneStatus;
        yield {
          key: r.fkey,
          parentKey: r.parent_key || undefined,
          scope,
          status: goneStatus,
          // Ignored when last seen: its ticket was closed then; it stays closed.
          ignored: r.status.endsWith('/Ignored'),
          data,
          lookups: JSON.parse(r.lookups) as LookupRef[],
        };
      }
    }
  }

  countsByStatus(job: string): Record<string, number> {
    const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM findings WHERE job = ? GROUP BY status`).all(job) as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
