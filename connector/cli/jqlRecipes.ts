/**
 * The JQL cookbook: the questions a security team asks of the tickets, each as JQL over
 * the fields and labels our templates write (the issue-12 naming contract). One list for
 * `vulnbridge jql` and docs/jql.md (tests/cli/jqlCookbook.test.ts checks the document
 * against it and runs every recipe on the Jira simulator).
 *
 * In `jql`, `{scope}` stands for the project and job label (`project = VULN AND labels =
 * "vb-job-vmdr"`) and `{Field Name}` for a custom field: `"Field Name"`, or `cf[10010]`
 * when Jira's id for it is known.
 */
export interface JqlRecipe {
  id: string;
  title: string;
  /** One line: the question it answers. */
  answers: string;
  jql: string;
}

export const JQL_RECIPES: readonly JqlRecipe[] = [
  {
    id: 'open-critical-high-on-host',
    title: 'Open critical and high findings on a host',
    answers: 'What is left to fix first on this host, worst first?',
    jql: '{scope} AND statusCategory != Done AND {Severity} in (Critical, High) AND {Host} ~ "web01.example.com" ORDER BY {Severity} ASC, {CVSS Score} DESC, key ASC',
  },
  {
    id: 'open-cvss-9',
    title: 'Open findings with CVSS 9 or more',
    answers: 'Which open findings have a CVSS score of at least 9?',
    jql: '{scope} AND statusCategory != Done AND {CVSS Score} >= 9 ORDER BY {CVSS Score} DESC, key ASC',
  },
  {
    id: 'overdue',
    title: 'Overdue',
    answers: 'Which open findings are past their remediation due date (due before today)?',
    jql: '{scope} AND statusCategory != Done AND duedate < startOfDay() ORDER BY duedate ASC, key ASC',
  },
  {
    id: 'breached',
    title: 'Marked breached by vulnbridge',
    answers: 'Which open tickets carry the breach label vulnbridge sets within one cycle of the due date passing?',
    jql: '{scope} AND statusCategory != Done AND labels = "vb-sla-breached" ORDER BY duedate ASC, key ASC',
  },
  {
    id: 'due-next-7-days',
    title: 'Due in the next 7 days',
    answers: 'Which open findings fall due from today to 7 days from now?',
    jql: '{scope} AND statusCategory != Done AND duedate >= startOfDay() AND duedate <= 7d ORDER BY duedate ASC, key ASC',
  },
  {
    id: 'age-by-severity',
    title: 'Open for more than 30 days since first found, by severity',
    answers: 'Which open findings did the scanner first find over 30 days ago, worst severity and oldest first?',
    jql: '{scope} AND statusCategory != Done AND {First Found} <= -30d ORDER BY {Severity} ASC, {First Found} ASC, key ASC',
  },
  {
    id: 'per-xray-watch',
    title: 'Open findings of one Xray watch',
    answers: 'What is open for this JFrog Xray watch?',
    jql: '{scope} AND statusCategory != Done AND {Xray Watch} ~ "prod-watch" ORDER BY {Severity} ASC, key ASC',
  },
  {
    id: 'per-web-app',
    title: 'Open findings of one web application',
    answers: 'What is open for this Qualys WAS web application?',
    jql: '{scope} AND statusCategory != Done AND {Web Application} ~ "Shop Frontend" ORDER BY {Severity} ASC, key ASC',
  },
  {
    id: 'per-image',
    title: 'Open findings of one container image',
    answers: 'What is open for this container image (any tag)?',
    jql: '{scope} AND statusCategory != Done AND {Container Image} ~ "registry.example.com/shop/api" ORDER BY {Severity} ASC, key ASC',
  },
  {
    id: 'per-asset-tag',
    title: 'Open findings of one asset tag',
    answers: 'What is open on assets tagged pci?',
    jql: '{scope} AND statusCategory != Done AND {Asset Tags} = "pci" ORDER BY {Severity} ASC, key ASC',
  },
  {
    id: 'fixed-this-month',
    title: 'Closed by vulnbridge this month',
    answers: 'Which tickets did vulnbridge close this month because the scanner no longer reports the finding open?',
    jql: '{scope} AND statusCategory = Done AND resolution = Done AND labels in ("vb-sla-met", "vb-sla-missed") AND resolved >= startOfMonth() ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'missed-this-month',
    title: 'Closed late this month',
    answers: 'Which tickets closed this month after their due date (SLA missed)?',
    jql: '{scope} AND labels = "vb-sla-missed" AND resolved >= startOfMonth() ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'risk-accepted',
    title: 'Risk accepted or won\'t fix in Jira',
    answers: 'Which tickets did a person close with a resolution other than Done (Won\'t Do, Won\'t Fix, Risk Accepted)?',
    jql: '{scope} AND statusCategory = Done AND resolution != Done ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'closed-by-person',
    title: 'Closed as Done by a person',
    answers: 'Which tickets did a person close as Done, not vulnbridge (no SLA outcome label)?',
    jql: '{scope} AND statusCategory = Done AND resolution = Done AND labels not in ("vb-sla-met", "vb-sla-missed") ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'ignored-in-qualys',
    title: 'Ignored in Qualys (Qualys reference templates)',
    answers: 'Which tickets did vulnbridge close because the finding was ignored in Qualys, not fixed?',
    jql: '{scope} AND statusCategory = Done AND labels in ("vb-sla-met", "vb-sla-missed") AND {Detection Status} !~ "Fixed" ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'kev-open',
    title: 'Known exploited vulnerabilities still open',
    answers: 'Which open findings have a CVE in CISA\'s KEV catalog, soonest due first?',
    jql: '{scope} AND statusCategory != Done AND labels = "vb-kev" ORDER BY duedate ASC, key ASC',
  },
  {
    id: 'open-by-priority',
    title: 'Open, highest priority first',
    answers: 'What is open, highest Jira priority first (the dashboards\' pie chart and table)?',
    jql: '{scope} AND statusCategory != Done ORDER BY priority DESC, key ASC',
  },
  {
    id: 'new-last-7-days',
    title: 'New in the last 7 days',
    answers: 'Which tickets were created in the last 7 days, newest first?',
    jql: '{scope} AND created >= -7d ORDER BY created DESC, key ASC',
  },
  {
    id: 'fixed-last-30-days',
    title: 'Closed as Done in the last 30 days',
    answers: 'Which tickets were closed with resolution Done in the last 30 days, latest first?',
    jql: '{scope} AND statusCategory = Done AND resolution = Done AND resolved >= -30d ORDER BY resolved DESC, key ASC',
  },
  {
    id: 'open-by-host',
    title: 'Open, by host',
    answers: 'What is open on any host, grouped by host name?',
    jql: '{scope} AND statusCategory != Done AND {Host} IS NOT EMPTY ORDER BY {Host} ASC, key ASC',
  },
  {
    id: 'open-by-web-app',
    title: 'Open, by web application',
    answers: 'What is open on any Qualys WAS web application, grouped by application?',
    jql: '{scope} AND statusCategory != Done AND {Web Application} IS NOT EMPTY ORDER BY {Web Application} ASC, key ASC',
  },
  {
    id: 'open-by-image',
    title: 'Open, by container image',
    answers: 'What is open in any container image, grouped by image?',
    jql: '{scope} AND statusCategory != Done AND {Container Image} IS NOT EMPTY ORDER BY {Container Image} ASC, key ASC',
  },
  {
    id: 'open-by-xray-watch',
    title: 'Open, by Xray watch',
    answers: 'What is open for any JFrog Xray watch, grouped by watch?',
    jql: '{scope} AND statusCategory != Done AND {Xray Watch} IS NOT EMPTY ORDER BY {Xray Watch} ASC, key ASC',
  },
  {
    id: 'all-tickets',
    title: 'Every ticket',
    answers: 'Every ticket of the job, open or closed, newest first (the dashboards\' created-vs-resolved chart)?',
    jql: '{scope} ORDER BY created DESC, key ASC',
  },
];

