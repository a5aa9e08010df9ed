import { simGadget } from './simGadgets.js';
import { parseJql } from './simJql.js';
import { compileJql } from './simJqlEval.js';
import type { SimDashboard, SimGadget, SimReporting } from './simReporting.js';
import type { SimIssue, SimStore } from './simStore.js';

/** What a person sees on a gadget: its numbers, or why it shows none. */
export type GadgetView =
  | { title: string; state: 'not configured'; why: string }
  | { title: string; state: 'error'; why: string }
  | { title: string; state: 'filter results'; filter: string; total: number; keys: string[] }
  | { title: string; state: 'pie'; filter: string; statType: string; counts: Record<string, number> }
  | { title: string; state: 'two-dimensional'; filter: string; x: string; y: string; counts: Record<string, Record<string, number>> }
  | { title: string; state: 'created vs resolved'; filter: string; days: number; created: number; resolved: number };

const DAY = 86_400_000;

/**
 * A gadget as Jira would draw it: its `config` read only under the prefs its spec XML
 * declares (anything else is ignored, as Jira ignores it), `isConfigured: "true"` required,
 * then its bound filter run and the hits aggregated by its statistic type.
 */
export function evaluateGadget(store: SimStore, reporting: SimReporting, dashboard: SimDashboard, gadget: SimGadget): GadgetView {
  const title = gadget.title;
  const type = simGadget(gadget.uri);
  if (!type) return { title, state: 'error', why: `unknown gadget ${gadget.uri}` };
  const config = gadget.properties.get('config') as Record<string, string> | undefined;
  const declared = new Set(type.prefs.map((p) => p.name));
  const pref = (name: string) => (declared.has(name) ? (config?.[name] ?? type.prefs.find((p) => p.name === name)?.default) : undefined);
  if (!config || pref('isConfigured') !== 'true') return { title, state: 'not configured', why: 'isConfigured is not "true"' };
  const bindName = declared.has('filterId') ? 'filterId' : 'projectOrFilterId';
  const bound = config[bindName];
  if (!bound) return { title, state: 'not configured', why: `no ${bindName} (the gadget ignores ${Object.keys(config).filter((k) => !declared.has(k)).join(', ') || 'nothing'})` };
  const filter = reporting.filters.get(bound.replace(/^filter-/, ''));
  if (!filter) return { title, state: 'error', why: `the filter ${bound} does not exist or is not shared with you` };
  void dashboard;
  const hits = run(store, filter.jql);
  const stats = new Set(reporting.statTypes().map((s) => s.value));
  const stat = (name: string): string | GadgetView => {
    const v = pref(name) as string;
    return stats.has(v) ? v : { title, state: 'error', why: `${name} "${v}" is not a statistic type of this Jira` };
  };
  switch (type.kind) {
    case 'filter-results': {
      const num = Number(pref('num')) || 10;
      return { title, state: 'filter results', filter: filter.name, total: hits.length, keys: hits.slice(0, num).map((i) => i.key) };
    }
    case 'pie':
    case 'heat-map': {
      const s = stat('statType');
      if (typeof s !== 'string') return s;
      const counts: Record<string, number> = {};
      for (const i of hits) for (const v of statValues(store, i, s)) counts[v] = (counts[v] ?? 0) + 1;
      return { title, state: 'pie', filter: filter.name, statType: s, counts };
    }
    case 'two-dimensional': {
      const x = stat('xstattype');
      if (typeof x !== 'string') return x;
      const y = stat('ystattype');
      if (typeof y !== 'string') return y;
      const counts: Record<string, Record<string, number>> = {};
      for (const i of hits) {
        for (const yv of statValues(store, i, y)) {
          const row = (counts[yv] ??= {});
          for (const xv of statValues(store, i, x)) row[xv] = (row[xv] ?? 0) + 1;
        }
      }
      return { title, state: 'two-dimensional', filter: filter.name, x, y, counts };
    }
    case 'created-vs-resolved': {
      const days = Number(pref('daysprevious')) || 30;
      const since = store.now().getTime() - days * DAY;
      const created = hits.filter((i) => Date.parse(i.created) >= since).length;
      const resolved = hits.filter((i) => i.resolved !== null && Date.parse(i.resolved) >= since).length;
      return { title, state: 'created vs resolved', filter: filter.name, days, created, resolved };
    }
  }
}

/** Every gadget of the dashboard, in reading order (column, then row). */
export function evaluateDashboard(store: SimStore, reporting: SimReporting, dashboard: SimDashboard): GadgetView[] {
  return [...dashboard.gadgets].sort((a, b) => a.column - b.column || a.row - b.row).map((g) => evaluateGadget(store, reporting, dashboard, g));
}

function run(store: SimStore, jql: string): SimIssue[] {
  const q = compileJql(store, parseJql(jql), store.now());
  const hits: SimIssue[] = [];
  for (const i of q.candidates()) if (q.test(i)) hits.push(i);
  return hits.sort((a, b) => q.compare(a, b));
}

function statValues(store: SimStore, i: SimIssue, stat: string): string[] {
  switch (stat) {
    case 'priorities':
      return [(i.fields.priority as { name?: string } | undefined)?.name ?? 'None'];
    case 'statuses':
      return [i.status];
    case 'issuetype':
      return [store.issueTypeById(i.issueTypeId).name];
    case 'project':
      return [i.projectKey];
    case 'resolution':
      return [i.resolution ?? 'Unresolved'];
    case 'labels': {
      const labels = (i.fields.labels as string[] | undefined) ?? [];
      return labels.length ? labels : ['None'];
    }
    case 'assignees':
    case 'reporter':
      return ['Unassigned'];
    default: {
      const v = i.fields[stat];
      if (v === undefined || v === null) return ['None'];
      if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' && x !== null ? String((x as { value?: unknown }).value) : String(x))) : ['None'];
      if (typeof v === 'object') return [String((v as { value?: unknown; name?: unknown }).value ?? (v as { name?: unknown }).name)];
      return [String(v)];
    }
  }
}
