import type { Db } from './openState.js';
import { packJson, unpackJson } from './packedJson.js';

/**
 * Reads the data and lookups (JSON, as staged) recorded with a finding's digest in a lane:
 * a finding staged without its data (its own digest unchanged) is planned from them when a
 * lookup or the config changed.
 */
export function recordedData(db: Db): (job: string, fkey: string) => { data: string; lookups: string } | undefined {
  const stmt = db.prepare<[string, string], { data: Buffer | string | null; lookups: string | null }>(`SELECT data, lookups FROM finding_digests WHERE job = ? AND fkey = ?`);
  return (job, fkey) => {
    const row = stmt.get(job, fkey);
    return row?.data == null || row.lookups === null ? undefined : { data: unpackJson(row.data), lookups: row.lookups };
  };
}

/**
 * What each finding's ticket in a lane last depended on (`pipeline/findingDigest.ts`),
 * recorded once the finding's ticket work there succeeded: the next cycle passes over a
 * finding whose digest is the same (Staging.addKnown as it is pulled, Staging.checkedPages
 * after). A finding waiting for a retry (in `pending`) records nothing; a ticket row
 * written or a retry queued later sets the digest to '' (migration 16's triggers).
 * `at` says when it was recorded (for a person reading the state).
 */
export class FindingDigests {
  private readonly upsert;
  private readonly completeStmt;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO finding_digests (job, fkey, digest, at, data, lookups, head)
       SELECT @job, @fkey, @digest, @at, @data, @lookups, @head WHERE NOT EXISTS (SELECT 1 FROM pending WHERE job = @job AND fkey = @fkey)
       ON CONFLICT(job, fkey) DO UPDATE SET digest = excluded.digest, at = excluded.at, data = excluded.data, lookups = excluded.lookups, head = excluded.head`,
    );
    this.completeStmt = db.prepare(
      `UPDATE finding_digests SET digest = @digest, at = @at
       WHERE job = @job AND fkey = @fkey AND NOT EXISTS (SELECT 1 FROM pending WHERE job = @job AND fkey = @fkey)`,
    );
  }

  /**
   * Record the digests of findings whose ticket work in the lane `job` succeeded, with
   * their data (deflated: `packJson`), lookups and head as staged (JSON): a later cycle stages a finding whose own
   * digest is this one without its data, and takes it from here if it must plan it. One transaction.
   */
  record(job: string, entries: ReadonlyArray<{ fkey: string; digest: string; data: string; lookups: string; head: string }>): void {
    if (entries.length === 0) return;
    const at = new Date().toISOString();
    const stmt = this.upsert;
    this.db.transaction(() => {
      for (const e of entries) stmt.run({ job, fkey: e.fkey, digest: e.digest, at, data: packJson(e.data), lookups: e.lookups, head: e.head });
    })();
  }

  /**
   * Set the digests of findings recorded without one (their ticket work went on after
   * their page), now that it is done; not for those that failed meanwhile. One transaction.
   */
  complete(job: string, entries: ReadonlyArray<{ fkey: string; digest: string }>): void {
    if (entries.length === 0) return;
    const at = new Date().toISOString();
    const stmt = this.completeStmt;
    this.db.transaction(() => {
      for (const e of entries) stmt.run({ job, fkey: e.fkey, digest: e.digest, at });
    })();
  }

  /** Forget a job's digests: its next cycle plans every finding (tests; a state repaired by hand). */
  forget(job: string): void {
    this.db.prepare(`DELETE FROM finding_digests WHERE job = ?`).run(job);
  }
}
