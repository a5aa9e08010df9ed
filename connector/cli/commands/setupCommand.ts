import type { Config } from '../../config/loadConfig.js';
import { ConfigError, describeError } from '../../errors.js';
import { silentLogger } from '../../log.js';
import { buildJob, schemesByProject } from '../../pipeline/jobRuntime.js';
import type { SetupItem, SetupReport } from '../../sinks/types.js';

export interface SetupOptions {
  job?: string;
  apply: boolean;
  json?: boolean;
  out?: (t: string) => void;
}

const HEADINGS: Record<SetupItem['kind'], string> = {
  field: 'custom fields Jira lacks',
  option: 'select options missing',
  screen: 'fields missing from the project\'s create/edit screens',
};

/**
 * `vulnbridge setup [--job NAME] [--apply]`: for each job's Jira project and issue types,
 * the custom fields its templates fill that Jira lacks (with the kind inferred from the
 * template), their select options and the screens they are missing from; `--apply`
 * creates them. A dry run by default. Exit 1 when something is left for a person to do
 * (no permission, an --apply that could not do everything, a field of another kind).
 */
export async function setupCommand(config: Config, opts: SetupOptions): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const jobs = opts.job ? config.jobs.filter((j) => j.name === opts.job) : config.jobs.filter((j) => j.enabled);
  if (opts.job && jobs.length === 0) {
    throw new ConfigError('CONFIG_INVALID', `no job named "${opts.job}"`, { file: config.file, hint: `jobs in this config: ${config.jobs.map((j) => j.name).join(', ')}` });
  }
  let failed = false;
  const reports: Array<{ job: string; host: string; report?: SetupReport; error?: string }> = [];
  for (const job of jobs) {
    try {
      const rt = buildJob(job, silentLogger());
      if (!rt.sink.setup) {
        out(`job ${job.name}: the ${rt.sink.type} sink has nothing to set up`);
        continue;
      }
      for (const [project, schemes] of schemesByProject(rt)) {
        const report = await rt.sink.setup({ project, schemes, apply: opts.apply, signal: AbortSignal.timeout(300_000) });
        reports.push({ job: job.name, host: rt.sink.host, report });
        const undone = report.items.some((i) => !i.done);
        if (report.permissionProblem || report.mismatches.length || (opts.apply && undone)) failed = true;
        if (!opts.json) printReport(out, job.name, rt.sink.host, report, opts.apply);
      }
    } catch (err) {
      failed = true;
      reports.push({ job: job.name, host: '', error: describeError(err) });
      if (!opts.json) out(`✗ job ${job.name}\n  ${describeError(err).replace(/\n/g, '\n  ')}`);
    }
  }
  if (opts.json) out(JSON.stringify(reports, null, 2));
  return failed ? 1 : 0;
}

function printReport(out: (t: string) => void, job: string, host: string, r: SetupReport, apply: boolean): void {
  out(`job ${job}: Jira ${host}, project ${r.project}${apply ? '' : ' (dry run)'}`);
  if (r.permissionProblem) out(`  ✗ ${r.permissionProblem}:`);
  if (!r.items.length && !r.mismatches.length) out('  ✓ every field the templates fill exists and is on the create/edit screens');
  for (const kind of ['field', 'option', 'screen'] as const) {
    const items = r.items.filter((i) => i.kind === kind);
    if (!items.length) continue;
    out(`  ${HEADINGS[kind]}:`);
    for (const i of items) {
      const what =
        kind === 'field' ? `${i.field}: ${i.type} (${i.detail})` : kind === 'option' ? `${i.field}: ${i.detail}` : `${i.field} → ${i.detail}`;
      const status = !apply || i.done ? '' : `  ✗ for a person to do${i.note ? `: ${i.note}` : ''}`;
      out(`    ${apply && i.done ? '✓' : '+'} ${what} [${i.templates.join(', ')}]${status}`);
    }
  }
  for (const m of r.mismatches) out(`  ! ${m} (Jira cannot change a field's type: rename one, or set customFieldId to a field of the right kind)`);
  if (!apply && r.items.length && !r.permissionProblem) out('  run `vulnbridge setup --apply` to create them');
  out(`  ${r.writes} write(s) to Jira`);
}
