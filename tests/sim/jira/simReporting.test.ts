import { expect } from 'chai';
import { SIM_GADGETS } from './simGadgets.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from './startJiraSim.js';

const NOW = new Date('2026-12-10T12:00:00Z');
const CLOUD = `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}`;
const PIE = SIM_GADGETS.find((g) => g.kind === 'pie')!.uri;

describe('sim/jira reporting: filters, dashboards, gadgets and what they show', () => {
  let sim: JiraSim;
  const call = async (method: string, path: string, body?: unknown, auth = CLOUD) => {
    const res = await fetch(`${sim.url}${path}`, { method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };
  beforeEach(async () => {
    sim = await startJiraSim({ flavor: 'cloud', now: () => NOW });
    sim.seedIssue({ labels: ['vb-job-a'], fields: { priority: { name: 'High' } } });
    sim.seedIssue({ labels: ['vb-job-a'], fields: { priority: { name: 'High' } } });
    sim.seedIssue({ labels: ['vb-job-a'], fields: { priority: { name: 'Low' } } });
    sim.seedIssue({ labels: ['vb-job-a'], fields: { priority: { name: 'Low' } }, status: 'Done' });
  });
  afterEach(() => sim.close());

  async function pieWith(config: Record<string, unknown>) {
    const f = await call('POST', '/rest/api/3/filter', { name: 'open a', jql: 'labels = "vb-job-a" AND statusCategory != Done ORDER BY key' });
    expect(f.status).to.equal(200);
    expect(f.body.jql, 'Jira drops the quotes it does not need').to.equal('labels = "vb-job-a" AND statusCategory != Done ORDER BY key');
    const d = await call('POST', '/rest/api/3/dashboard', { name: 'VULN', sharePermissions: [{ type: 'project', project: { id: '10000' } }], editPermissions: [] });
    expect(d.status).to.equal(200);
    const g = await call('POST', `/rest/api/3/dashboard/${d.body.id}/gadget`, { uri: PIE, title: 'By priority', color: 'blue', position: { row: 0, column: 0 } });
    expect(g.status).to.equal(200);
    const put = await call('PUT', `/rest/api/3/dashboard/${d.body.id}/items/${g.body.id}/properties/config`, JSON.parse(JSON.stringify(config).replaceAll('FID', f.body.id)));
    return { put, view: sim.viewDashboard('VULN')! };
  }

  it('a pie chart bound under its own setting name shows the open tickets per priority', async () => {
    const { put, view } = await pieWith({ projectOrFilterId: 'filter-FID', statType: 'priorities', isConfigured: 'true' });
    expect(put.status).to.equal(201);
    expect(view).to.deep.equal([{ title: 'By priority', state: 'pie', filter: 'open a', statType: 'priorities', counts: { High: 2, Low: 1 } }]);
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.responseViolations).to.deep.equal([]);
  });

  it('the trap: bound as filterId (a name the pie does not declare), or without isConfigured, it shows "not configured" though Jira answered 2xx', async () => {
    const wrongName = await pieWith({ filterId: 'filter-FID', statType: 'priorities', isConfigured: 'true' });
    expect(wrongName.put.status).to.equal(201);
    expect(wrongName.view[0]).to.include({ state: 'not configured' });
    await sim.close();
    sim = await startJiraSim({ flavor: 'cloud', now: () => NOW });
    const unconfigured = await pieWith({ projectOrFilterId: 'filter-FID', statType: 'priorities' });
    expect(unconfigured.put.status).to.equal(201);
    expect(unconfigured.view[0]).to.include({ state: 'not configured' });
  });

  it('config values must all be strings (400), and a statistic type the instance lacks shows an error', async () => {
    const numbers = await pieWith({ projectOrFilterId: 'filter-FID', statType: 'priorities', isConfigured: true });
    expect(numbers.put.status).to.equal(400);
    await sim.close();
    sim = await startJiraSim({ flavor: 'cloud', now: () => NOW });
    const badStat = await pieWith({ projectOrFilterId: 'filter-FID', statType: 'priority', isConfigured: 'true' });
    expect(badStat.view[0]).to.include({ state: 'error' });
  });

  it('serves the gadget directory, each gadget spec XML with its UserPrefs, and statTypes', async () => {
    const dir = await call('GET', '/rest/api/3/dashboard/gadgets');
    expect(dir.body.gadgets.map((g: { title: string }) => g.title)).to.include.members(['Filter Results', 'Pie Chart', 'Two Dimensional Filter Statistics', 'Created vs. Resolved Chart']);
    const xml = await call('GET', `/${PIE}`);
    expect(xml.body).to.match(/<UserPref name="projectOrFilterId"/).and.not.match(/name="filterId"/);
    const stats = await call('GET', '/rest/gadget/1.0/statTypes');
    expect(stats.body.stats.map((s: { value: string }) => s.value)).to.include.members(['priorities', 'statuses']);
  });

  it('filters: found by name and owner with expand=jql; another owner may hold the same name; shares need the permission and an existing group', async () => {
    sim.reporting.seedFilter({ name: 'open a', jql: 'labels = x', owner: 'someone-else' });
    const mine = await call('POST', '/rest/api/3/filter', { name: 'open a', jql: 'labels = "pci"', sharePermissions: [{ type: 'group', group: { name: 'security-team' } }] });
    expect(mine.status).to.equal(200);
    expect(mine.body.jql).to.equal('labels = pci');
    const found = await call('GET', '/rest/api/3/filter/search?filterName=open%20a&accountId=5b10ac8d82e05b22cc7d4ef5&expand=jql,owner');
    expect(found.body.values.map((f: { id: string; jql: string }) => [f.id, f.jql])).to.deep.equal([[mine.body.id, 'labels = pci']]);
    const noGroup = await call('POST', '/rest/api/3/filter', { name: 'g', jql: 'labels = pci', sharePermissions: [{ type: 'group', group: { name: 'nobody' } }] });
    expect(noGroup).to.deep.include({ status: 400 });
    expect(noGroup.body.errorMessages[0]).to.equal("Group 'nobody' does not exist.");
    sim.reporting.canCreateShared = false;
    const noPerm = await call('POST', '/rest/api/3/dashboard', { name: 'x', sharePermissions: [{ type: 'project', project: { id: '10000' } }], editPermissions: [] });
    expect(noPerm.status).to.equal(400);
    const perms = await call('GET', '/rest/api/3/mypermissions?permissions=CREATE_SHARED_OBJECTS');
    expect(perms.body.permissions.CREATE_SHARED_OBJECTS.havePermission).to.equal(false);
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.responseViolations).to.deep.equal([]);
  });

  it('Data Center: filters by REST v2 with favourite, no filter search and no dashboard writes', async () => {
    await sim.close();
    sim = await startJiraSim({ flavor: 'datacenter', now: () => NOW });
    const pat = `Bearer ${SIM_CREDENTIALS.pat}`;
    const f = await call('POST', '/rest/api/2/filter', { name: 'open', jql: 'labels = "pci"', favourite: true }, pat);
    expect(f.status).to.equal(200);
    expect((await call('GET', `/rest/api/2/filter/${f.body.id}`, undefined, pat)).body.jql).to.equal('labels = pci');
    expect((await call('GET', '/rest/api/2/filter/favourite', undefined, pat)).body.map((x: { id: string }) => x.id)).to.deep.equal([f.body.id]);
    expect((await call('GET', '/rest/api/2/filter/search?filterName=open', undefined, pat)).status).to.equal(404);
    expect((await call('POST', '/rest/api/2/dashboard', { name: 'x' }, pat)).status).to.equal(404);
  });
});
