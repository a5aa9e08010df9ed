import type { AppContext } from '../appContext.js';
import type { PlanStep } from '../../pipeline/planStep.js';
import { runCycle, type CycleProgress, type CycleReport } from '../../pipeline/runCycle.js';
import { OutboxDrainer, type DrainResult } from '../../delivery/outboxDrainer.js';
import { deliveryLanes } from '../../delivery/outboxPump.js';
import { describeStep, reportTable } from '../printReport.js';

export interface SyncOptions {
  dryRun: boolean;
  json: boolean;
  /** Where human output goes (stdout); progress goes to stderr. */
  out?: (text: string) => void;
  progress?: boolean;
  /** How long to keep sending incident events after the cycles (rate limits); the rest waits in the outbox. */
  drainSeconds?: number;
}

/** One cycle of every selected job now; exit code 1 when any job failed. */
export async function syncCommand(app: AppContext, opts: SyncOptions): Promise<{ reports: CycleReport[]; exitCode: number }> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const reports: CycleReport[] = [];
  for (const rt of app.jobs) {
    const steps: PlanStep[] = [];
    const report = await runCycle(rt, app.state, {
      dryRun: opts.dryRun,
      onStep: (s) => {
        if (opts.dryRun && !opts.json) out(`  ${rt.config.name}: ${describeStep(s)}`);
        if (opts.json && opts.dryRun) steps.push(s);
        if (!opts.dryRun) rt.log.debug('step', { ...s });
      },
      onProgress: opts.progress ? progressPrinter() : undefined,
    });
    if (opts.progress && process.stderr.isTTY) process.stderr.write('\n');
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

/**
 * Progress on stderr: one rewritten line on a terminal; in logs (no TTY) a line per
 * phase, so a long pull still shows it is alive without flooding the log.
 */
function progressPrinter(tty: boolean = process.stderr.isTTY === true): (p: CycleProgress) => void {
  let last = 0;
  let lastPhase = '';
  return (p) => {
    const now = Date.now();
    const where = p.page ? ` ${p.page}` : '';
    const text = p.phase === 'prepare' ? `${p.job}: checking the ticketing system` : `${p.job}: ${p.phase}${where}: ${p.findings.toLocaleString('en-US')} findings`;
    if (!tty) {
      if (p.phase !== lastPhase || now - last > 10_000) process.stderr.write(`${text}\n`);
      lastPhase = p.phase;
      last = now;
      return;
    }
    if (now - last < 200 && p.phase === lastPhase) return;
    last = now;
    lastPhase = p.phase;
    process.stderr.write(`\r${text}`.padEnd(90));
  };
}
