import type { StateSample } from '../../metrics.js';

/**
 * What `GET /status` shows, as plain values: the daemon gathers it (daemon/statusPageData.ts),
 * the page only renders it. Every string in it may come from a scanner, Jira or the
 * config, and is escaped when rendered.
 */
export interface StatusPageData {
  /** When it was read (ISO); relative times on the page count from it. */
  generatedAt: string;
  /** Every configured job, in config order. */
  jobs: StatusJob[];
  /** The outbox, inbox and SLA counts, as `/metrics` reads them. */
  state: StateSample;
}

/** How a job stands: its last run's result, or why it does not run. */
export type JobState = 'ok' | 'partial' | 'failed' | 'never run' | 'cannot start' | 'disabled';

export interface StatusJob {
  name: string;
  state: JobState;
  schedule: string;
  /** A cycle of it is running now. */
  running: boolean;
  lastRun?: { startedAt: string; endedAt?: string; result: string; error?: string };
  /** End of the last run that ended ok. */
  lastSuccessAt?: string;
  nextRunAt?: string;
  /** Why the job could not start (template, secrets), as the daemon reported it at start. */
  cannotStart?: string;
  /** Finished runs, oldest first (the newest ones, a bounded number). */
  history: RunPoint[];
}

/** One finished run in the history chart. */
export interface RunPoint {
  /** When it ended (ISO). */
  at: string;
  result: string;
  /** Open tickets as the run ended (runs recorded before it was counted have none). */
  openTickets?: number;
  /** Findings pulled from the scanner or received by webhook in the run. */
  findings?: number;
}
