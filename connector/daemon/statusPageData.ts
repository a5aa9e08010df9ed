import type { Config } from '../config/loadConfig.js';
import type { StatusPageConfig } from '../config/serverConfig.js';
import { describeError } from '../errors.js';
import { resolveWebhookAuth, webhookAuthenticator } from '../http/webhookAuth.js';
import type { Logger } from '../log.js';
import type { StateSample } from '../metrics.js';
import { readSecret } from '../secrets.js';
import type { StatusPageOptions } from '../server/statusPage/answerStatusPage.js';
import type { JobState, StatusJob, StatusPageData } from '../server/statusPage/statusData.js';
import type { State } from '../state/stateBundle.js';
import { nextRun } from './nextRun.js';

/** The part of the daemon's app the page reads (startDaemon.ts DaemonApp has this shape; not imported, it imports us). */
export interface StatusApp {
  config: Pick<Config, 'jobs'>;
  log: Logger;
  state: Pick<State, 'runs'>;
  broken: ReadonlyArray<{ name: string; error: string }>;
}

/** Runs per job in the history chart: with a 4-hourly schedule, ten days. */
export const HISTORY_RUNS = 60;

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * `server.statusPage` as the listener serves it: `true` without credentials, an object
 * with the credential check of a job's `webhook:` block (http/webhookAuth.ts). A secret
 * that cannot be read leaves the daemon running and the page answering 503.
 */
export function statusPageOptions(app: StatusApp, setting: StatusPageConfig, host: string, read: () => StatusPageData): StatusPageOptions | undefined {
  if (setting === false) return undefined;
  if (setting === true) {
    if (!LOOPBACK.test(host)) {
      app.log.warn('the status page (GET /status) is served without credentials on a non-loopback address; set server.statusPage.basicAuth to require them', { host });
    }
    return { read };
  }
  try {
    const auth = resolveWebhookAuth(setting, (ref, what) => readSecret(ref, what), 'server.statusPage');
    return { authenticate: webhookAuthenticator(auth), authScheme: auth.kind, read };
  } catch (err) {
    const error = describeError(err);
    app.log.error('the status page (GET /status) cannot start: its credentials could not be read; it answers 503 until the daemon restarts with them', { error });
    return { unavailable: error, read };
  }
}

/**
 * What `GET /status` shows: every configured job (state, last and next run, last error,
 * run history from the run log), and the outbox, inbox and SLA counts `/metrics` reads.
 */
export function statusPageData(app: StatusApp, sample: StateSample, isRunning: (job: string) => boolean, now = new Date()): StatusPageData {
  const broken = new Map(app.broken.map((b) => [b.name, b.error]));
  const jobs = app.config.jobs.map((j): StatusJob => {
    const last = app.state.runs.last(j.name);
    const success = app.state.runs.lastSuccess(j.name);
    const cannotStart = j.enabled ? broken.get(j.name) : undefined;
    const next = j.enabled && cannotStart === undefined ? nextRun(j.schedule, j.timezone, now) : null;
    // The last finished run decides the state; a run going on now is shown beside it.
    const finished = last?.result === 'running' ? app.state.runs.recent(j.name, 1)[0] : last;
    const state: JobState = !j.enabled ? 'disabled' : cannotStart !== undefined ? 'cannot start' : ((finished?.result as JobState | undefined) ?? 'never run');
    return {
      name: j.name,
      state,
      schedule: j.schedule,
      running: isRunning(j.name),
      ...(finished
        ? { lastRun: { startedAt: finished.startedAt, result: finished.result, ...(finished.endedAt ? { endedAt: finished.endedAt } : {}), ...(finished.error ? { error: finished.error } : {}) } }
        : {}),
      ...(success ? { lastSuccessAt: success.endedAt ?? success.startedAt } : {}),
      ...(next ? { nextRunAt: next } : {}),
      ...(cannotStart !== undefined ? { cannotStart } : {}),
      history: app.state.runs
        .recent(j.name, HISTORY_RUNS)
        .reverse()
        .map((r) => ({
          at: r.endedAt ?? r.startedAt,
          result: r.result,
          ...(r.counts.openTickets !== undefined ? { openTickets: r.counts.openTickets } : {}),
          ...(r.counts.findings !== undefined ? { findings: r.counts.findings } : {}),
        })),
    };
  });
  return { generatedAt: now.toISOString(), jobs, state: sample };
}
