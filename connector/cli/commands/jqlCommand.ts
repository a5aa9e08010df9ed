import type { Config, JobConfig } from '../../config/loadConfig.js';
import { ConfigError, describeError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { buildLanes } from '../../pipeline/lanes.js';
import { readSecret } from '../../secrets.js';
import type { JqlFieldNames, SinkDeps, TicketSink } from '../../sinks/types.js';
import { loadScheme } from '../../templates/loadScheme.js';
import { JQL_RECIPES, recipeFieldNames, renderRecipe } from '../jqlRecipes.js';

export interface JqlOptions {
  /** Only this job (as `sync --job`). */
  job?: string;
  json: boolean;
  out?: (t: string) => void;
  log?: Logger;
  /** Overrides for the sink (tests: no retry waits). */
  sinkDeps?: Partial<SinkDeps>;
  /** How long to wait for Jira's field list before printing names (default 30 s). */
  timeoutMs?: number;
}

interface JobRecipes {
  job: string;
  /** Where the field names came from: `jira` (resolved to cf[id]) or `names` (offline). */
  fields: 'jira' | 'names';
  /** Why the names were not resolved, when they were not. */
  offline?: string;
  missing: string[];
  ambiguous: string[];
  lanes: Array<{ project: string; label: string; recipes: Array<{ id: string; title: string; answers: string; jql: string }> }>;
}

/**
 * `vulnbridge jql`: the cookbook's recipes (jqlRecipes.ts, docs/jql.md) for each job's
 * Jira projects and job labels, with each contract field as Jira names it in JQL
 * (`cf[10010]`) when Jira answers, else by its quoted name. Reads Jira only.
 */
export async function jqlCommand(config: Config, opts: JqlOptions): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const jobs = opts.job ? config.jobs.filter((j) => j.name === opts.job) : config.jobs;
  if (opts.job && jobs.length === 0) {
    throw new ConfigError('CONFIG_INVALID', `no job named "${opts.job}"`, { file: config.file, hint: `jobs in this config: ${config.jobs.map((j) => j.name).join(', ')}` });
  }
  const results: JobRecipes[] = [];
  for (const job of jobs) results.push(await recipesFor(job, opts));
  if (opts.json) {
    out(JSON.stringify({ jobs: results }, null, 2));
    return 0;
  }
  for (const r of results) {
    for (const lane of r.lanes) {
      out(`# job ${r.job}: project ${lane.project}, label ${lane.label}`);
      if (r.fields === 'jira') out('Custom fields by their Jira ids (cf[N]), read from Jira.');
      else out(`Custom fields by name: ${r.offline ?? 'Jira was not asked'}.`);
      if (r.missing.length) out(`Not on Jira yet: ${r.missing.join(', ')} (\`vulnbridge setup\` creates them; a recipe naming one answers an error until then).`);
      if (r.ambiguous.length) out(`On several Jira fields (named, so JQL searches them all): ${r.ambiguous.join(', ')}.`);
      for (const recipe of lane.recipes) out(`\n## ${recipe.title}\n${recipe.answers}\n${recipe.jql}`);
      out('');
    }
  }
  return 0;
}

async function recipesFor(job: JobConfig, opts: JqlOptions): Promise<JobRecipes> {
  const log = opts.log ?? silentLogger();
  const names = recipeFieldNames();
  let resolved: JqlFieldNames | undefined;
  let offline: string | undefined;
  const secret = (ref: { env?: string; file?: string }, what: string) => readSecret(ref, `${what} of job ${job.name}`);
  const firstLine = (err: unknown) => describeError(err).split('\n')[0];
  let sink: TicketSink | undefined;
  try {
    sink = job.sink.factory.create(job.sink.config, { log, secret, ...opts.sinkDeps });
  } catch (err) {
    offline = `Jira not asked (${firstLine(err)})`;
  }
  if (sink && !sink.jqlFieldNames) offline = `the ${sink.type} sink cannot list its fields`;
  else if (sink?.jqlFieldNames) {
    try {
      resolved = await sink.jqlFieldNames(names, AbortSignal.timeout(opts.timeoutMs ?? 30_000));
    } catch (err) {
      offline = `Jira not reachable (${firstLine(err)})`;
    }
  }
  const clause = (name: string) => resolved?.clauses.get(name);
  return {
    job: job.name,
    fields: resolved ? 'jira' : 'names',
    ...(offline ? { offline } : {}),
    missing: resolved?.missing ?? [],
    ambiguous: resolved?.ambiguous ?? [],
    lanes: jiraLanes(job).map(({ project, ticketJob }) => ({
      project,
      label: `vb-job-${ticketJob}`,
      recipes: JQL_RECIPES.map((r) => ({ id: r.id, title: r.title, answers: r.answers, jql: renderRecipe(r, { project, job: ticketJob, clause }) })),
    })),
  };
}

/**
 * The projects and job labels a job writes tickets under: one per Jira lane of its routes
 * (the lanes' incident senders are built with a stand-in secret and never used), or the
 * job's own project and name.
 */
function jiraLanes(job: JobConfig): Array<{ project: string; ticketJob: string }> {
  const own = [{ project: job.project, ticketJob: job.name }];
  if (!job.routes) return own;
  try {
    // A stand-in shaped like a real secret (a PagerDuty key must be 32 characters): never sent.
    const lanes = buildLanes(job, loadScheme(job.templatePath), job.routes, { log: silentLogger(), secret: () => 'x'.repeat(32) });
    return lanes.jira.length ? lanes.jira.map((l) => ({ project: l.project, ticketJob: l.ticketJob })) : own;
  } catch {
    return own;
  }
}
