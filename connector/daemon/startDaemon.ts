import type { Config } from '../config/loadConfig.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { prepareJob, type JobRuntime } from '../pipeline/jobRuntime.js';
import { DEFAULT_PROGRESS_INTERVAL_SECONDS, logProgress } from '../pipeline/progressTracker.js';
import { runCycle, type CycleReport } from '../pipeline/runCycle.js';
import { startHttpServer, type RunningHttpServer } from '../server/httpServer.js';
import { serverConfigSchema } from '../config/serverConfig.js';
import type { State } from '../state/stateBundle.js';
import { JobScheduler, type RunKind, type ScheduleFn } from './jobScheduler.js';
import { webhookTargets } from './webhookTargets.js';
import { deliveryLanes, OutboxPump } from '../delivery/outboxPump.js';
import { createMetrics, type Metrics, type StateSample } from '../metrics.js';
import { observeHttp } from '../http/httpObserver.js';
import { slaCounts } from '../templates/sla/computeSla.js';
import type { HealthReport } from '../server/healthReport.js';
import { statusPageData, statusPageOptions } from './statusPageData.js';

/**
 * What the daemon runs: the opened app (cli/appContext.ts AppContext has this shape).
 * Named here so the daemon does not import the cli above it.
 */
export interface DaemonApp {
  config: Config;
  log: Logger;
  state: State;
  jobs: JobRuntime[];
  /** Jobs that could not be built (bad template, missing secret): reported, the rest go on. */
  broken: Array<{ name: string; error: string }>;
}

export interface Daemon {
  scheduler: JobScheduler;
  /** Delivers incident events in the background, when a job has incident actions. */
  pump?: OutboxPump;
  /** The HTTP listener, when configured or when a job takes webhooks. */
  server?: RunningHttpServer;
  /** The Prometheus registry behind `GET /metrics`. */
  metrics: Metrics;
  /** Stop taking webhooks, then stop the schedules (running cycles get `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface DaemonOptions {
  runNow?: boolean;
  /** Tests tick by hand instead of node-cron. */
  schedule?: ScheduleFn;
  /** Every cycle's report, as it ends (tests, metrics). */
  onCycle?: (report: CycleReport, kind: RunKind) => void;
  /**
   * Aborts the startup (the Jira checks, then the listener): startDaemon then rejects with
   * the signal's reason and leaves nothing running. A SIGTERM during startup uses it.
   */
  signal?: AbortSignal;
}

/**
 * The daemon's parts, started: every job's sink checked, one schedule per job, and the
 * HTTP listener whose webhooks are stored in the inbox and processed by push cycles.
 */
export async function startDaemon(app: DaemonApp, opts: DaemonOptions = {}): Promise<Daemon> {
  const { log } = app;
  const metrics = createMetrics();
  metrics.readStateWith(() => stateSample(app));
  // Vendor HTTP traffic by host (every client reports to http/httpObserver.ts), until stop().
  const unobserve = observeHttp(metrics.http);
  const lanes = deliveryLanes(app.jobs);
  const pump = lanes.length ? new OutboxPump(app.state.outbox, lanes, log) : undefined;
  const scheduler = new JobScheduler(
    app.jobs.map((rt) => ({
      name: rt.config.name,
      schedule: rt.config.schedule,
      timezone: rt.config.timezone,
      run: async (signal, kind) => {
        const onProgress = logProgress(rt.log, app.config.log.progressIntervalSeconds ?? DEFAULT_PROGRESS_INTERVAL_SECONDS);
        const report = await runCycle(rt, app.state, { signal, mode: kind, ...(onProgress ? { onProgress } : {}) });
        if (report.counts.triggered + report.counts.resolved > 0) pump?.kick();
        metrics.recordCycle(report, kind);
        opts.onCycle?.(report, kind);
        // A failed cycle was logged once, with its error, by runCycle: no second line.
        if (report.result === 'failed') return;
        log.info(kind === 'push' ? 'webhook payloads processed' : 'cycle finished', {
          job: report.job,
          result: report.result,
          ...report.counts,
          durationSeconds: Math.round(report.durationMs / 100) / 10,
        });
      },
    })),
    log,
    opts.schedule,
  );
  // Check every job's Jira side at startup, so a wrong project or field shows now and not
  // at the first scheduled run; a job that fails here stays scheduled and checks again then.
  const signal = opts.signal;
  log.info('vulnbridge daemon starting: checking each job’s Jira', { jobs: app.jobs.map((j) => j.config.name) });
  await Promise.all(
    app.jobs.map(async (rt) => {
      try {
        await prepareJob(rt, signal);
      } catch (err) {
        if (signal?.aborted) return;
        log.error('job cannot reach a usable Jira yet; it stays scheduled and checks again at its next run', {
          job: rt.config.name,
          error: describeError(err),
        });
      }
    }),
  );
  let server: RunningHttpServer | undefined;
  try {
    signal?.throwIfAborted();
    server = await startListener(app, scheduler, metrics);
    if (signal?.aborted) {
      await server?.close();
      signal.throwIfAborted();
    }
  } catch (err) {
    unobserve();
    throw err;
  }
  scheduler.start();
  // Events left in the outbox by an earlier run go out first.
  pump?.start();
  log.info('vulnbridge daemon started', { jobs: app.jobs.map((j) => j.config.name), stateDir: app.config.stateDir });
  if (opts.runNow) for (const rt of app.jobs) void scheduler.trigger(rt.config.name);
  // Payloads acknowledged before a restart and not yet processed.
  for (const rt of app.jobs) if (rt.source.webhook && app.state.inbox.any(rt.config.name)) void scheduler.trigger(rt.config.name, 'push');
  return {
    scheduler,
    metrics,
    ...(server ? { server } : {}),
    ...(pump ? { pump } : {}),
    async stop(graceMs) {
      // Stop taking webhooks first: what was acknowledged is stored and processed at the next start.
      await server?.close();
      await scheduler.stop(graceMs);
      await pump?.stop();
      unobserve();
    },
  };
}

