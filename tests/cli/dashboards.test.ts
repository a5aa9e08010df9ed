import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { readConfig } from '../../connector/cli/appContext.js';
import { dashboardsCommand, type DashboardsResult } from '../../connector/cli/commands/dashboardsCommand.js';
import { describeError } from '../../connector/errors.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from '../sim/jira/startJiraSim.js';
import { DASHBOARD_NOW, dashboardSimData, seedDashboardTickets, writeDashboardConfig } from './support/dashboardFixture.js';

const NOW = DASHBOARD_NOW;
const TOKEN_ENV = 'VB_DASH_TEST_JIRA_TOKEN';
const data = dashboardSimData;
const seed = seedDashboardTickets;

describe('vulnbridge dashboards', () => {
  let dir: string;
  let state: State;
  const saved = process.env[TOKEN_ENV];
  const writeConfig = (sim: JiraSim, reporting: string[] = [], jobs = ['vmdr']) => readConfig(writeDashboardConfig(sim, dir, TOKEN_ENV, reporting, jobs));
  const run = async (sim: JiraSim, o: { apply?: boolean; prune?: boolean; job?: string; reporting?: string[]; jobs?: string[] } = {}): Promise<DashboardsResult & { text: string; simWrites: number }> => {
    const out: string[] = [];
    const before = sim.requests.filter((r) => r.method !== 'GET').length;
    const r = await dashboardsCommand(writeConfig(sim, o.reporting, o.jobs), { apply: o.apply ?? false, prune: o.prune ?? false, job: o.job, state, out: (t) => out.push(t), sinkDeps: { retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } } });
    return { ...r, text: out.join('\n'), simWrites: sim.requests.filter((x) => x.method !== 'GET').length - before };
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-dash-'));
    state = openStateBundle(path.join(dir, 'state'));
    process.env[TOKEN_ENV] = '';
  });
  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[TOKEN_ENV];
    else process.env[TOKEN_ENV] = saved;
  });

  describe('on Jira Cloud', () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor: 'cloud', data: data(), now: () => NOW });
      process.env[TOKEN_ENV] = SIM_CREDENTIALS.token;
      seed(sim);
    });
    afterEach(() => sim.close());

    it('a dry run prints what it would make and writes nothing', async () => {
      const r = await run(sim);
      expect(r.simWrites).to.equal(0);
      expect(r.writes).to.equal(0);
      expect(r.text).to.include('would create filter vulnbridge job vmdr: Overdue: project = VULN AND labels = "vb-job-vmdr" AND statusCategory != Done AND duedate < startOfDay()');
      expect(r.text).to.include('would create dashboard VULN: shared with project VULN');
      expect(r.text).to.match(/would create gadget VULN \/ Open by priority: projectOrFilterId=filter-NEW isConfigured=true statType=priorities/);
    });

    it('--apply builds the dashboard: every gadget configured, showing the numbers of the tickets; a re-run makes 0 writes', async () => {
      const first = await run(sim, { apply: true });
      expect(first.writes).to.be.greaterThan(0);
      expect(sim.openApiViolations).to.deep.equal([]);
      expect(sim.responseViolations).to.deep.equal([]);
      const view = sim.viewDashboard('VULN');
      expect(view).to.deep.equal([
        { title: 'Overdue', state: 'filter results', filter: 'vulnbridge dashboard VULN: Overdue', total: 2, keys: ['VULN-4', 'VULN-1'] },
        { title: 'Created vs resolved, 30 days', state: 'created vs resolved', filter: 'vulnbridge dashboard VULN: Every ticket', days: 30, created: 4, resolved: 1 },
        { title: 'Open by priority', state: 'pie', filter: 'vulnbridge dashboard VULN: Open, highest priority first', statType: 'priorities', counts: { High: 2, Low: 1, Medium: 1 } },
        { title: 'Open by severity and status', state: 'two-dimensional', filter: 'vulnbridge dashboard VULN: Open, highest priority first', x: 'statuses', y: 'customfield_11000', counts: { Critical: { Open: 1 }, High: { Open: 1, 'In Progress': 1 }, Low: { Open: 1 } } },
      ]);
      // Filters are shared with the project on create; the config property holds strings only.
      const d = sim.reporting.dashboardByName('VULN')!;
      expect(d.shares).to.deep.equal([{ type: 'project', projectId: '10000' }]);
      for (const f of sim.reporting.filters.values()) expect(f.shares).to.deep.equal([{ type: 'project', projectId: '10000' }]);
      expect([...sim.reporting.filters.values()].map((f) => f.name)).to.include.members(['vulnbridge job vmdr: Overdue', 'vulnbridge job vmdr: Open, by host', 'vulnbridge job vmdr: Known exploited vulnerabilities still open']);
      expect(state.reporting.list(new URL(sim.url).host, 'filter').length).to.equal(sim.reporting.filters.size);

      const again = await run(sim, { apply: true });
      expect(again.simWrites, again.text).to.equal(0);
      expect(again.writes).to.equal(0);
      expect(again.lines.every((l) => l.action === 'ok' || l.action === 'skip'), again.text).to.equal(true);
    });

    it('a filter or gadget deleted by hand is made again, a filter whose JQL a person changed is put back; positions are no identity', async () => {
      await run(sim, { apply: true });
      const d = sim.reporting.dashboardByName('VULN')!;
      const overdue = [...sim.reporting.filters.values()].find((f) => f.name === 'vulnbridge dashboard VULN: Overdue')!;
      sim.reporting.filters.delete(overdue.id);
      const pie = d.gadgets.find((g) => g.title === 'Open by priority')!;
      d.gadgets.splice(d.gadgets.indexOf(pie), 1);
      for (const g of d.gadgets) g.row += 3; // someone moved them
      const job = [...sim.reporting.filters.values()].find((f) => f.name === 'vulnbridge job vmdr: Due in the next 7 days')!;
      job.jql = 'project = VULN';
      const r = await run(sim, { apply: true });
      const acted = r.lines.filter((l) => l.action !== 'ok' && l.action !== 'skip').map((l) => `${l.action} ${l.kind} ${l.name}`);
      expect(acted).to.deep.equal([
        'update filter vulnbridge job vmdr: Due in the next 7 days',
        'create filter vulnbridge dashboard VULN: Overdue',
        'update gadget VULN / Overdue', // bound to the new filter's id
        'create gadget VULN / Open by priority',
      ]);
      expect(sim.viewDashboard('VULN')!.map((v) => v.state)).to.have.members(['filter results', 'pie', 'two-dimensional', 'created vs resolved']);
      expect((await run(sim, { apply: true })).simWrites).to.equal(0);
    });

    it('a run cut short (Jira refuses a gadget) is finished by the next one, with no second dashboard', async () => {
      sim.failNext(500, { match: /^POST \/rest\/api\/3\/dashboard\/\d+\/gadget$/, times: 1 });
      const cut = await run(sim, { apply: true }).then(() => undefined, (e: unknown) => e);
      expect(describeError(cut)).to.include(new URL(sim.url).host);
      expect(sim.reporting.dashboardByName('VULN')!.gadgets).to.deep.equal([]);
      await run(sim, { apply: true });
      expect(sim.reporting.dashboards.size).to.equal(1);
      expect(sim.viewDashboard('VULN')!.map((v) => v.state)).to.have.members(['filter results', 'pie', 'two-dimensional', 'created vs resolved']);
      expect((await run(sim, { apply: true })).simWrites).to.equal(0);
    });

    it('a job taken out of the config has its filters listed, and removed with --prune', async () => {
      await run(sim, { apply: true, jobs: ['vmdr', 'old'], reporting: ['reporting:', '  jobs: [vmdr, old]', '  dashboards: [{ project: VULN, jobs: [vmdr] }]'] });
      const oldFilters = [...sim.reporting.filters.values()].filter((f) => f.name.startsWith('vulnbridge job old:'));
      expect(oldFilters.length).to.be.greaterThan(3);
      const listed = await run(sim, { apply: true });
      expect(listed.simWrites).to.equal(0);
      expect(listed.lines.filter((l) => l.action === 'stale').map((l) => l.name)).to.have.members(oldFilters.map((f) => f.name));
      expect(listed.text).to.include('not configured filter vulnbridge job old: Overdue: job old no longer reports: `--prune` removes it');
      const pruned = await run(sim, { apply: true, prune: true });
      expect(pruned.lines.filter((l) => l.action === 'remove')).to.have.length(oldFilters.length);
      expect([...sim.reporting.filters.values()].filter((f) => f.name.startsWith('vulnbridge job old:'))).to.deep.equal([]);
      expect((await run(sim, { apply: true, prune: true })).simWrites).to.equal(0);
    });

    it('no "Create shared objects" permission: one message naming the host, the account and what to do; nothing made', async () => {
      sim.reporting.canCreateShared = false;
      const err = await run(sim, { apply: true }).then(() => undefined, (e: unknown) => e);
      expect(describeError(err)).to.equal(
        `${new URL(sim.url).host}: the account 5b10ac8d82e05b22cc7d4ef5 may not share saved filters or dashboards, so vulnbridge cannot make them (a Jira admin grants this account the global permission "Create shared objects" (Jira settings > System > Global permissions), then run \`vulnbridge dashboards --apply\` again)`,
      );
      expect(sim.requests.filter((r) => r.method !== 'GET')).to.deep.equal([]);
    });

    it('a share group Jira does not have, an unknown job or project: a clear message', async () => {
      const group = await run(sim, { apply: true, reporting: ['reporting:', '  share: { group: nobody }'] }).then(() => undefined, (e: unknown) => e);
      expect(describeError(group)).to.match(/cannot create saved filter "vulnbridge job vmdr: Open, highest priority first": .*Group 'nobody' does not exist.*create it in Jira, or change `share: \{ group: \.\.\. \}` in reporting:/);
      expect(describeError(group)).to.include(new URL(sim.url).host);
      const job = await run(sim, { reporting: ['reporting:', '  jobs: [vmdr, nope]'] }).then(() => undefined, (e: unknown) => e);
      expect(describeError(job)).to.match(/reporting\.jobs names job "nope", which is not in the config \(jobs in this config: vmdr\)/);
      const project = await run(sim, { reporting: ['reporting:', '  dashboards: [{ project: NOPE, jobs: [vmdr] }]'] }).then(() => undefined, (e: unknown) => e);
      expect(describeError(project)).to.include(`${new URL(sim.url).host}: project NOPE does not exist or this account cannot browse it`);
    });
  });

  describe('on Jira Data Center', () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor: 'datacenter', data: data(), now: () => NOW });
      process.env[TOKEN_ENV] = SIM_CREDENTIALS.pat;
      seed(sim);
    });
    afterEach(() => sim.close());

    it('makes the saved filters (favourites), writes the dashboard recipe, and finds them again by id or, state lost, among its favourites', async () => {
      const recipeDir = path.join(dir, 'reporting');
      const reporting = ['reporting:', `  recipeDir: ${JSON.stringify(recipeDir)}`];
      const r = await run(sim, { apply: true, reporting });
      expect(r.recipes).to.deep.equal([path.join(recipeDir, 'VULN.md')]);
      const md = readFileSync(path.join(recipeDir, 'VULN.md'), 'utf8');
      const overdue = [...sim.reporting.filters.values()].find((f) => f.name === 'vulnbridge dashboard VULN: Overdue')!;
      expect(overdue.favourite).to.equal(true);
      expect(md).to.include(`| Filter Results | Overdue | 1, 1 | vulnbridge dashboard VULN: Overdue (id ${overdue.id}) | Number of Results: 20; Columns to display: issuekey|summary|priority|status|duedate |`);
      expect(md).to.include('| Two Dimensional Filter Statistics | Open by severity and status | 2, 2 |');
      expect(md).to.include('X Axis: Status; Y Axis: Severity');
      expect(sim.reporting.dashboards.size).to.equal(0);
      expect((await run(sim, { apply: true, reporting })).simWrites).to.equal(0);
      state.close();
      rmSync(path.join(dir, 'state'), { recursive: true, force: true });
      state = openStateBundle(path.join(dir, 'state'));
      const lost = await run(sim, { apply: true, reporting });
      expect(lost.simWrites).to.equal(0);
      expect(existsSync(path.join(recipeDir, 'VULN.md'))).to.equal(true);
    });
  });
});
