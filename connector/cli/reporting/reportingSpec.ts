/**
 * What `vulnbridge dashboards` builds, as data: the cookbook recipes (cli/jqlRecipes.ts, by
 * id: the one list) saved as filters per job and per dashboard, and the gadgets of a
 * dashboard with the filter each shows and its settings. The setting a gadget binds its
 * filter under is not here: it is read from the gadget's spec XML (api-notes Takeaway 3).
 */

/** Saved per job; `sources`: only for jobs of these scanners (the field exists only there). */
export const JOB_FILTERS: ReadonlyArray<{ recipe: string; sources?: readonly string[] }> = [
  { recipe: 'open-by-priority' },
  { recipe: 'overdue' },
  { recipe: 'due-next-7-days' },
  { recipe: 'new-last-7-days' },
  { recipe: 'fixed-last-30-days' },
  { recipe: 'kev-open' },
  { recipe: 'open-by-host', sources: ['qualys-vmdr'] },
  { recipe: 'open-by-web-app', sources: ['qualys-was'] },
  { recipe: 'open-by-image', sources: ['qualys-cs'] },
  { recipe: 'open-by-xray-watch', sources: ['jfrog-xray'] },
  { recipe: 'risk-accepted' },
  { recipe: 'ignored-in-qualys', sources: ['qualys-vmdr', 'qualys-was', 'qualys-cs'] },
];

export interface GadgetSpec {
  /** The gadget type, found in Jira's gadget directory by the end of its uri. */
  file: string;
  /** The gadget type's name, for the Data Center recipe. */
  type: string;
  /** The gadget's title on the dashboard: how a re-run finds it (positions move). */
  title: string;
  recipe: string;
  /** Settings besides the filter binding and isConfigured, all strings. */
  settings: Readonly<Record<string, string>>;
  /** Settings that name a statistic type (checked against /rest/gadget/1.0/statTypes). */
  stats: readonly string[];
  row: number;
  column: number;
}

/** `{severity}` in a setting: the Severity field's statistic type when Jira offers it, else `priorities`. */
export const DASHBOARD_GADGETS: readonly GadgetSpec[] = [
  {
    file: 'filter-results-gadget.xml',
    type: 'Filter Results',
    title: 'Overdue',
    recipe: 'overdue',
    settings: { num: '20', columnNames: 'issuekey|summary|priority|status|duedate' },
    stats: [],
    row: 0,
    column: 0,
  },
  { file: 'piechart-gadget.xml', type: 'Pie Chart', title: 'Open by priority', recipe: 'open-by-priority', settings: { statType: 'priorities' }, stats: ['statType'], row: 0, column: 1 },
  {
    file: 'two-dimensional-stats-gadget.xml',
    type: 'Two Dimensional Filter Statistics',
    title: 'Open by severity and status',
    recipe: 'open-by-priority',
    settings: { xstattype: 'statuses', ystattype: '{severity}', sortBy: 'natural', sortDirection: 'asc', showTotals: 'true', numberToShow: '10' },
    stats: ['xstattype', 'ystattype'],
    row: 1,
    column: 1,
  },
  {
    file: 'createdvsresolved-gadget.xml',
    type: 'Created vs. Resolved Chart',
    title: 'Created vs resolved, 30 days',
    recipe: 'all-tickets',
    settings: { periodName: 'daily', daysprevious: '30' },
    stats: [],
    row: 1,
    column: 0,
  },
];

/** The filters each dashboard gets over all its jobs: those its gadgets show. */
export const DASHBOARD_FILTERS: readonly string[] = [...new Set(DASHBOARD_GADGETS.map((g) => g.recipe))];

export const jobFilterName = (job: string, title: string) => `vulnbridge job ${job}: ${title}`;
export const dashboardFilterName = (dashboard: string, title: string) => `vulnbridge dashboard ${dashboard}: ${title}`;
