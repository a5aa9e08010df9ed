import cron from 'node-cron';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';

/** `pull`: the scheduled cycle. `push`: process pushed payloads (webhooks) now. */
export type RunKind = 'pull' | 'push';

export interface ScheduledJob {
  name: string;
  schedule: string;
  timezone?: string;
  /** One cycle; must honour the signal. */
  run(signal: AbortSignal, kind: RunKind): Promise<void>;
}

/** The part of node-cron we use, injectable so tests tick by hand instead of waiting. */
export type ScheduleFn = (expression: string, tick: () => void, opts: { name: string; timezone?: string }) => { stop(): void | Promise<void> };

const nodeCronSchedule: ScheduleFn = (expression, tick, opts) =>
  cron.schedule(expression, tick, { name: opts.name, timezone: opts.timezone, noOverlap: true });

/**
 * One cron schedule per job. A job never runs twice at once: a tick while its pull runs
 * is skipped and logged; a push (webhook) or a tick arriving while another kind of run
 * is going is queued and runs right after it (many pushes become one run). One job
 * failing never stops the others; `stop()` stops the schedules, asks running cycles to
 * abort and waits for them (graceful, then forceful).
 */
export class JobScheduler {
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController; kind: RunKind }>();
  /** Runs asked for while the job was busy; a queued pull also takes the pushed payloads. */
  private readonly queued = new Map<string, RunKind>();
  private readonly tasks: Array<{ stop(): void | Promise<void> }> = [];
  private stopping = false;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly log: Logger,
    private readonly schedule: ScheduleFn = nodeCronSchedule,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(this.schedule(job.schedule, () => void this.trigger(job.name), { name: job.name, timezone: job.timezone }));
      this.log.info('job scheduled', { job: job.name, schedule: job.schedule });
    }
  }

  /**
   * Run a job now unless it is already running; resolves when that run ends (a queued
   * run: when the run ahead of it ends).
   */
  trigger(name: string, kind: RunKind = 'pull'): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job || this.stopping) return Promise.resolve();
    const current = this.running.get(name);
    if (current) {
      if (kind === 'pull' && current.kind === 'pull') {
        this.log.info('job is still running; this tick is skipped', { job: name });
      } else if (this.queued.get(name) !== 'pull') {
        this.queued.set(name, kind);
      }
      return current.promise;
    }
    const abort = new AbortController();
    const promise = job
      .run(abort.signal, kind)
      .catch((err: unknown) => {
        this.log.error('job run failed', { job: name, kind, error: describeError(err) });
      })
      .finally(() => {
        this.running.delete(name);
        const next = this.queued.get(name);
        this.queued.delete(name);
        if (next) void this.trigger(name, next);
      });
    this.running.set(name, { promise, abort, kind });
    return promise;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    await Promise.all(this.tasks.map((t) => t.stop()));
    if (this.running.size === 0) return;
    this.log.info('waiting for running jobs to finish', { jobs: [...this.running.keys()], graceSeconds: graceMs / 1000 });
    const all = Promise.all([...this.running.values()].map((r) => r.promise));
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([all.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    clearTimeout(timer);
    if (graceful) return;
    this.log.warn('jobs did not finish in time; aborting them (their cursors stay where they were)');
    for (const r of this.running.values()) r.abort.abort(new Error('daemon stopping'));
    await all;
  }
}
