import type { Config } from '../../config/loadConfig.js';
import { nextRun } from '../../daemon/nextRun.js';
import { describeError } from '../../errors.js';
import { silentLogger } from '../../log.js';
import { buildJob } from '../../pipeline/jobRuntime.js';
import { openStateBundle } from '../../state/stateBundle.js';
import { slaCounts } from '../../templates/sla/computeSla.js';
import { table } from '../printReport.js';

/** Exit codes, for cron and monitoring agents (README's command table). */
export const STATUS_EXIT = { ok: 0, lastRunFailed: 1, cannotStart: 2 } as const;

/**
 * Per job: last run, result, counts, open tickets, cursor, a scanner's rate limit in force, findings waiting for a retry.
 * Exit 2 when an enabled job cannot start (its template or secrets fail to build), else 1 when an enabled job's last run failed.
 */
export function statusCommand(config: Config, opts: { json: boolean; wide?: boolean; out?: (t: string) => void; now?: () => Date }): number {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const now = (opts.now ?? (() => new Date()))();
  const state = openStateBundle(config.stateDir);
  try {
    const inbox = new Map(state.inbox.counts().map((c) => [c.job, c]));
    const outbox = state.outbox.counts();
    const jobs = config.jobs.map((j) => {
      const last = state.runs.last(j.name);
      const pushed = inbox.get(j.name);
      const held = state.rateLimits.active(j.name, now);
      const success = state.runs.lastSuccess(j.name);
      return {
        job: j.name,
        enabled: j.enabled,
        schedule: j.schedule,
        /** Why the job cannot start (template or secrets), as the daemon would report it; null when it builds. */
        cannotStart: j.enabled ? buildError(j) : null,
        lastSuccess: success ? (success.endedAt ?? success.startedAt) : null,
        nextRun: j.enabled ? nextRun(j.schedule, j.timezone, now) : null,
        lastRun: last ? { started: last.startedAt, ended: last.endedAt, result: last.result, counts: last.counts, error: last.error } : null,
        tickets: state.tickets.counts(j.name),
        cursor: state.cursors.get(j.name),
        /** When the scanner allows this job's next call (its pulls wait until then); null when not rate-limited. */
        rateLimitedUntil: held ? held.until : null,
        rateLimit: held ? { until: held.until, vendor: held.vendor, host: held.host, error: held.error } : null,
        retrying: state.pending.list(j.name),
        reconcile: state.reconciles.last(j.name) ?? null,
        /** Open tickets with a due date, due within 7 days, past it; null for a job without an SLA policy. */
        sla: hasSla(j) ? slaCounts(state.tickets.openDueDates(j.name), now) : null,
        findings: state.findings.countsByStatus(j.name),
        webhooks: { waiting: pushed?.waiting ?? 0, setAside: pushed?.setAside ?? 0, lastError: pushed?.lastError ?? null },
        incidents: {
          openAlerts: state.outbox.openAlerts(j.name),
          outbox: outbox.filter((o) => o.job === j.name).map(({ job: _job, ...rest }) => rest),
        },
      };
    });
    const enabled = jobs.filter((j) => j.enabled);
    const exitCode = enabled.some((j) => j.cannotStart)
      ? STATUS_EXIT.cannotStart
      : enabled.some((j) => j.lastRun?.result === 'failed')
        ? STATUS_EXIT.lastRunFailed
        : STATUS_EXIT.ok;
    if (opts.json) {
      out(JSON.stringify({ stateDir: config.stateDir, exitCode, jobs }, null, 2));
      return exitCode;
    }
    if (!opts.wide) {
      out(compactView(jobs));
      return exitCode;
    }
    out(
      table(
        ['job', 'last run', 'result', 'created', 'updated', 'transitioned', 'open', 'closed', 'closed by user', 'retrying', 'webhooks waiting', 'cursor'],
        jobs.map((j) => [
          j.job,
          j.lastRun?.started ?? 'never',
          j.lastRun?.result ?? '-',
          String(j.lastRun?.counts.created ?? 0),
          String(j.lastRun?.counts.updated ?? 0),
          String(j.lastRun?.counts.transitioned ?? 0),
          String(j.tickets.open),
          String(j.tickets.closed),
          String(j.tickets.closedByUser),
          String(j.retrying.length),
          String(j.webhooks.waiting),
          Object.entries(j.cursor).map(([k, v]) => `${k}=${v}`).join(' ') || '(none: next run pulls everything)',
        ]),
      ),
    );
    for (const j of jobs) {
      if (j.rateLimit) out(`\n${j.job}: rate-limited until ${j.rateLimit.until} (${j.rateLimit.vendor} ${j.rateLimit.host}): this job's pulls wait until then`);
      if (j.lastRun?.error) out(`\n${j.job}: last error: ${j.lastRun.error}`);
      if (j.reconcile) {
        const r = j.reconcile;
        out(`${j.job}: open tickets checked against Jira at ${r.at}: ${r.checked} checked, ${r.deleted} deleted by hand (created again), ${r.closedByUser} closed by a person`);
      }
      if (j.sla) out(`${j.job}: SLA: ${j.sla.open} open with a due date, ${j.sla.dueSoon} due within 7 days, ${j.sla.breached} breached`);
      for (const r of j.retrying.slice(0, 10)) out(`${j.job}: retrying ${r.fkey} (${r.attempts}x): ${r.error}`);
      for (const a of j.incidents.openAlerts) out(`${j.job}: ${a.open} open alert(s) via ${a.lane}`);
      for (const o of j.incidents.outbox) {
        out(`${j.job}: outbox ${o.lane}: ${o.waiting} event(s) waiting${o.rejected ? `, ${o.rejected} rejected (vulnbridge outbox list)` : ''}${o.lastError ? `; last error: ${o.lastError}` : ''}`);
      }
      if (j.webhooks.setAside > 0) {
        out(`${j.job}: ${j.webhooks.setAside} webhook payload(s) set aside after repeated failures (vulnbridge inbox list): ${j.webhooks.lastError ?? ''}`);
      }
      if (j.cannotStart) out(`${j.job}: cannot start: ${j.cannotStart}`);
    }
    return exitCode;
  } finally {
    state.close();
  }
}

