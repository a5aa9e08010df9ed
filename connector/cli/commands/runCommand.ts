import { JobScheduler } from '../../daemon/jobScheduler.js';
import { webhookTargets } from '../../daemon/webhookTargets.js';
import { startHttpServer } from '../../server/httpServer.js';
import { serverConfigSchema } from '../../server/serverConfig.js';
import { describeError } from '../../errors.js';
import { runCycle } from '../../pipeline/runCycle.js';
import type { AppContext } from '../appContext.js';

/**
 * The daemon: one cron schedule per job until SIGTERM/SIGINT, then a graceful stop
 * (running cycles finish or are aborted; an aborted cycle keeps its cursor).
 */
export async function runCommand(app: AppContext, opts: { runNow: boolean }): Promise<number> {
  const { log } = app;
  if (app.jobs.length === 0) {
    log.error('no job can run; fix the errors above');
    return 1;
  }
  const scheduler = new JobScheduler(
    app.jobs.map((rt) => ({
      name: rt.config.name,
      schedule: rt.config.schedule,
      timezone: rt.config.timezone,
      run: async (signal, kind) => {
        const report = await runCycle(rt, app.state, { signal, mode: kind });
        const level = report.result === 'failed' ? 'error' : 'info';
        log.log(level, kind === 'push' ? 'webhook payloads processed' : 'cycle finished', {
          job: report.job,
          result: report.result,
          ...report.counts,
          error: report.error,
          durationSeconds: Math.round(report.durationMs / 100) / 10,
        });
      },
    })),
    log,
  );
  // Check every job's Jira side at startup, so a wrong project or field shows now and not
  // at the first scheduled run; a job that fails here stays scheduled and checks again then.
  await Promise.all(
    app.jobs.map(async (rt) => {
      try {
        await rt.sink.prepare({ project: rt.config.project, schemes: [rt.scheme] });
        rt.prepared = true;
      } catch (err) {
        log.error('job cannot reach a usable Jira yet; it stays scheduled and checks again at its next run', {
          job: rt.config.name,
          error: describeError(err),
        });
      }
    }),
  );
  // The listener takes webhooks only once every job is checked, so a payload that arrives
  // at startup is processed by a prepared job; it is stored and acknowledged regardless.
  const server = await startListener(app, scheduler);
  scheduler.start();
  log.info('vulnbridge daemon started', { jobs: app.jobs.map((j) => j.config.name), stateDir: app.config.stateDir });
  if (opts.runNow) for (const rt of app.jobs) void scheduler.trigger(rt.config.name);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('stopping', { signal });
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      // Stop taking webhooks first: what was acknowledged is stored and is processed next start.
      void (server?.close() ?? Promise.resolve()).then(() => scheduler.stop()).then(resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  app.state.close();
  log.info('stopped');
  return 0;
}

/** The HTTP listener (webhooks, /healthz), when configured or when a job takes webhooks. */
async function startListener(app: AppContext, scheduler: JobScheduler) {
  const wanted = app.config.server ?? (app.jobs.some((j) => j.config.webhook) ? serverConfigSchema.parse({}) : undefined);
  if (!wanted) return undefined;
  const server = await startHttpServer({
    ...wanted,
    log: app.log,
    webhookTarget: webhookTargets(app.jobs, app.state.inbox, (job) => void scheduler.trigger(job, 'push')),
    health: () => ({
      status: 'ok',
      jobs: app.jobs.map((rt) => {
        const last = app.state.runs.last(rt.config.name);
        return { job: rt.config.name, running: scheduler.isRunning(rt.config.name), lastRun: last?.result ?? null, lastRunAt: last?.startedAt ?? null };
      }),
    }),
  });
  app.log.info('listening for webhooks', {
    url: server.url,
    webhooks: app.jobs.filter((j) => j.config.webhook).map((j) => `POST /webhooks/${j.config.source.factory.webhookKind ?? '?'}/${j.config.name}`),
  });
  return server;
}
