import { SinkError } from '../../errors.js';
import type { SavedFilter } from '../../sinks/types.js';
import type { ReportingStore } from '../../state/reportingStore.js';
import { creating, type ApplyOptions, type ReportLine } from './reportLines.js';
import type { DesiredFilter, HostPlan } from './desiredReporting.js';
import { configureGadgets } from './applyGadgets.js';
import { normalizeJql } from './normalizeJql.js';

/**
 * Brings one Jira in step with the plan: each saved filter found by exact name among ours
 * (Cloud: filter search by owner; Data Center: the id we recorded, else our favourites),
 * created when missing (shared as configured), its JQL updated when it drifted (compared
 * normalised; shares left alone); then on Cloud each dashboard and its gadgets. Every id
 * is recorded as soon as Jira answers, so a run cut short is finished by the next one.
 */
export async function applyReporting(plan: HostPlan, o: ApplyOptions): Promise<ReportLine[]> {
  const { api, host } = plan;
  const lines: ReportLine[] = plan.skipped.map((s) => ({ action: 'skip', kind: 'filter', name: s }));
  const self = await api.self();
  if (plan.filters.some((f) => f.share.length) && (await api.canShare()) === false) {
    throw new SinkError('SINK_SETUP_INVALID', `the account ${self} may not share saved filters or dashboards, so vulnbridge cannot make them`, {
      host,
      hint: 'a Jira admin grants this account the global permission "Create shared objects" (Jira settings > System > Global permissions), then run `vulnbridge dashboards --apply` again',
    });
  }
  for (const p of new Set([...plan.filters.flatMap((f) => f.share.flatMap((s) => ('project' in s ? [s.project] : []))), ...plan.dashboards.map((d) => d.project)])) {
    if ((await api.projectId(p)) === undefined) {
      throw new SinkError('SINK_SETUP_INVALID', `project ${p} does not exist or this account cannot browse it, so its saved filters and dashboard cannot be made`, {
        host,
        hint: 'check the project key in the job or in reporting.dashboards, and that the account has Browse projects there',
      });
    }
  }
  const favourites = api.dashboards ? undefined : lazy(() => api.favouriteFilters());
  const ids = new Map<string, string>();
  for (const f of plan.filters) {
    const found = await findFilter(plan, f, self, o.state, favourites);
    if (!found) {
      lines.push({ action: 'create', kind: 'filter', name: f.name, detail: f.jql });
      if (o.apply) {
        const made = await creating(host, `saved filter "${f.name}"`, () => api.createFilter({ name: f.name, description: f.description, jql: f.jql, share: f.share }));
        record(o.state, host, f, made.id);
        ids.set(f.name, made.id);
      }
      continue;
    }
    ids.set(f.name, found.id);
    if (o.apply) record(o.state, host, f, found.id);
    if (normalizeJql(found.jql) === normalizeJql(f.jql)) {
      lines.push({ action: 'ok', kind: 'filter', name: f.name });
      continue;
    }
    lines.push({ action: 'update', kind: 'filter', name: f.name, detail: `JQL was: ${found.jql}` });
    if (o.apply) await api.updateFilter(found.id, { name: f.name, description: f.description, jql: f.jql });
  }
  lines.push(...(await staleFilters(plan, o)));
  for (const d of plan.dashboards) {
    const filterIds = new Map([...d.filters].map(([recipe, f]) => [recipe, ids.get(f.name) ?? '']));
    if (!api.dashboards) {
      lines.push({ action: o.apply ? 'create' : 'skip', kind: 'recipe', name: `dashboard ${d.name}`, detail: o.apply ? o.writeRecipe(d, filterIds) : 'written with --apply (Data Center has no REST for dashboards)' });
      continue;
    }
    lines.push(...(await configureGadgets(plan, d, filterIds, self, o)));
  }
  return lines;
}

async function findFilter(plan: HostPlan, f: DesiredFilter, self: string, state: ReportingStore, favourites?: () => Promise<SavedFilter[]>): Promise<SavedFilter | undefined> {
  if (plan.api.dashboards) {
    // Cloud: by exact name among the filters our account owns (another owner may use the name).
    return (await plan.api.searchFilters(f.name, self)).find((x) => x.name === f.name && (x.owner === undefined || x.owner === self));
  }
  // Data Center has no filter search (JRASERVER-74986): our record, else our favourites.
  const known = state.get(plan.host, 'filter', f.name);
  const byId = known && (await plan.api.getFilter(known.jiraId));
  if (byId && byId.name === f.name) return byId;
  return (await (favourites as () => Promise<SavedFilter[]>)()).find((x) => x.name === f.name);
}

async function staleFilters(plan: HostPlan, o: ApplyOptions): Promise<ReportLine[]> {
  const wanted = new Set(plan.filters.map((f) => f.name));
  const lines: ReportLine[] = [];
  for (const rec of o.state.list(plan.host, 'filter')) {
    if (wanted.has(rec.name) || (o.onlyJob && rec.job !== o.onlyJob)) continue;
    const why = rec.job ? `job ${rec.job} no longer reports` : `dashboard ${rec.dashboard} no longer configured`;
    if (!o.prune) {
      lines.push({ action: 'stale', kind: 'filter', name: rec.name, detail: `${why}: \`--prune\` removes it` });
      continue;
    }
    lines.push({ action: 'remove', kind: 'filter', name: rec.name, detail: why });
    if (!o.apply) continue;
    if (await plan.api.getFilter(rec.jiraId)) await plan.api.deleteFilter(rec.jiraId);
    o.state.remove(plan.host, 'filter', rec.name);
  }
  return lines;
}

function record(state: ReportingStore, host: string, f: DesiredFilter, id: string): void {
  const known = state.get(host, 'filter', f.name);
  if (known?.jiraId === id) return;
  state.put({ host, kind: 'filter', name: f.name, jiraId: id, ...(f.job ? { job: f.job } : {}), ...(f.dashboard ? { dashboard: f.dashboard } : {}) });
}

function lazy<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
