import { expect } from 'chai';
import { customField, defaultSimData } from './simData.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from './startJiraSim.js';

const NOW = new Date('2026-12-10T12:00:00Z');
const AUTH = `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}`;

async function search(sim: JiraSim, jql: string): Promise<{ status: number; keys: string[]; error?: string }> {
  const res = await fetch(`${sim.url}/rest/api/3/search/jql`, {
    method: 'POST',
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ jql, fields: ['key'], maxResults: 100 }),
  });
  const body = (await res.json()) as { issues?: Array<{ key: string }>; errorMessages?: string[] };
  return { status: res.status, keys: (body.issues ?? []).map((i) => i.key), error: body.errorMessages?.[0] };
}

describe('sim/jira JQL: dates, custom fields, OR, ORDER BY', () => {
  let sim: JiraSim;
  before(async () => {
    const data = defaultSimData();
    data.fields.push(customField(10900, 'CVSS Score', 'float'), customField(10901, 'Host', 'textfield'), customField(10902, 'Risk Level', 'select', ['Critical', 'High', 'Low']));
    sim = await startJiraSim({ flavor: 'cloud', data, now: () => NOW });
    const seed = (labels: string[], fields: Record<string, unknown>, more: Parameters<JiraSim['seedIssue']>[0] = {}) => sim.seedIssue({ labels, fields, ...more });
    seed(['a'], { customfield_10900: 9.8, customfield_10901: 'web01.example.com', customfield_10902: { value: 'Critical' }, duedate: '2026-12-01', priority: { name: 'Highest' } }, { created: '2026-11-01T00:00:00Z' }); // VULN-1
    seed(['a', 'b'], { customfield_10900: 5, customfield_10901: 'db01', customfield_10902: { value: 'Low' }, duedate: '2026-12-15', priority: { name: 'Low' } }, { created: '2026-12-09T00:00:00Z' }); // VULN-2
    seed(['b'], { customfield_10902: { value: 'High' }, priority: { name: 'High' } }, { status: 'Done', created: '2026-10-01T00:00:00Z', resolved: '2026-12-02T00:00:00Z' }); // VULN-3
    seed([], {}, { status: 'Closed', resolution: "Won't Do", created: '2026-12-10T11:00:00Z', resolved: '2026-11-20T00:00:00Z' }); // VULN-4
  });
  after(() => sim.close());

  const cases: Array<[string, string[]]> = [
    ['project = VULN AND duedate < now() ORDER BY key ASC', ['VULN-1']],
    ['project = VULN AND due >= startOfDay() AND due <= 7d', ['VULN-2']],
    ['project = VULN AND duedate IS EMPTY ORDER BY key', ['VULN-3', 'VULN-4']],
    ['project = VULN AND created >= -7d ORDER BY created DESC', ['VULN-4', 'VULN-2']],
    ['project = VULN AND created <= "2026/11/01" ORDER BY key', ['VULN-1', 'VULN-3']],
    ['project = VULN AND resolved >= startOfMonth() ORDER BY key', ['VULN-3']],
    ['project = VULN AND resolutiondate >= startOfMonth(-1) AND resolutiondate < startOfMonth()', ['VULN-4']],
    ['project = VULN AND "CVSS Score" >= 9', ['VULN-1']],
    ['project = VULN AND cf[10900] < 9 ORDER BY key', ['VULN-2']],
    ['project = VULN AND "cvss score" is not empty ORDER BY cf[10900] DESC', ['VULN-1', 'VULN-2']],
    ['project = VULN AND Host ~ "WEB01"', ['VULN-1']],
    ['project = VULN AND Host !~ "web01"', ['VULN-2']],
    ['project = VULN AND "Risk Level" in (Critical, High) ORDER BY "Risk Level" ASC', ['VULN-1', 'VULN-3']],
    ['project = VULN AND (labels = a OR statusCategory = Done) ORDER BY key DESC', ['VULN-4', 'VULN-3', 'VULN-2', 'VULN-1']],
    ['project = VULN AND labels != a ORDER BY key', ['VULN-3']],
    ['project = VULN AND NOT labels = a ORDER BY key', ['VULN-3', 'VULN-4']],
    ['project = VULN AND labels IS EMPTY', ['VULN-4']],
    ['project = VULN AND statusCategory in ("To Do", indeterminate) ORDER BY key', ['VULN-1', 'VULN-2']],
    ['project = VULN AND statusCategory = 3 AND resolution = Unresolved', []],
    ['project = VULN AND resolution = "Won\'t Do"', ['VULN-4']],
    ['project = VULN AND resolution IS EMPTY ORDER BY key', ['VULN-1', 'VULN-2']],
    ['project = VULN AND priority >= High ORDER BY priority DESC', ['VULN-1', 'VULN-3']],
    ['project = VULN AND priority in (Low, Highest) ORDER BY priority ASC, key DESC', ['VULN-2', 'VULN-1']],
    ['project = VULN ORDER BY duedate ASC, key DESC', ['VULN-1', 'VULN-2', 'VULN-4', 'VULN-3']],
  ];
  for (const [jql, keys] of cases) {
    it(jql, async () => {
      const r = await search(sim, jql);
      expect(r.status, r.error).to.equal(200);
      expect(r.keys).to.deep.equal(keys);
    });
  }

  const errors: Array<[string, RegExp]> = [
    ['project = VULN AND "No Such Field" = 1', /Field 'No Such Field' does not exist/],
    ['project = VULN AND cf[99999] = 1', /Field 'cf\[99999\]' does not exist/],
    ['project = VULN AND duedate < lastFullMoon()', /Unable to find JQL function 'lastFullMoon\(\)'/],
    ['project = VULN AND Host = "web01"', /operator '=' is not supported by the 'Host' field/],
    ['project = VULN AND labels > a', /operator '>' is not supported/],
    ['project = VULN AND duedate < "next tuesday"', /Date value 'next tuesday' for field 'duedate' is invalid/],
    ['project = VULN AND "Risk Level" = Medium', /option 'Medium' for field 'Risk Level' does not exist/],
    ['project = VULN AND statusCategory = Finished', /value 'Finished' does not exist for the field 'statusCategory'/],
    ['project = NOPE', /value 'NOPE' does not exist for the field 'project'/],
    ['project = VULN AND (labels = a', /Expecting/],
    ['project = VULN labels = a', /Expecting either 'OR' or 'AND'/],
  ];
  for (const [jql, message] of errors) {
    it(`400: ${jql}`, async () => {
      const r = await search(sim, jql);
      expect(r.status).to.equal(400);
      expect(r.error).to.match(message);
    });
  }
});
