import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { jqlCommand } from '../../connector/cli/commands/jqlCommand.js';
import { JQL_RECIPES, recipeFieldNames, renderRecipe } from '../../connector/cli/jqlRecipes.js';
import { readConfig } from '../../connector/cli/appContext.js';
import { customField, defaultSimData, type SimData } from '../sim/jira/simData.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim, type SeedIssue } from '../sim/jira/startJiraSim.js';
import { runMain } from './support/runMain.js';

/** Thursday 10 December 2026, noon UTC: startOfDay() is the 10th, startOfMonth() the 1st, -30d 10 November. */
const NOW = new Date('2026-12-10T12:00:00Z');
const DOC = 'docs/jql.md';
const TOKEN_ENV = 'VB_JQL_TEST_JIRA_TOKEN';

/** The contract's custom fields (issue 12), as `vulnbridge setup` creates them. */
const CONTRACT: Array<[string, Parameters<typeof customField>[2], string[]?]> = [
  ['Severity', 'select', ['Critical', 'High', 'Medium', 'Low', 'Info']],
  ['CVSS Score', 'float'],
  ['QDS', 'float'],
  ['TruRisk Score', 'float'],
  ['CVE IDs', 'labels'],
  ['First Found', 'datetime'],
  ['Last Found', 'datetime'],
  ['Host', 'textfield'],
  ['IP Address', 'textfield'],
  ['Web Application', 'textfield'],
  ['Container Image', 'textfield'],
  ['Container', 'textfield'],
  ['Artifact', 'textfield'],
  ['Asset Tags', 'labels'],
  ['Scanner', 'select', ['Qualys VMDR', 'Qualys WAS', 'Qualys Container Security', 'JFrog Xray']],
  ['Xray Watch', 'textfield'],
];

/** The simulator's default data with the contract's fields in place of the Qualys reference ones of the same name. */
function cookbookData(drop: string[] = []): SimData {
  const data = defaultSimData();
  const names = new Set(CONTRACT.map(([n]) => n.toLowerCase()));
  data.fields = data.fields.filter((f) => !names.has(f.name.toLowerCase()));
  CONTRACT.filter(([n]) => !drop.includes(n)).forEach(([name, kind, options], i) => data.fields.push(customField(11000 + i, name, kind, options)));
  return data;
}

