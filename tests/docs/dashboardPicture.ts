import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../connector/cli/appContext.js';
import { dashboardsCommand } from '../../connector/cli/commands/dashboardsCommand.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { DASHBOARD_NOW, dashboardSimData, seedDashboardTickets, writeDashboardConfig } from '../cli/support/dashboardFixture.js';
import { dashboardSvg } from '../sim/jira/dashboardSvg.js';
import { SIM_CREDENTIALS, startJiraSim } from '../sim/jira/startJiraSim.js';

const TOKEN_ENV = 'VB_DASH_PICTURE_TOKEN';

/**
 * `vulnbridge dashboards --apply` on the Jira Cloud simulator over the dashboard tests'
 * tickets, and the picture of what each gadget then shows (docs/dashboard.svg).
 */
export async function renderDashboardPicture(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-dash-svg-'));
  const sim = await startJiraSim({ flavor: 'cloud', data: dashboardSimData(), now: () => DASHBOARD_NOW, validateAgainstOpenApi: false });
  const saved = process.env[TOKEN_ENV];
  process.env[TOKEN_ENV] = SIM_CREDENTIALS.token;
  const state = openStateBundle(path.join(dir, 'state'));
  try {
    seedDashboardTickets(sim);
    await dashboardsCommand(readConfig(writeDashboardConfig(sim, dir, TOKEN_ENV)), { apply: true, prune: false, state, out: () => undefined });
    const d = sim.reporting.dashboardByName('VULN');
    const views = sim.viewDashboard('VULN') ?? [];
    const columns = [...(d?.gadgets ?? [])].sort((a, b) => a.column - b.column || a.row - b.row).map((g) => g.column);
    return dashboardSvg('VULN', views.map((v, i) => ({ ...v, column: columns[i] ?? 0 })), 'Made by `vulnbridge dashboards --apply` on the Jira simulator; numbers from its gadget evaluator over job vmdr\'s 5 tickets (2026-12-10).');
  } finally {
    state.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[TOKEN_ENV];
    else process.env[TOKEN_ENV] = saved;
  }
}

// `npm run docs:dashboard` writes the picture.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync('docs/dashboard.svg', await renderDashboardPicture());
  process.stdout.write('wrote docs/dashboard.svg\n');
}
