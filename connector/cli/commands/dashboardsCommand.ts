import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/loadConfig.js';
import { silentLogger, type Logger } from '../../log.js';
import type { SinkDeps } from '../../sinks/types.js';
import type { State } from '../../state/stateBundle.js';
import { applyReporting } from '../reporting/applyReporting.js';
import { dashboardRecipe } from '../reporting/dashboardRecipe.js';
import { desiredReporting } from '../reporting/desiredReporting.js';
import type { ReportLine } from '../reporting/reportLines.js';

export interface DashboardsOptions {
  job?: string;
  apply: boolean;
  prune: boolean;
  state: State;
  out?: (t: string) => void;
  log?: Logger;
  sinkDeps?: Partial<SinkDeps>;
}

export interface DashboardsResult {
  exitCode: number;
  lines: Array<ReportLine & { host: string }>;
  /** Jira writes made (0 on a dry run, and on a run with nothing to change). */
  writes: number;
  /** Data Center recipes written. */
  recipes: string[];
}

const VERB: Record<ReportLine['action'], [string, string]> = {
  create: ['would create', 'created'],
  update: ['would update', 'updated'],
  remove: ['would remove', 'removed'],
  ok: ['in step', 'in step'],
  stale: ['not configured', 'not configured'],
  skip: ['skipped', 'skipped'],
};

/**
 * `vulnbridge dashboards`: saved filters per job and per dashboard from the JQL cookbook,
 * and on Jira Cloud a dashboard per team with configured gadgets; on Data Center a written
 * recipe. Prints what it would do; `--apply` does it, `--prune` also removes the filters
 * of jobs taken out of the config.
 */
export async function dashboardsCommand(config: Config, opts: DashboardsOptions): Promise<DashboardsResult> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const log = opts.log ?? silentLogger();
  const plans = await desiredReporting(config, { job: opts.job, log, sinkDeps: opts.sinkDeps });
  const recipeDir = path.resolve(config.reporting?.recipeDir ?? 'reporting');
  const result: DashboardsResult = { exitCode: 0, lines: [], writes: 0, recipes: [] };
  for (const plan of plans) {
    const before = plan.api.calls().writes;
    const lines = await applyReporting(plan, {
      apply: opts.apply,
      prune: opts.prune,
      state: opts.state.reporting,
      onlyJob: opts.job,
      writeRecipe: (d, ids) => {
        const file = path.join(recipeDir, `${d.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.md`);
        const text = dashboardRecipe(d, ids, plan.host, plan.severityField);
        mkdirSync(recipeDir, { recursive: true });
        if (readOr(file) !== text) writeFileSync(file, text);
        result.recipes.push(file);
        return file;
      },
    });
    result.writes += plan.api.calls().writes - before;
    out(`# ${plan.host}${plan.api.dashboards ? '' : ' (Data Center: saved filters, and a written recipe per dashboard)'}`);
    for (const l of lines) {
      result.lines.push({ ...l, host: plan.host });
      out(`${VERB[l.action][opts.apply ? 1 : 0]} ${l.kind} ${l.name}${l.detail ? `: ${l.detail}` : ''}`);
    }
    const changes = lines.filter((l) => ['create', 'update', 'remove'].includes(l.action) && l.kind !== 'recipe').length;
    out(opts.apply ? `${result.writes} Jira writes.` : `${changes} changes; nothing written (dry run): \`--apply\` makes them.`);
  }
  return result;
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