function hasSla(j: Config['jobs'][number]): boolean {
  return !!j.sla || (j.routes ?? []).some((r) => r.actions.some((a) => a !== 'none' && 'jira' in a && !!a.jira.sla));
}

const WIDTH = 100;

/** One line per job, at most 100 columns: state, last success, next run, last error (cut to fit). */
function compactView(
  jobs: Array<{ job: string; enabled: boolean; cannotStart: string | null; lastSuccess: string | null; nextRun: string | null; lastRun: { result: string; error?: string } | null }>,
): string {
  const name = Math.min(18, Math.max(3, ...jobs.map((j) => j.job.length)));
  const time = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
  const cut = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
  const row = (cells: string[]) => {
    const [job, state, ok, next, error] = cells as [string, string, string, string, string];
    const head = `${cut(job, name).padEnd(name)}  ${state.padEnd(13)}  ${ok.padEnd(16)}  ${next.padEnd(16)}  `;
    return `${head}${cut(error, WIDTH - head.length)}`.trimEnd();
  };
  const lines = [row(['job', 'state', 'last success', 'next run (UTC)', 'last error'])];
  for (const j of jobs) {
    const state = !j.enabled ? 'disabled' : j.cannotStart ? 'cannot start' : (j.lastRun?.result ?? 'never run');
    const error = (j.cannotStart ?? j.lastRun?.error ?? '').replace(/\s+/g, ' ');
    lines.push(row([j.job, state, time(j.lastSuccess), time(j.nextRun), error]));
  }
  lines.push('(--wide for counts, tickets and cursors, --json for everything)');
  return lines.join('\n');
}

function buildError(job: Config['jobs'][number]): string | null {
  try {
    buildJob(job, silentLogger());
    return null;
  } catch (err) {
    return describeError(err);
  }
}
