import { SinkError } from '../../errors.js';
import { creating, type ApplyOptions, type ReportLine } from './reportLines.js';
import type { DesiredDashboard, HostPlan } from './desiredReporting.js';
import { DASHBOARD_GADGETS, type GadgetSpec } from './reportingSpec.js';

/** What a gadget's `config` property must hold, from the prefs its spec XML declares. */
export function gadgetConfig(spec: GadgetSpec, prefs: readonly string[], filterId: string, severityStat: string | undefined): Record<string, string> {
  // The filter goes under the name the gadget declares: Pie and Created vs Resolved read
  // projectOrFilterId and ignore filterId (api-notes Takeaway 3).
  const bind = ['filterId', 'projectOrFilterId'].find((n) => prefs.includes(n));
  if (!bind) throw new Error(`the ${spec.type} gadget declares neither filterId nor projectOrFilterId`);
  if (!prefs.includes('isConfigured')) throw new Error(`the ${spec.type} gadget declares no isConfigured`);
  const config: Record<string, string> = { [bind]: `filter-${filterId}`, isConfigured: 'true' };
  for (const [k, v] of Object.entries(spec.settings)) {
    if (!prefs.includes(k)) throw new Error(`the ${spec.type} gadget declares no setting "${k}"`);
    config[k] = v === '{severity}' ? (severityStat ?? 'priorities') : v;
  }
  if (prefs.includes('refresh')) config.refresh = 'false';
  return config;
}

/**
 * A Cloud dashboard found by exact name among ours (else created, shared as configured),
 * then each gadget found by title (positions move when Jira places one), added when
 * missing, and its `config` written when it differs from what it must hold.
 */
export async function configureGadgets(plan: HostPlan, d: DesiredDashboard, filterIds: Map<string, string>, self: string, o: ApplyOptions): Promise<ReportLine[]> {
  const { api, host } = plan;
  const lines: ReportLine[] = [];
  const types = await api.gadgetTypes();
  const stats = new Set(await api.statTypes());
  const severityStat = plan.severityField && stats.has(plan.severityField) ? plan.severityField : undefined;
  const resolved = await Promise.all(
    DASHBOARD_GADGETS.map(async (spec) => {
      const uri = types.find((t) => t.uri?.endsWith(`/${spec.file}`))?.uri;
      if (!uri) throw new SinkError('SINK_SETUP_INVALID', `Jira offers no ${spec.type} gadget (${spec.file}) for dashboard "${d.name}"`, { host, hint: 'check GET /rest/api/3/dashboard/gadgets; the gadget may be disabled by an admin' });
      const prefs = await api.gadgetPrefs(uri);
      const config = gadgetConfig(spec, prefs, filterIds.get(spec.recipe) || 'NEW', severityStat);
      for (const k of spec.stats) {
        if (!stats.has(config[k] as string)) {
          throw new SinkError('SINK_SETUP_INVALID', `the ${spec.type} gadget "${spec.title}" would use statistic type "${config[k]}", which this Jira does not offer`, { host, hint: 'see GET /rest/gadget/1.0/statTypes' });
        }
      }
      return { spec, uri, config };
    }),
  );
  let dashboard = (await api.searchDashboards(d.name, self)).find((x) => x.name === d.name);
  if (!dashboard) {
    lines.push({ action: 'create', kind: 'dashboard', name: d.name, detail: `shared with ${d.share.map((s) => ('group' in s ? `group ${s.group}` : `project ${s.project}`)).join(', ')}` });
    if (!o.apply) {
      for (const g of resolved) lines.push({ action: 'create', kind: 'gadget', name: `${d.name} / ${g.spec.title}`, detail: describeConfig(g.config) });
      return lines;
    }
    dashboard = await creating(host, `dashboard "${d.name}"`, () => api.createDashboard({ name: d.name, description: `Made by vulnbridge from jobs ${d.jobs.join(', ')}; \`vulnbridge dashboards\` keeps it in step.`, share: d.share }));
  } else lines.push({ action: 'ok', kind: 'dashboard', name: d.name });
  if (o.apply) o.state.put({ host, kind: 'dashboard', name: d.name, jiraId: dashboard.id, dashboard: d.name });
  const present = await api.gadgets(dashboard.id);
  for (const g of resolved) {
    const name = `${d.name} / ${g.spec.title}`;
    let gadget = present.find((x) => x.title === g.spec.title);
    if (!gadget) {
      lines.push({ action: 'create', kind: 'gadget', name, detail: describeConfig(g.config) });
      if (!o.apply) continue;
      gadget = await creating(host, `gadget "${g.spec.title}" on dashboard "${d.name}"`, () => api.addGadget((dashboard as { id: string }).id, { uri: g.uri, title: g.spec.title, row: g.spec.row, column: g.spec.column }));
      o.state.put({ host, kind: 'gadget', name: `${dashboard.id}/${g.spec.title}`, jiraId: gadget.id, dashboard: d.name });
      await api.setGadgetConfig(dashboard.id, gadget.id, g.config);
      continue;
    }
    const current = await api.gadgetConfig(dashboard.id, gadget.id);
    const same = current !== undefined && Object.entries(g.config).every(([k, v]) => current[k] === v);
    lines.push(same ? { action: 'ok', kind: 'gadget', name } : { action: 'update', kind: 'gadget', name, detail: describeConfig(g.config) });
    if (!same && o.apply) await api.setGadgetConfig(dashboard.id, gadget.id, g.config);
  }
  return lines;
}

function describeConfig(c: Record<string, string>): string {
  return Object.entries(c).map(([k, v]) => `${k}=${v}`).join(' ');
}
