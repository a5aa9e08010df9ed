import type { Db } from './openState.js';
import { countOpen } from './ticketStore.js';

export type RunResult = 'running' | 'ok' | 'partial' | 'failed';

export interface RunRecord {
  id: number;
  job: string;
  startedAt: string;
  endedAt?: string;
  result: RunResult;
  counts: Record<string, number>;
  error?: string;
}

interface RunRow {
  id: number;
  job: string;
  started_at: string;
  ended_at: string | null;
  result: RunResult;
  counts: string;
  error: string | null;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: r.id,
  job: r.job,
  startedAt: r.started_at,
  endedAt: r.ended_at ?? undefined,
  result: r.result,
  counts: JSON.parse(r.counts) as Record<string, number>,
  error: r.error ?? undefined,
});

/** Every cycle, recorded: start, end, result, counts, error. */
export class RunLog {
  constructor(private readonly db: Db) {}

  start(job: string, at: Date): number {
    // A run left `running` by a crash is closed as failed so `status` tells the truth.
    this.db
      .prepare(`UPDATE runs SET result = 'failed', ended_at = ?, error = 'interrupted (process stopped during the run)' WHERE job = ? AND result = 'running'`)
      .run(at.toISOString(), job);
    const info = this.db.prepare(`INSERT INTO runs (job, started_at, result) VALUES (?, ?, 'running')`).run(job, at.toISOString());
    return Number(info.lastInsertRowid);
  }

  /**
   * Ends a run. Its counts also get `openTickets`: the job's open tickets (its route lanes'
   * included) as the run ended, so the run history charts them (`GET /status`).
   */
  finish(id: number, result: Exclude<RunResult, 'running'>, counts: Record<string, number>, error?: string, at: Date = new Date()): void {
    const run = this.db.prepare(`SELECT job FROM runs WHERE id = ?`).get(id) as { job: string } | undefined;
    const open = run ? countOpen(this.db, run.job) : 0;
    this.db
      .prepare(`UPDATE runs SET ended_at = ?, result = ?, counts = ?, error = ? WHERE id = ?`)
      .run(at.toISOString(), result, JSON.stringify({ ...counts, openTickets: open }), error ?? null, id);
  }

  last(job: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE job = ? ORDER BY id DESC LIMIT 1`).get(job) as RunRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The job's latest finished runs, newest first (readiness: did the last N fail?). */
  recent(job: string, limit: number): RunRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE job = ? AND result != 'running' ORDER BY id DESC LIMIT ?`)
      .all(job, limit) as RunRow[];
    return rows.map(toRecord);
  }

  /** The last run that ended ok. */
  lastSuccess(job: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE job = ? AND result = 'ok' ORDER BY id DESC LIMIT 1`).get(job) as RunRow | undefined;
    return row ? toRecord(row) : undefined;
  }
}
