import type { AppContext } from '../appContext.js';
import type { PlanStep } from '../../pipeline/planStep.js';
import { runCycle, type CycleProgress, type CycleReport } from '../../pipeline/runCycle.js';
import { describeStep, reportTable } from '../printReport.js';

export interface SyncOptions {
  dryRun: boolean;
  json: boolean;
  /** Where human output goes (stdout); progress goes to stderr. */
  out?: (text: string) => void;
  progress?: boolean;
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
  if (opts.json) {
    out(JSON.stringify({ reports, brokenJobs: app.broken }, null, 2));
  } else {
    out(reportTable(reports));
    for (const b of app.broken) out(`\n${b.name}: not run: ${b.error}`);
  }
  const failed = reports.some((r) => r.result === 'failed') || app.broken.length > 0;
  return { reports, exitCode: failed ? 1 : 0 };
}

/**
 * Progress on stderr: one rewritten line on a terminal; in logs (no TTY) a line per
 * phase, so a long pull still shows it is alive without flooding the log.
 */
export function progressPrinter(tty: boolean = process.stderr.isTTY === true): (p: CycleProgress) => void {
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
