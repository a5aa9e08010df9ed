import type { AppContext } from '../appContext.js';
import type { PlanStep } from '../../pipeline/planStep.js';
import { runCycle, type CycleReport } from '../../pipeline/runCycle.js';
import { DEFAULT_PROGRESS_INTERVAL_SECONDS } from '../../pipeline/progressTracker.js';
import { syncProgress, type ProgressStream } from '../syncProgress.js';
import { OutboxDrainer, type DrainResult } from '../../delivery/outboxDrainer.js';
import { deliveryLanes } from '../../delivery/outboxPump.js';
import { describeStep, reportTable } from '../printReport.js';

export interface SyncOptions {
  dryRun: boolean;
  json: boolean;
  /** Where human output goes (stdout); progress goes to `progressStream`. */
  out?: (text: string) => void;
  /** Show progress: a bar when `progressStream` is a terminal, plain lines otherwise. */
  progress?: boolean;
  /** Default stderr. */
  progressStream?: ProgressStream;
  /** How long to keep sending incident events after the cycles (rate limits); the rest waits in the outbox. */
  drainSeconds?: number;
}

/** One cycle of every selected job now; exit code 1 when any job failed. */
export async function syncCommand(app: AppContext, opts: SyncOptions): Promise<{ reports: CycleReport[]; exitCode: number }> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const reports: CycleReport[] = [];
  // A dry run's steps print as they come: they are its progress, and a bar would garble them.
  const showProgress = opts.progress && (opts.json || !opts.dryRun);
  const interval = app.config.log.progressIntervalSeconds ?? DEFAULT_PROGRESS_INTERVAL_SECONDS;
  const progress = showProgress ? syncProgress({ stream: opts.progressStream ?? process.stderr, intervalSeconds: interval }) : undefined;
  for (const rt of app.jobs) {
    const steps: PlanStep[] = [];
    let report: CycleReport;
    try {
      report = await runCycle(rt, app.state, {
        dryRun: opts.dryRun,
        onStep: (s) => {
          if (opts.dryRun && !opts.json) out(`  ${rt.config.name}: ${describeStep(s)}`);
          if (opts.json && opts.dryRun) steps.push(s);
          if (!opts.dryRun) rt.log.debug('step', { ...s });
        },
        ...(progress ? { onProgress: (p) => progress.onProgress(p) } : {}),
      });
    } finally {
      // The bar ends before anything else is printed (the next job's, the report).
      progress?.stop();
    }
    reports.push(opts.json && opts.dryRun ? Object.assign(report, { plan: steps }) : report);
  }
  const delivery = opts.dryRun ? undefined : await deliver(app, opts.drainSeconds ?? 60);
  if (opts.json) {
    out(JSON.stringify({ reports, brokenJobs: app.broken, ...(delivery ? { incidents: delivery } : {}) }, null, 2));
  } else {
    out(reportTable(reports));
    if (delivery) {
      out(
        `\nincident events: ${delivery.sent} sent, ${delivery.waiting} waiting in the outbox` +
          `${delivery.rejected ? `, ${delivery.rejected} rejected (see vulnbridge status)` : ''}` +
          `${delivery.waiting ? ' (the daemon sends them; `vulnbridge status` shows why they wait)' : ''}`,
      );
    }
    for (const b of app.broken) out(`\n${b.name}: not run: ${b.error}`);
  }
  const failed = reports.some((r) => r.result === 'failed') || app.broken.length > 0;
  return { reports, exitCode: failed ? 1 : 0 };
}

/** Send what the cycles queued for incident tools, for at most `seconds` (rate limits); the rest stays queued. */
async function deliver(app: AppContext, seconds: number): Promise<DrainResult | undefined> {
  const lanes = deliveryLanes(app.jobs);
  if (lanes.length === 0) return undefined;
  const drainer = new OutboxDrainer(app.state.outbox, lanes, app.log);
  return drainer.drain({ signal: AbortSignal.timeout(seconds * 1000 + 30_000), deadline: Date.now() + seconds * 1000 });
}
