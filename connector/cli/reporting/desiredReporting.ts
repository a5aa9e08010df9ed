import type { Config, JobConfig } from '../../config/loadConfig.js';
import type { ShareConfig } from '../../config/reportingConfig.js';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { readSecret } from '../../secrets.js';
import type { ReportingApi, ReportShare, SinkDeps, TicketSink } from '../../sinks/types.js';
import { JQL_RECIPES, recipeFieldNames, recipeScope, renderRecipe, type JqlRecipe } from '../jqlRecipes.js';
import { DASHBOARD_FILTERS, dashboardFilterName, JOB_FILTERS, jobFilterName } from './reportingSpec.js';

export interface DesiredFilter {
  name: string;
  description: string;
  jql: string;
  recipe: string;
  share: ReportShare[];
  job?: string;
  dashboard?: string;
}
export interface DesiredDashboard {
  name: string;
  project: string;
  jobs: string[];
  share: ReportShare[];
  /** By recipe id. */
  filters: Map<string, DesiredFilter>;
}
/** Everything for one Jira (jobs whose sinks share a host). */
export interface HostPlan {
  host: string;
  api: ReportingApi;
  jobs: string[];
  filters: DesiredFilter[];
  dashboards: DesiredDashboard[];
  /** Recipes left out, and why (a custom field not on Jira yet). */
  skipped: string[];
  /** The Severity field's id (`customfield_N`), when Jira has one. */
  severityField?: string;
}

const recipe = (id: string): JqlRecipe => {
  const r = JQL_RECIPES.find((x) => x.id === id);
  if (!r) throw new Error(`no JQL recipe ${id}`);
  return r;
};
const shareOf = (s: ShareConfig, project: string): ReportShare[] => ('group' in s ? [{ group: s.group }] : [{ project }]);

/**
 * The saved filters and dashboards the config asks for, per Jira host: the reporting jobs
 * (`reporting.jobs`, default all, or `--job`), their recipes with each custom field by its
 * Jira id, and one dashboard per project unless `reporting.dashboards` says otherwise.
 */
