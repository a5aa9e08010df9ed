import type { DesiredDashboard } from './desiredReporting.js';
import { DASHBOARD_GADGETS } from './reportingSpec.js';

/** Gadget settings as a person sees them in the gadget's edit form. */
const LABELS: Record<string, string> = {
  num: 'Number of Results',
  columnNames: 'Columns to display',
  statType: 'Statistic Type',
  xstattype: 'X Axis',
  ystattype: 'Y Axis',
  sortBy: 'Sort By',
  sortDirection: 'Sort Direction',
  showTotals: 'Show Totals',
  numberToShow: 'Number of Results',
  periodName: 'Period',
  daysprevious: 'Days Previously',
};

/**
 * Data Center has no REST for dashboards or gadgets (api-notes Takeaway 6): the dashboard
 * as a recipe for a person, `reporting/<dashboard>.md`: which gadget, which saved filter
 * (made by `vulnbridge dashboards`), which settings.
 */
export function dashboardRecipe(d: DesiredDashboard, filterIds: Map<string, string>, host: string, severityStat?: string): string {
  const share = d.share.map((s) => ('group' in s ? `group ${s.group}` : `project ${s.project}`)).join(', ');
  const out = [
    `# Dashboard "${d.name}" on ${host}`,
    '',
    `Jira Data Center has no REST API to build dashboards, so \`vulnbridge dashboards\` made the saved filters below (jobs ${d.jobs.join(', ')}) and wrote this recipe. Building it takes about two minutes:`,
    '',
    `1. Dashboards > Create dashboard: name **${d.name}**, shared with ${share}.`,
    '2. Choose a two-column layout, then add each gadget below (Add gadget, search its name) and fill in its settings:',
    '',
    '| gadget | title | column, row | saved filter | settings |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const g of DASHBOARD_GADGETS) {
    const filter = d.filters.get(g.recipe);
    const id = filterIds.get(g.recipe);
    const settings = Object.entries(g.settings)
      .map(([k, v]) => `${LABELS[k] ?? k}: ${v === '{severity}' ? (severityStat ? 'Severity' : 'Priority') : v === 'priorities' ? 'Priority' : v === 'statuses' ? 'Status' : v}`)
      .join('; ');
    out.push(`| ${g.type} | ${g.title} | ${g.column + 1}, ${g.row + 1} | ${filter?.name ?? g.recipe}${id ? ` (id ${id})` : ''} | ${settings} |`);
  }
  out.push('', 'Run `vulnbridge dashboards --apply` again after a config change: it keeps the filters in step, and the gadgets follow them.', '');
  return out.join('\n');
}
