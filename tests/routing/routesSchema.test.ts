import { expect } from 'chai';
import { routesSchema } from '../../connector/routing/routesSchema.js';
import { exampleRoutes } from './routesFixtures.js';

function issues(input: unknown): Array<{ path: PropertyKey[]; message: string }> {
  const r = routesSchema.safeParse(input);
  expect(r.success, 'expected the routes to be rejected').to.equal(false);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
}

describe('routing/routesSchema', () => {
  it('accepts the example config and fills the action defaults', () => {
    const r = exampleRoutes();
    expect(r.map((rule) => rule.name)).to.deep.equal(['critical-to-pager', 'banned-licenses', 'high-cvss', 'everything-else']);
    expect(r[0]!.when).to.deep.equal({ minSeverity: 'Critical' });
    expect(r[0]!.actions[1]).to.deep.include({
      pagerduty: {
        routingKey: { env: 'PD_KEY' },
        url: 'https://events.pagerduty.com/v2/enqueue',
        severity: {},
        groupBy: 'finding',
        eventsPerMinute: 120,
      },
    });
    expect(r[1]!.when).to.deep.equal({ types: ['license'], licenses: { banned: ['GPL-3.0', 'AGPL-3.0'], unknown: true } });
    expect(r[2]!.actions).to.deep.equal([{ jira: { project: 'SEC' } }]);
    expect(r[3]).to.deep.equal({ name: 'everything-else', actions: ['none'] });
  });

  it('takes severities and types as Xray users write them', () => {
    const r = routesSchema.parse([
      { when: { minSeverity: 'major', types: ['Security', 'Operational_Risk', 'LICENSE'] }, actions: ['none'] },
      { when: { minSeverity: 'Minor', qids: [197597, '38170'], cves: ['cve-2021-44228', 'CVE-2021-*'] }, actions: ['none'] },
    ]);
    expect(r[0]!.when).to.deep.equal({ minSeverity: 'High', types: ['security', 'operational_risk', 'license'] });
    expect(r[1]!.when?.minSeverity).to.equal('Low');
    expect(r[1]!.when?.qids).to.deep.equal([197597, '38170']);
  });

  it('rejects an unknown criterion at the rule\'s `when`', () => {
    const [issue] = issues([{ when: { minSeverty: 'High' }, actions: ['none'] }]);
    expect(issue).to.deep.equal({ path: [0, 'when'], message: 'Unrecognized key: "minSeverty"' });
  });

  it('rejects values with a message that says what is expected', () => {
    const found = issues([
      { when: { cvss: { min: 11 } }, actions: ['none'] },
      { when: { qds: { max: -1 }, trurisk: { min: 2000 } }, actions: ['none'] },
      { when: { minSeverity: 'Huge' }, actions: ['none'] },
      { when: { qids: ['abc'], cves: ['log4shell'], types: ['malware'] }, actions: ['none'] },
    ]);
    expect(found).to.deep.equal([
      { path: [0, 'when', 'cvss', 'min'], message: 'CVSS score runs from 0 to 10' },
      { path: [1, 'when', 'qds', 'max'], message: 'QDS runs from 0 to 100' },
      { path: [1, 'when', 'trurisk', 'min'], message: 'TruRisk score runs from 0 to 1000' },
      { path: [2, 'when', 'minSeverity'], message: 'expected one of Critical, High, Medium, Low, Information, Unknown (legacy Major = High, Minor = Low)' },
      { path: [3, 'when', 'types', 0], message: 'expected one of security, license, operational_risk, vulnerability (Qualys detections are all vulnerability)' },
      { path: [3, 'when', 'qids', 0], message: 'a QID is a number, e.g. 197597' },
      { path: [3, 'when', 'cves', 0], message: 'expected a CVE id such as CVE-2021-44228 (`*` matches anything: CVE-2021-*)' },
    ]);
  });

  it('rejects an empty routes list, a rule without actions, and an unknown license key', () => {
    expect(issues([])).to.deep.equal([{ path: [], message: 'give at least one rule, or leave `routes` out' }]);
    expect(issues([{ name: 'x', actions: [] }])).to.deep.equal([
      { path: [0, 'actions'], message: 'give at least one action (`none` to do nothing for these findings)' },
    ]);
    expect(issues([{ when: { licenses: { blocked: ['GPL-3.0'] } }, actions: ['none'] }])).to.deep.equal([
      { path: [0, 'when', 'licenses'], message: 'Unrecognized key: "blocked"' },
    ]);
  });

  it('rejects an action the action schema does not know', () => {
    const [issue] = issues([{ actions: [{ slack: {} }] }]);
    expect(issue?.path).to.deep.equal([0, 'actions', 0]);
  });
});
