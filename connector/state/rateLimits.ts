import type { Db } from './openState.js';

/** When a scanner allows a job's next call, as it said in a rate-limited answer. */
export interface RateLimitHold {
  /** ISO time of the next allowed call. */
  until: string;
  /** Who limited us, for messages: `Qualys`. */
  vendor: string;
  host: string;
  /** The rate-limited answer as reported in the failed cycle. */
  error: string;
  recordedAt: string;
}

/**
 * Per job: the time the scanner allows the next call after a rate limit too long to wait
 * out within a cycle. Pulls before then are skipped (runCycle), `status` shows it.
 */
export class RateLimits {
  constructor(private readonly db: Db) {}

  set(job: string, hold: Omit<RateLimitHold, 'recordedAt'>, at: Date = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO rate_limits (job, until, vendor, host, error, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(job) DO UPDATE SET until = excluded.until, vendor = excluded.vendor, host = excluded.host,
           error = excluded.error, recorded_at = excluded.recorded_at`,
      )
      .run(job, hold.until, hold.vendor, hold.host, hold.error, at.toISOString());
  }

  /** The hold of `job` still in force at `now`, if any. */
  active(job: string, now: Date): RateLimitHold | undefined {
    const row = this.db.prepare(`SELECT until, vendor, host, error, recorded_at FROM rate_limits WHERE job = ?`).get(job) as
      | { until: string; vendor: string; host: string; error: string; recorded_at: string }
      | undefined;
    if (!row || !(Date.parse(row.until) > now.getTime())) return undefined;
    return { until: row.until, vendor: row.vendor, host: row.host, error: row.error, recordedAt: row.recorded_at };
  }

  clear(job: string): void {
    this.db.prepare(`DELETE FROM rate_limits WHERE job = ?`).run(job);
  }
}