export async function desiredReporting(config: Config, o: { job?: string; log: Logger; sinkDeps?: Partial<SinkDeps> }): Promise<HostPlan[]> {
  const rep = config.reporting;
  const byName = new Map(config.jobs.map((j) => [j.name, j]));
  const unknownJob = (name: string, where: string) =>
    new ConfigError('CONFIG_INVALID', `${where} names job "${name}", which is not in the config`, { file: config.file, hint: `jobs in this config: ${config.jobs.map((j) => j.name).join(', ')}` });
  for (const n of rep?.jobs ?? []) if (!byName.has(n)) throw unknownJob(n, 'reporting.jobs');
  (rep?.dashboards ?? []).forEach((d, i) => (d.jobs ?? []).forEach((n) => { if (!byName.has(n)) throw unknownJob(n, `reporting.dashboards[${i}]`); }));
  if (o.job && !byName.has(o.job)) throw unknownJob(o.job, '--job');
  const allJobs = rep?.jobs ? rep.jobs.map((n) => byName.get(n) as JobConfig) : config.jobs;
  const jobs = o.job ? allJobs.filter((j) => j.name === o.job) : allJobs;
  if (o.job && !jobs.length) throw new ConfigError('CONFIG_INVALID', `job "${o.job}" is not among reporting.jobs`, { file: config.file, hint: 'add it to reporting.jobs or leave --job out' });
  const defaultShare = rep?.share ?? { project: true as const };
  const onProject = (p: string) => allJobs.filter((j) => j.project === p).map((j) => j.name);
  const wanted = (
    rep?.dashboards
      ? rep.dashboards.map((d) => ({ name: d.name ?? d.project, project: d.project, jobs: d.jobs ?? onProject(d.project), share: d.share ?? defaultShare }))
      : [...new Set(allJobs.map((j) => j.project))].map((p) => ({ name: p, project: p, jobs: onProject(p), share: defaultShare }))
  ).filter((d) => !o.job || d.jobs.includes(o.job));

  // One sink per host: the first job's (the reporting API is the account's, not the job's).
  const hosts = new Map<string, { sink: TicketSink; jobs: JobConfig[] }>();
  const sinkOf = new Map<string, string>();
  for (const job of new Set([...jobs, ...wanted.flatMap((d) => d.jobs.map((n) => byName.get(n) as JobConfig))])) {
    const secret = (ref: { env?: string; file?: string }, what: string) => readSecret(ref, `${what} of job ${job.name}`);
    const sink = job.sink.factory.create(job.sink.config, { log: o.log, secret, ...o.sinkDeps });
    if (!sink.reporting) throw new ConfigError('CONFIG_INVALID', `job "${job.name}" writes to ${sink.type}, which has no saved filters or dashboards`, { file: config.file, hint: 'leave it out of reporting.jobs' });
    const h = hosts.get(sink.host) ?? { sink, jobs: [] };
    if (jobs.includes(job)) h.jobs.push(job);
    hosts.set(sink.host, h);
    sinkOf.set(job.name, sink.host);
  }
  const plans: HostPlan[] = [];
  for (const [host, { sink, jobs: hostJobs }] of hosts) {
    const names = await sink.jqlFieldNames?.(recipeFieldNames());
    const clause = (n: string) => names?.clauses.get(n);
    const plan: HostPlan = { host, api: (sink.reporting as () => ReportingApi)(), jobs: hostJobs.map((j) => j.name), filters: [], dashboards: [], skipped: [] };
    const sev = clause('Severity');
    if (sev && /^cf\[\d+\]$/.test(sev)) plan.severityField = `customfield_${sev.slice(3, -1)}`;
    const missing = (r: JqlRecipe) => recipeFieldNames([r]).filter((n) => names?.missing.includes(n));
    for (const job of hostJobs) {
      for (const f of JOB_FILTERS) {
        if (f.sources && !f.sources.includes(job.source.factory.type)) continue;
        const r = recipe(f.recipe);
        const gone = missing(r);
        if (gone.length) {
          plan.skipped.push(`job ${job.name}: "${r.title}" needs ${gone.join(', ')}, not on Jira yet (\`vulnbridge setup\` creates it)`);
          continue;
        }
        plan.filters.push({ name: jobFilterName(job.name, r.title), description: `${r.answers} (vulnbridge: job ${job.name}, recipe ${r.id})`, jql: renderRecipe(r, { project: job.project, job: job.name, clause }), recipe: r.id, share: shareOf(defaultShare, job.project), job: job.name });
      }
    }
    for (const d of wanted) {
      if (!d.jobs.length) throw new ConfigError('CONFIG_INVALID', `dashboard "${d.name}" has no jobs: no reporting job writes to project ${d.project}`, { file: config.file, hint: 'name its jobs in reporting.dashboards[].jobs, or check the project key' });
      const hostsOf = new Set(d.jobs.map((n) => sinkOf.get(n)));
      if (hostsOf.size > 1) throw new ConfigError('CONFIG_INVALID', `dashboard "${d.name}" mixes jobs of several Jira hosts (${[...hostsOf].join(', ')})`, { file: config.file, hint: 'one dashboard per Jira' });
      if (!hostsOf.has(host)) continue;
      const dash: DesiredDashboard = { ...d, share: shareOf(d.share, d.project), filters: new Map() };
      for (const id of DASHBOARD_FILTERS) {
        const r = recipe(id);
        const f: DesiredFilter = {
          name: dashboardFilterName(d.name, r.title),
          description: `${r.answers} (vulnbridge: dashboard ${d.name}, jobs ${d.jobs.join(', ')}, recipe ${r.id})`,
          jql: renderRecipe(r, { project: d.project, job: d.jobs[0] as string, clause, scope: recipeScope(d.project, d.jobs) }),
          recipe: r.id,
          share: dash.share,
          dashboard: d.name,
        };
        dash.filters.set(id, f);
        plan.filters.push(f);
      }
      plan.dashboards.push(dash);
    }
    plans.push(plan);
  }
  return plans;
}