/** The recipes of docs/jql.md: `### title`, `What it answers: ...`, a ```jql block. */
function docRecipes(): Array<{ title: string; answers: string; jql: string }> {
  const text = readFileSync(DOC, 'utf8');
  return [...text.matchAll(/^### (.+)\n\nWhat it answers: (.+)\n\n```jql\n([\s\S]*?)\n```$/gm)].map((m) => ({ title: m[1] as string, answers: m[2] as string, jql: m[3] as string }));
}

/**
 * Tickets of job vmdr in VULN (VULN-1..11) and two decoys that match every recipe but
 * for their scope: another job's label (VULN-12) and another project (OPS-1).
 */
function seed(sim: JiraSim): void {
  const id = (name: string) => (name === 'duedate' ? name : sim.data.fields.find((f) => f.name === name)?.id);
  // A field the test took out of Jira is not seeded.
  const fields = (f: Record<string, unknown>) => Object.fromEntries(Object.entries(f).flatMap(([k, v]) => (id(k) ? [[id(k), v]] : [])));
  const sev = (value: string) => ({ value });
  const ticket = (labels: string[], f: Record<string, unknown>, more: SeedIssue = {}) => sim.seedIssue({ labels: ['vulnbridge', 'vb-job-vmdr', ...labels], fields: fields(f), ...more });
  const web01 = 'web01.example.com';
  // 1: open critical on web01, overdue and marked breached, KEV.
  ticket(['vb-sla-breached', 'vb-kev'], { Severity: sev('Critical'), 'CVSS Score': 9.8, Host: web01, 'First Found': '2026-10-01T08:00:00.000+0000', duedate: '2026-12-05' });
  // 2: in progress, high on web01, due in 4 days, tagged pci.
  ticket([], { Severity: sev('High'), 'CVSS Score': 7.5, Host: web01, 'First Found': '2026-11-20T08:00:00.000+0000', duedate: '2026-12-14', 'Asset Tags': ['pci'] }, { status: 'In Progress' });
  // 3: medium on web01, due today (due soon, not overdue), of an Xray watch, first found long ago.
  ticket([], { Severity: sev('Medium'), 'CVSS Score': 5, Host: web01, 'First Found': '2026-09-01T08:00:00.000+0000', duedate: '2026-12-10', 'Xray Watch': 'prod-watch' });
  // 4: critical on db01, due in exactly 7 days, of a web app, KEV.
  ticket(['vb-kev'], { Severity: sev('Critical'), 'CVSS Score': 9.1, Host: 'db01.example.com', 'First Found': '2026-11-01T08:00:00.000+0000', duedate: '2026-12-17', 'Web Application': 'Shop Frontend' });
  // 5: low, found two days ago, of an image, due next year.
  ticket([], { Severity: sev('Low'), Host: 'db01.example.com', 'First Found': '2026-12-08T08:00:00.000+0000', duedate: '2027-04-07', 'Container Image': 'registry.example.com/shop/api:1.4' });
  // 6: fixed, closed by vulnbridge on time this month (was critical on web01, KEV, pci).
  ticket(['vb-sla-met', 'vb-kev'], { Severity: sev('High'), 'CVSS Score': 9.5, Host: web01, duedate: '2026-12-04', 'Asset Tags': ['pci'], 'Detection Status': 'Fixed' }, { status: 'Done', resolved: '2026-12-03T10:00:00Z' });
  // 7: ignored in Qualys, closed by vulnbridge late this month.
  ticket(['vb-sla-missed'], { Severity: sev('Critical'), 'Detection Status': 'Active', duedate: '2026-12-01' }, { status: 'Done', resolved: '2026-12-08T10:00:00Z' });
  // 8: fixed last month.
  ticket(['vb-sla-met'], { Severity: sev('Medium'), 'Detection Status': 'Fixed' }, { status: 'Done', resolved: '2026-11-25T10:00:00Z' });
  // 9: risk accepted by a person in Jira.
  ticket([], { Severity: sev('High'), Host: web01 }, { status: 'Closed', resolution: "Won't Do", resolved: '2026-12-02T10:00:00Z' });
  // 10: closed as Done by a person.
  ticket([], { Severity: sev('Low') }, { status: 'Closed', resolution: 'Done', resolved: '2026-12-06T10:00:00Z' });
  // 11: in progress, overdue, not yet marked breached (the next cycle marks it), first found a while ago.
  ticket([], { Severity: sev('High'), 'CVSS Score': 8, Host: 'app01.example.com', 'First Found': '2026-10-15T08:00:00.000+0000', duedate: '2026-11-30' }, { status: 'In Progress' });
  // Decoys: like ticket 1 with everything every open recipe looks for, out of scope.
  const everything = { Severity: sev('Critical'), 'CVSS Score': 10, Host: web01, 'First Found': '2026-01-01T00:00:00.000+0000', duedate: '2026-12-12', 'Xray Watch': 'prod-watch', 'Web Application': 'Shop Frontend', 'Container Image': 'registry.example.com/shop/api:2', 'Asset Tags': ['pci'] };
  sim.seedIssue({ labels: ['vb-job-other', 'vb-sla-breached', 'vb-kev'], fields: fields(everything) });
  sim.seedIssue({ project: 'OPS', labels: ['vb-job-vmdr', 'vb-sla-breached', 'vb-kev'], fields: fields(everything) });
}

/** Each recipe's answer on the seeded tickets, in the recipe's order. */
const EXPECTED: Record<string, number[]> = {
  'open-critical-high-on-host': [1, 2],
  'open-cvss-9': [1, 4],
  overdue: [11, 1],
  breached: [1],
  'due-next-7-days': [3, 2, 4],
  'age-by-severity': [1, 4, 11, 3],
  'per-xray-watch': [3],
  'per-web-app': [4],
  'per-image': [5],
  'per-asset-tag': [2],
  'fixed-this-month': [7, 6],
  'missed-this-month': [7],
  'risk-accepted': [9],
  'closed-by-person': [10],
  'ignored-in-qualys': [7],
  'kev-open': [1, 4],
  'open-by-priority': [1, 2, 3, 4, 5, 11],
  'new-last-7-days': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  'fixed-last-30-days': [7, 10, 6, 8],
  'open-by-host': [11, 4, 5, 1, 2, 3],
  'open-by-web-app': [4],
  'open-by-image': [5],
  'open-by-xray-watch': [3],
  'all-tickets': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

async function search(sim: JiraSim, jql: string): Promise<string[]> {
  const cloud = sim.flavor === 'cloud';
  const auth = cloud ? `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}` : `Bearer ${SIM_CREDENTIALS.pat}`;
  const res = await fetch(`${sim.url}/rest/api/${cloud ? '3/search/jql' : '2/search'}`, {
    method: 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ jql, fields: ['key'], maxResults: 100 }),
  });
  const body = (await res.json()) as { issues?: Array<{ key: string }>; errorMessages?: string[] };
  expect(res.status, `${jql}: ${body.errorMessages?.join(' ')}`).to.equal(200);
  return (body.issues ?? []).map((i) => i.key);
}

const keys = (ns: number[]) => ns.map((n) => `VULN-${n}`);

describe('docs/jql.md: the JQL cookbook', () => {
  it('has every recipe of connector/cli/jqlRecipes.ts, in order, as `vulnbridge jql` prints it for project VULN and job vmdr', () => {
    const doc = docRecipes();
    expect(doc.map((r) => r.title)).to.deep.equal(JQL_RECIPES.map((r) => r.title));
    JQL_RECIPES.forEach((r, i) => {
      expect(doc[i]?.answers, r.id).to.equal(r.answers);
      expect(doc[i]?.jql, r.id).to.equal(renderRecipe(r, { project: 'VULN', job: 'vmdr' }));
    });
    expect(Object.keys(EXPECTED)).to.deep.equal(JQL_RECIPES.map((r) => r.id));
  });

  for (const flavor of ['cloud', 'datacenter'] as const) {
    describe(`each recipe on the Jira simulator (${flavor})`, () => {
      let sim: JiraSim;
      before(async () => {
        sim = await startJiraSim({ flavor, data: cookbookData(), now: () => NOW });
        seed(sim);
      });
      after(() => sim.close());

      it('the JQL fragments of "Adapting a recipe" run', async () => {
        const text = readFileSync(DOC, 'utf8');
        const section = text.slice(text.indexOf('## Adapting a recipe'));
        const fragments = [...section.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
        expect(fragments.length).to.be.at.least(4);
        for (const f of fragments) await search(sim, `project = VULN AND (${f})`);
      });

      JQL_RECIPES.forEach((r, i) => {
        it(`${r.id}: the page's JQL returns exactly the expected tickets, and so does it with cf[id] names`, async () => {
          const fromDoc = docRecipes()[i]?.jql as string;
          expect(await search(sim, fromDoc)).to.deep.equal(keys(EXPECTED[r.id] as number[]));
          const byId = (name: string) => {
            const f = sim.data.fields.filter((x) => x.custom && x.name === name);
            expect(f, name).to.have.length(1);
            return `cf[${(f[0] as { id: string }).id.replace('customfield_', '')}]`;
          };
          const withIds = renderRecipe(r, { project: 'VULN', job: 'vmdr', clause: byId });
          if (recipeFieldNames([r]).length) expect(withIds).to.match(/cf\[\d+\]/).and.not.match(/"(Severity|CVSS Score|First Found|Host|Detection Status)"/);
          expect(await search(sim, withIds)).to.deep.equal(keys(EXPECTED[r.id] as number[]));
        });
      });
    });
  }
});

describe('vulnbridge jql', () => {
  let sim: JiraSim;
  let dir: string;
  const saved = process.env[TOKEN_ENV];
  const configFor = (url: string, job = 'vmdr') =>
    [
      `stateDir: ${JSON.stringify(path.join(dir, 'state'))}`,
      'log: { level: error }',
      'jobs:',
      `  - name: ${job}`,
      '    schedule: "0 */4 * * *"',
      `    template: ${JSON.stringify(path.resolve('templates/vmdr-per-detection.json'))}`,
      '    project: VULN',
      '    source:',
      '      type: qualys-vmdr',
      '      url: https://qualysapi.qg2.apps.qualys.com',
      '      username: { env: VB_JQL_TEST_UNUSED }',
      '      password: { env: VB_JQL_TEST_UNUSED }',
      '    sink:',
      '      type: jira',
      `      url: ${url}`,
      '      flavor: cloud',
      '      email: bot@example.com',
      `      token: { env: ${TOKEN_ENV} }`,
      '',
    ].join('\n');
  const writeConfig = (url: string, job?: string) => {
    const file = path.join(dir, 'vulnbridge.yml');
    writeFileSync(file, configFor(url, job));
    return file;
  };

  before(async () => {
    // Without Xray Watch: the command says it is missing and prints it by name.
    sim = await startJiraSim({ flavor: 'cloud', data: cookbookData(['Xray Watch']), now: () => NOW });
    seed(sim);
  });
  after(() => sim.close());
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-jql-'));
    process.env[TOKEN_ENV] = SIM_CREDENTIALS.token;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[TOKEN_ENV];
    else process.env[TOKEN_ENV] = saved;
  });

  it('with Jira reachable: prints every recipe for the job with cf[id] names; what it prints runs and answers as the page does', async () => {
    const r = await runMain(['jql', '--config', writeConfig(sim.url), '--job', 'vmdr']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('# job vmdr: project VULN, label vb-job-vmdr\n');
    expect(r.stdout).to.include('Not on Jira yet: Xray Watch');
    const cvss = (sim.data.fields.find((f) => f.name === 'CVSS Score') as { id: string }).id.replace('customfield_', '');
    expect(r.stdout).to.include(`\n## Open findings with CVSS 9 or more\nWhich open findings have a CVSS score of at least 9?\nproject = VULN AND labels = "vb-job-vmdr" AND statusCategory != Done AND cf[${cvss}] >= 9 ORDER BY cf[${cvss}] DESC, key ASC\n`);
    expect(r.stdout).to.include('"Xray Watch" ~ "prod-watch"');

    const json = await runMain(['jql', '--config', writeConfig(sim.url), '--json']);
    const out = JSON.parse(json.stdout) as { jobs: Array<{ job: string; fields: string; missing: string[]; lanes: Array<{ project: string; label: string; recipes: Array<{ id: string; jql: string }> }> }> };
    const [job] = out.jobs;
    expect(job).to.include({ job: 'vmdr', fields: 'jira' });
    expect(job?.missing).to.deep.equal(['Xray Watch']);
    expect(job?.lanes.map((l) => [l.project, l.label])).to.deep.equal([['VULN', 'vb-job-vmdr']]);
    for (const recipe of job?.lanes[0]?.recipes ?? []) {
      if (recipe.id === 'per-xray-watch' || recipe.id === 'open-by-xray-watch') continue; // Jira has no such field here: a 400, as the note says
      expect(recipe.jql, recipe.id).not.to.match(/"(Severity|CVSS Score|First Found|Host)"/);
      expect(await search(sim, recipe.jql), recipe.id).to.deep.equal(keys(EXPECTED[recipe.id] as number[]));
    }
  });

  it('offline (Jira unreachable, or its secret unset): prints the recipes with the fields by name, exit 0', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const lines: string[] = [];
    const code = await jqlCommand(readConfig(writeConfig(closed, 'xray')), { json: false, out: (l) => lines.push(l), sinkDeps: { retry: { retries: 0, minTimeoutMs: 0, maxTimeoutMs: 0 } }, timeoutMs: 5000 });
    expect(code).to.equal(0);
    const text = lines.join('\n');
    expect(text).to.include('# job xray: project VULN, label vb-job-xray');
    expect(text).to.match(/Custom fields by name: Jira not reachable \(/);
    for (const r of JQL_RECIPES) expect(text).to.include(renderRecipe(r, { project: 'VULN', job: 'xray' }));
    expect(recipeFieldNames().every((n) => text.includes(`"${n}"`))).to.equal(true);

    delete process.env[TOKEN_ENV];
    const unset = await runMain(['jql', '--config', writeConfig(sim.url)]);
    expect(unset.code).to.equal(0);
    expect(unset.stdout).to.match(new RegExp(`Custom fields by name: Jira not asked \\(.*${TOKEN_ENV}`));
    expect(unset.stdout).to.include(renderRecipe(JQL_RECIPES[0]!, { project: 'VULN', job: 'vmdr' }));
  });

  it('a job whose routes send tickets to another project prints the recipes for each project and job label', async () => {
    const file = path.join(dir, 'routed.yml');
    const routes = ['    routes:', '      - when: { minSeverity: Critical }', '        actions: [ { jira: { project: OPS } }, { pagerduty: { routingKey: { env: VB_JQL_TEST_UNSET_KEY } } } ]', '      - actions: [ { jira: {} } ]'];
    writeFileSync(file, configFor(sim.url).replace('    source:\n', `${routes.join('\n')}\n    source:\n`));
    const lines: string[] = [];
    expect(await jqlCommand(readConfig(file), { json: false, out: (l) => lines.push(l) })).to.equal(0);
    const heads = lines.filter((l) => l.startsWith('# job '));
    expect(heads).to.have.length(2);
    expect(heads[0]).to.match(/^# job vmdr: project OPS, label vb-job-vmdr-[0-9A-Za-z_-]{6}$/);
    expect(heads[1]).to.equal('# job vmdr: project VULN, label vb-job-vmdr');
  });

  it('an unknown --job is a config error naming the jobs', async () => {
    const r = await runMain(['jql', '--config', writeConfig(sim.url), '--job', 'nope']).catch((err: Error) => err);
    expect(String(r instanceof Error ? r.message : '')).to.match(/no job named "nope"/);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
