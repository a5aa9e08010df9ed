import type { AppContext } from '../appContext.js';
import { dashboardsCommand } from './dashboardsCommand.js';

/** What the demo needs of the Jira simulator (structural: only demoCommand.ts imports tests/sim/). */
export interface DashboardViewer {
  viewDashboard(name: string): Array<{ title: string; state: string; [k: string]: unknown }> | undefined;
  issues(): Array<{ projectKey: string; status: string; fields: Record<string, unknown> }>;
}

/**
 * The demo's last step: `vulnbridge dashboards --apply` on the Jira simulator, then per
 * dashboard what each gadget shows (the simulator's evaluator), the pie checked against a
 * direct count of the demo's open tickets, and a second run that makes no write.
 */
export async function dashboardsRound(app: AppContext, jira: DashboardViewer, out: (t: string) => void): Promise<number> {
  out('\n== vulnbridge dashboards --apply: saved filters per job, a dashboard per project with configured gadgets');
  const first = await dashboardsCommand(app.config, { apply: true, prune: false, state: app.state, out: () => undefined });
  const made = (kind: string) => first.lines.filter((l) => l.kind === kind && l.action === 'create').length;
  const skipped = first.lines.filter((l) => l.action === 'skip').length;
  out(`${made('filter')} saved filters, ${made('dashboard')} dashboards, ${made('gadget')} gadgets in ${first.writes} Jira writes${skipped ? ` (${skipped} recipes skipped: their custom field is not on this Jira)` : ''}.`);
  let exit = 0;
  const dashboards = [...new Set(first.lines.filter((l) => l.kind === 'dashboard').map((l) => l.name))];
  for (const name of dashboards) {
    out(`Dashboard ${name}:`);
    for (const v of jira.viewDashboard(name) ?? []) out(`  ${v.title}: ${describeView(v)}`);
    const pie = jira.viewDashboard(name)?.find((v) => v.state === 'pie');
    const shown = Object.values((pie?.counts ?? {}) as Record<string, number>).reduce((n, c) => n + c, 0);
    const labels = new Set(app.config.jobs.filter((j) => j.project === name).map((j) => `vb-job-${j.name}`));
    const open = jira.issues().filter((i) => i.projectKey === name && i.status !== 'Done' && ((i.fields.labels as string[] | undefined) ?? []).some((l) => labels.has(l))).length;
    out(`  (the pie shows ${shown} open tickets; counted directly in Jira: ${open}${shown === open ? ', the same' : ', DIFFERENT'})`);
    if (shown !== open) exit = 1;
  }
  const again = await dashboardsCommand(app.config, { apply: true, prune: false, state: app.state, out: () => undefined });
  out(`Run again: ${again.writes} Jira writes (everything already in step).`);
  return exit | (again.writes === 0 ? 0 : 1);
}

function describeView(v: { state: string; [k: string]: unknown }): string {
  switch (v.state) {
    case 'filter results':
      return `${v.total} issues${(v.keys as string[]).length ? `: ${(v.keys as string[]).slice(0, 5).join(', ')}${(v.total as number) > 5 ? ', ...' : ''}` : ''}`;
    case 'pie':
      return Object.entries(v.counts as Record<string, number>).map(([k, n]) => `${k} ${n}`).join(', ') || 'no open tickets';
    case 'two-dimensional':
      return Object.entries(v.counts as Record<string, Record<string, number>>).map(([y, row]) => `${y}: ${Object.entries(row).map(([x, n]) => `${x} ${n}`).join(' ')}`).join('; ') || 'no open tickets';
    case 'created vs resolved':
      return `${v.created} created, ${v.resolved} resolved in the last ${v.days} days`;
    default:
      return `${v.state}${v.why ? ` (${v.why})` : ''}`;
  }
}