const FIELD = /\{([^{}]+)\}/g;

/** The custom field names the recipes use, each once, in order of first use. */
export function recipeFieldNames(recipes: readonly JqlRecipe[] = JQL_RECIPES): string[] {
  const names = new Set<string>();
  for (const r of recipes) for (const m of r.jql.matchAll(FIELD)) if (m[1] !== 'scope') names.add(m[1] as string);
  return [...names];
}

/** A JQL string literal (quotes and backslashes escaped). */
export function jqlQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The project and job label every recipe starts with; several jobs (a dashboard's) as `labels in (...)`. */
export function recipeScope(project: string, job: string | readonly string[]): string {
  const p = /^[A-Z][A-Z0-9_]*$/.test(project) ? project : jqlQuote(project);
  const jobs = typeof job === 'string' ? [job] : job;
  const labels = jobs.map((j) => jqlQuote(`vb-job-${j}`));
  return `project = ${p} AND labels ${labels.length === 1 ? `= ${labels[0]}` : `in (${labels.join(', ')})`}`;
}

/** The recipe's JQL for this project and job; `clause` gives a field's JQL name (default the quoted name). */
export function renderRecipe(r: JqlRecipe, to: { project: string; job: string; clause?: (fieldName: string) => string | undefined; scope?: string }): string {
  return r.jql.replace(FIELD, (_all, name: string) => (name === 'scope' ? (to.scope ?? recipeScope(to.project, to.job)) : (to.clause?.(name) ?? jqlQuote(name))));
}
