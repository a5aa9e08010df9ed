import { expect } from 'chai';
import { criteriaFor, validateRoutes } from '../../connector/routing/validateRoutes.js';
import { routesSchema } from '../../connector/routing/routesSchema.js';
import { exampleRoutes, routes } from './routesFixtures.js';

const none = ['none'];

describe('routing/validateRoutes', () => {
  it('finds nothing wrong with the example on an Xray job', () => {
    expect(validateRoutes(exampleRoutes(), 'XRAY')).to.deep.equal([]);
  });

  it('reports a criterion the module\'s findings never carry, with the criteria it has', () => {
    const problems = validateRoutes(routes([{ when: { minSeverity: 'High' }, actions: none }, { when: { qds: { min: 80 } }, actions: none }]), 'XRAY');
    expect(problems).to.deep.equal([
      {
        path: [1, 'when', 'qds'],
        message: 'XRAY findings have no QDS; criteria for XRAY: minSeverity, cvss, types, licenses, watches, policies, cves',
        hint: 'this rule never matches: remove `qds` (QDS come with VMDR, CS-Container, CS-Image findings)',
      },
    ]);
    expect(criteriaFor('VMDR')).to.deep.equal(['minSeverity', 'cvss', 'qds', 'trurisk', 'types', 'qids', 'cves', 'tags']);
  });

  it('points VMDR asset groups at the source filter', () => {
    const [p] = validateRoutes(routes([{ when: { assetGroups: ['Datacenter A'] }, actions: none }]), 'VMDR');
    expect(p?.path).to.deep.equal([0, 'when', 'assetGroups']);
    expect(p?.message).to.match(/^VMDR findings have no asset groups; criteria for VMDR: /);
    expect(p?.hint).to.include('`agIds`');
    const watches = validateRoutes(routes([{ when: { watches: ['prod'], licenses: { unknown: true } }, actions: none }]), 'VMDR');
    expect(watches.map((x) => x.path)).to.deep.equal([[0, 'when', 'licenses'], [0, 'when', 'watches']]);
  });

  it('reports a range whose min is above its max', () => {
    const problems = validateRoutes(routes([{ when: { cvss: { min: 9, max: 7 }, trurisk: { min: 500, max: 500 } }, actions: none }]), 'VMDR');
    expect(problems).to.deep.equal([{ path: [0, 'when', 'cvss'], message: 'cvss: min 9 is above max 7, so this rule never matches', hint: 'swap min and max' }]);
  });

  it('reports rules that can never match', () => {
    const problems = validateRoutes(
      routes([
        { when: { cves: [] }, actions: none },
        { when: { types: ['vulnerability'] }, actions: none },
        { when: { types: ['security'], licenses: { banned: ['GPL-3.0'] } }, actions: none },
        { when: { licenses: { unknown: false } }, actions: none },
      ]),
      'XRAY',
    );
    expect(problems.map((p) => [p.path, p.message])).to.deep.equal([
      [[0, 'when', 'cves'], '`cves` is an empty list, which no finding matches'],
      [[1, 'when', 'types'], 'XRAY findings of this job are security, license, operational_risk, never vulnerability, so this rule never matches'],
      [[2, 'when', 'licenses'], '`licenses` matches license violations only, but this rule takes types security, so it never matches'],
      [[3, 'when', 'licenses'], '`licenses` names no banned license, no allowed list and not `unknown: true`, so this rule never matches'],
    ]);
    const qualys = validateRoutes(routes([{ when: { types: ['security'] }, actions: none }]), 'VMDR');
    expect(qualys[0]?.hint).to.equal('every Qualys detection has type vulnerability');
  });

  it('reports license rules on a job that pulls no License violations', () => {
    const example = exampleRoutes();
    const problems = validateRoutes(example, 'XRAY', { types: ['Security', 'Operational_Risk'] });
    expect(problems.map((p) => [p.path, p.message])).to.deep.equal([
      [[1, 'when', 'types'], 'XRAY findings of this job are security, operational_risk, never license, so this rule never matches'],
      [[1, 'when', 'licenses'], '`licenses` matches license violations only, but this job pulls no License violations, so this rule never matches'],
    ]);
    expect(validateRoutes(example, 'XRAY', { types: ['License'] })).to.deep.equal([]);
  });

  it('reports every rule after one that takes every finding', () => {
    const problems = validateRoutes(
      routes([
        { name: 'first', when: { minSeverity: 'High' }, actions: none },
        { name: 'catch-all', when: {}, actions: [{ jira: {} }] },
        { name: 'late', when: { cvss: { min: 9 } }, actions: none },
        { actions: none },
      ]),
      'XRAY',
    );
    expect(problems).to.deep.equal([
      {
        path: [2],
        message: 'late is never reached: catch-all before it has no criteria and takes every finding',
        hint: 'move the rule without `when` to the end of `routes`',
      },
      {
        path: [3],
        message: 'rule 4 is never reached: catch-all before it has no criteria and takes every finding',
        hint: 'move the rule without `when` to the end of `routes`',
      },
    ]);
  });

  it('reports a jira action twice with the same template and project, and none beside other actions', () => {
    const problems = validateRoutes(
      routes([
        { actions: [{ jira: { project: 'SEC' } }, { jira: { project: 'SEC', template: 'other.json' } }, { jira: { project: 'SEC' } }, 'none'] },
      ]),
      'XRAY',
    );
    expect(problems.map((p) => [p.path, p.message])).to.deep.equal([
      [[0, 'actions', 3], '`none` is combined with other actions'],
      [[0, 'actions', 2], 'this jira action has the same template and project as action 1: it would write the same ticket twice'],
    ]);
    // `jira: {}` twice: both the job's template and project.
    expect(validateRoutes(routes([{ actions: [{ jira: {} }, { jira: {} }] }]), 'VMDR')).to.have.length(1);
  });

  it('reports a rule name used twice', () => {
    const problems = validateRoutes(routes([{ name: 'a', when: { qids: [1] }, actions: none }, { name: 'a', actions: none }]), 'VMDR');
    expect(problems).to.deep.equal([
      { path: [1, 'name'], message: 'rule name "a" is also used by rule 1', hint: 'give each rule its own name: logs and counts name the rule that matched' },
    ]);
  });

  it('reports incident options the module cannot fill, and one endpoint given two sets of options', () => {
    const key = { env: 'PD_KEY' };
    const vmdr = validateRoutes(
      routes([
        { when: { minSeverity: 'Critical' }, actions: [{ pagerduty: { routingKey: key, groupBy: 'watch' } }, { webhook: { url: { env: 'LS' }, format: 'xray' } }] },
        { when: { minSeverity: 'High' }, actions: [{ pagerduty: { routingKey: key, groupBy: 'watch', eventsPerMinute: 60 } }] },
        { actions: [{ webhook: { url: { env: 'HOOK' }, format: 'template' } }] },
      ]),
      'VMDR',
    );
    expect(vmdr.map((p) => p.path.join('.'))).to.have.members([
      '0.actions.0.pagerduty.groupBy',
      '0.actions.1.webhook.format',
      '1.actions.0.pagerduty.groupBy',
      '1.actions.0.pagerduty',
      '2.actions.0.webhook.template',
    ]);
    expect(vmdr.find((p) => p.path.join('.') === '1.actions.0.pagerduty')?.message).to.include('same endpoint as routes[0].actions[0]');
    const xray = validateRoutes(routes([{ actions: [{ pagerduty: { routingKey: key, groupBy: 'host' } }] }]), 'XRAY');
    expect(xray.map((p) => p.message)).to.deep.equal(['Xray findings have no host to group by']);
  });

  it('names the option that is wrong inside an action, and the four action forms otherwise', () => {
    const inner = routesSchema.safeParse([{ actions: [{ pagerduty: { routingKey: { env: 'K' }, groupBy: 'team' } }] }]);
    expect(inner.success).to.equal(false);
    expect(inner.error?.issues[0]?.path).to.deep.equal([0, 'actions', 0, 'pagerduty', 'groupBy']);
    const unknown = routesSchema.safeParse([{ actions: [{ slack: {} }] }]);
    expect(unknown.error?.issues[0]?.message).to.include('`jira: {...}`, `pagerduty: {...}`, `webhook: {...}` or `none`');
  });
});