async function startListener(app: DaemonApp, scheduler: JobScheduler, metrics: Metrics): Promise<RunningHttpServer | undefined> {
  const wanted = app.config.server ?? (app.jobs.some((j) => j.config.webhook) ? serverConfigSchema.parse({}) : undefined);
  if (!wanted) return undefined;
  const { statusPage, ...listen } = wanted;
  const page = statusPage ? statusPageOptions(app, statusPage, listen.host, () => statusPageData(app, stateSample(app), (job) => scheduler.isRunning(job))) : undefined;
  const server = await startHttpServer({
    ...listen,
    log: app.log,
    webhookTarget: webhookTargets(app.jobs, app.state.inbox, (job) => void scheduler.trigger(job, 'push')),
    health: () => ({
      status: 'ok',
      jobs: app.jobs.map((rt) => {
        const last = app.state.runs.last(rt.config.name);
        return { job: rt.config.name, running: scheduler.isRunning(rt.config.name), lastRun: last?.result ?? null, lastRunAt: last?.startedAt ?? null };
      }),
      // Incident events waiting or set aside, per job and endpoint.
      outbox: app.state.outbox.counts(),
    }),
    ready: () => readiness(app, wanted.readyFailedRuns),
    metrics: () => metrics.render(),
    ...(page ? { statusPage: page } : {}),
  });
  app.log.info('listening for webhooks', {
    url: server.url,
    webhooks: app.jobs.filter((j) => j.config.webhook).map((j) => `POST /webhooks/${j.config.source.factory.webhookKind ?? '?'}/${j.config.name}`),
    ...(page ? { statusPage: `${server.url}/status` } : {}),
  });
  return server;
}

/**
 * `/readyz`: not ready while a job could not start, or its last `failedRuns` runs all
 * failed (a wrong token, a Jira that went away); the body names each such job and why.
 */
export function readiness(app: DaemonApp, failedRuns: number): HealthReport {
  const notReady: Array<{ job: string; reason: string; error?: string }> = app.broken.map((b) => ({ job: b.name, reason: 'could not start', error: b.error }));
  for (const rt of app.jobs) {
    const runs = app.state.runs.recent(rt.config.name, failedRuns);
    if (runs.length === failedRuns && runs.every((r) => r.result === 'failed')) {
      notReady.push({ job: rt.config.name, reason: `its last ${failedRuns} run(s) failed`, ...(runs[0]?.error ? { error: runs[0].error } : {}) });
    }
  }
  return notReady.length ? { status: 'degraded', notReady } : { status: 'ok', jobs: app.jobs.map((rt) => rt.config.name) };
}

/** What the metrics' gauges read at each scrape. */
function stateSample(app: DaemonApp, now = new Date()): StateSample {
  const oldest = app.state.outbox.oldestWaiting();
  return {
    outbox: app.state.outbox.counts().map((o) => {
      const at = oldest.find((x) => x.job === o.job && x.lane === o.lane)?.createdAt;
      return { job: o.job, lane: o.lane, waiting: o.waiting, rejected: o.rejected, ...(at ? { oldestWaitingAt: at } : {}) };
    }),
    inbox: app.state.inbox.counts(),
    sla: app.jobs.filter((rt) => hasSla(rt.config)).map((rt) => ({ job: rt.config.name, ...slaCounts(app.state.tickets.openDueDates(rt.config.name), now) })),
    broken: app.broken.map((b) => b.name),
  };
}

/** As `vulnbridge status` decides it: a job-wide SLA policy or one on a route's Jira action. */
function hasSla(j: Config['jobs'][number]): boolean {
  return !!j.sla || (j.routes ?? []).some((r) => r.actions.some((a) => a !== 'none' && 'jira' in a && !!a.jira.sla));
}
