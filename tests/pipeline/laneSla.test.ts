import { expect } from 'chai';
import path from 'node:path';
import type { JobConfig } from '../../connector/config/loadConfig.js';
import { silentLogger } from '../../connector/log.js';
import { buildLanes } from '../../connector/pipeline/lanes.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { resolveSlaPolicy } from '../../connector/templates/sla/slaPolicy.js';

const TEMPLATE = path.resolve('templates/xray-per-violation.json');

describe('pipeline/lanes: SLA policy per lane', () => {
  it('the job\'s policy in its own lane, a route\'s jira.sla over it in the route\'s lane, none without any', () => {
    const scheme = loadScheme(TEMPLATE);
    const config = { name: 'x', project: 'SEC', templatePath: TEMPLATE, sla: resolveSlaPolicy({ days: { high: 14 } }) } as unknown as JobConfig;
    const routes = [
      { when: { minSeverity: 'Critical' }, actions: [{ jira: { project: 'LEGAL', sla: { days: { critical: 2 }, breachedLabel: 'overdue' } } }] },
      { actions: [{ jira: {} }] },
    ] as unknown as Parameters<typeof buildLanes>[2];
    const lanes = buildLanes(config, scheme, routes, { log: silentLogger(), secret: () => 'x' });
    const legal = lanes.jira.find((l) => l.project === 'LEGAL');
    const own = lanes.jira.find((l) => l.id === 'jira');
    expect(legal?.sla).to.deep.include({ breachedLabel: 'overdue' });
    expect(legal?.sla?.days).to.deep.equal({ critical: 2, high: 14, medium: 90, low: 120, info: null });
    expect(own?.sla?.days.high).to.equal(14);
    expect(own?.sla?.breachedLabel).to.equal('vb-sla-breached');
    const none = buildLanes({ ...config, sla: undefined }, scheme, [{ actions: [{ jira: {} }] }] as unknown as Parameters<typeof buildLanes>[2], { log: silentLogger(), secret: () => 'x' });
    expect(none.jira[0]?.sla).to.equal(undefined);
  });
});
