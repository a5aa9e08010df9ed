import { expect } from 'chai';
import type { TemplateContext } from '../../connector/model/finding.js';
import { compileRoutes } from '../../connector/routing/router.js';
import { vmdrContext } from '../templates/vmdrContext.js';
import { xrayContext } from '../templates/xrayContext.js';
import { exampleRoutes, matches, routes } from './routesFixtures.js';

const critical = xrayContext('securityWithCve');
const license = xrayContext('license');
const vmdr = vmdrContext();

describe('routing/router', () => {
  describe('rule order', () => {
    const router = compileRoutes(exampleRoutes(), 'XRAY');

    it('routes each violation by the first rule it meets', () => {
      const first = router.route(critical);
      expect(first?.rule).to.equal('critical-to-pager');
      expect(first?.index).to.equal(0);
      expect(first?.actions).to.have.length(2);
      // Critical AND a CVSS of 10: the earlier rule wins over high-cvss.
      expect(router.route(xrayContext('license'))?.rule).to.equal('banned-licenses');
      expect(router.route(xrayContext('securityWithCve', { SEVERITY_RANK: 4, SEVERITY: 'High' }))?.rule).to.equal('high-cvss');
      expect(router.route(xrayContext('securityWithoutCve'))).to.deep.equal({ rule: 'everything-else', index: 3, actions: ['none'] });
    });

    it('returns the same match object for every finding of a rule', () => {
      expect(router.route(critical)).to.equal(router.route(xrayContext('securityWithCve', { WATCH: 'other' })));
      expect(Object.isFrozen(router.route(critical)?.actions)).to.equal(true);
    });

    it('returns undefined when no rule matches, and names unnamed rules by position', () => {
      const r = compileRoutes(routes([{ when: { minSeverity: 'Critical' }, actions: ['none'] }, { when: { types: ['license'] }, actions: ['none'] }]), 'XRAY');
      expect(r.route(xrayContext('operationalRisk'))).to.equal(undefined);
      expect(r.route(license)).to.deep.include({ rule: 'rule 2', index: 1 });
    });

    it('does not read the finding when an unconditional rule comes first', () => {
      const trap = new Proxy({} as TemplateContext, {
        get() {
          throw new Error('the context was read');
        },
      });
      const r = compileRoutes(routes([{ name: 'all', actions: ['none'] }, { when: { cvss: { min: 1 } }, actions: ['none'] }]), 'XRAY');
      expect(r.route(trap)?.rule).to.equal('all');
      expect([...r.facts]).to.deep.equal(['cvss']);
      expect([...compileRoutes(routes([{ when: {}, actions: ['none'] }]), 'XRAY').facts]).to.deep.equal([]);
    });
  });

  describe('criteria', () => {
    it('minSeverity: this severity or higher; no severity never matches', () => {
      expect(matches({ minSeverity: 'High' }, 'XRAY', critical)).to.equal(true);
      expect(matches({ minSeverity: 'Critical' }, 'XRAY', license)).to.equal(false);
      expect(matches({ minSeverity: 'High' }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ minSeverity: 'Critical' }, 'VMDR', vmdr)).to.equal(false);
      expect(matches({ minSeverity: 'Information' }, 'VMDR', vmdrContext({ SEVERITY: '' }))).to.equal(false);
    });

    it('cvss: both ends inclusive; a violation without CVSS never matches', () => {
      expect(matches({ cvss: { min: 10 } }, 'XRAY', critical)).to.equal(true);
      expect(matches({ cvss: { min: 4, max: 9.9 } }, 'XRAY', critical)).to.equal(false);
      expect(matches({ cvss: { max: 10 } }, 'XRAY', critical)).to.equal(true);
      expect(matches({ cvss: { min: 7.8, max: 7.8 } }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ cvss: { min: 0 } }, 'XRAY', xrayContext('securityWithoutCve'))).to.equal(false);
    });

    it('qds and trurisk on VMDR', () => {
      expect(matches({ qds: { min: 90 } }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ qds: { max: 94 } }, 'VMDR', vmdr)).to.equal(false);
      expect(matches({ trurisk: { min: 700, max: 849 } }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ trurisk: { min: 850 } }, 'VMDR', vmdr)).to.equal(false);
      expect(matches({ trurisk: { min: 0 } }, 'VMDR', vmdrContext({ TRURISK_SCORE: '' }))).to.equal(false);
    });

    it('types: any of the listed', () => {
      expect(matches({ types: ['security', 'operational_risk'] }, 'XRAY', xrayContext('operationalRisk'))).to.equal(true);
      expect(matches({ types: ['security'] }, 'XRAY', license)).to.equal(false);
      expect(matches({ types: ['vulnerability'] }, 'VMDR', vmdr)).to.equal(true);
    });

    it('licenses: banned, outside allowed, or unknown; never a security violation', () => {
      expect(matches({ licenses: { banned: ['gpl-3.0'] } }, 'XRAY', license)).to.equal(true);
      expect(matches({ licenses: { banned: ['AGPL-3.0'] } }, 'XRAY', license)).to.equal(false);
      expect(matches({ licenses: { allowed: ['MIT', 'Apache-2.0'] } }, 'XRAY', license)).to.equal(true);
      expect(matches({ licenses: { allowed: ['MIT', 'GPL-3.0'] } }, 'XRAY', license)).to.equal(false);
      const unknown = xrayContext('license', { LICENSE: 'Unknown' });
      expect(matches({ licenses: { unknown: true } }, 'XRAY', unknown)).to.equal(true);
      expect(matches({ licenses: { allowed: ['MIT'] } }, 'XRAY', unknown)).to.equal(false);
      expect(matches({ licenses: { unknown: true } }, 'XRAY', license)).to.equal(false);
      expect(matches({ licenses: { allowed: ['MIT'], unknown: true } }, 'XRAY', critical)).to.equal(false);
    });

    it('watches and policies: any of the listed, case-insensitive', () => {
      expect(matches({ watches: ['Prod-Watch', 'other'] }, 'XRAY', critical)).to.equal(true);
      expect(matches({ watches: ['license-watch'] }, 'XRAY', critical)).to.equal(false);
      expect(matches({ policies: ['block-critical'] }, 'XRAY', critical)).to.equal(true);
      expect(matches({ policies: ['no-copyleft'] }, 'XRAY', critical)).to.equal(false);
    });

    it('qids: numbers or strings', () => {
      expect(matches({ qids: [197597] }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ qids: ['38170', '197597'] }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ qids: [38170] }, 'VMDR', vmdr)).to.equal(false);
    });

    it('cves: case-insensitive ids and * wildcards', () => {
      expect(matches({ cves: ['cve-2021-44228'] }, 'XRAY', critical)).to.equal(true);
      expect(matches({ cves: ['CVE-2021-*'] }, 'XRAY', critical)).to.equal(true);
      expect(matches({ cves: ['CVE-2020-*'] }, 'XRAY', critical)).to.equal(false);
      expect(matches({ cves: ['CVE-2020-25285'] }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ cves: ['CVE-*'] }, 'XRAY', license)).to.equal(false);
    });

    it('tags: any of the host\'s tag names, case-insensitive', () => {
      expect(matches({ tags: ['dmz'] }, 'VMDR', vmdr)).to.equal(true);
      expect(matches({ tags: ['PCI'] }, 'VMDR', vmdr)).to.equal(false);
      expect(matches({ tags: ['DMZ'] }, 'VMDR', vmdrContext({ TAGS: '' }))).to.equal(false);
    });

    it('assetGroups: matched when a context carries them', () => {
      expect(matches({ assetGroups: ['Datacenter A'] }, 'VMDR', vmdrContext({ ASSET_GROUPS: ['datacenter a'] }))).to.equal(true);
      expect(matches({ assetGroups: ['Datacenter A'] }, 'VMDR', vmdr)).to.equal(false);
    });

    it('all criteria of a rule must hold', () => {
      const when = { minSeverity: 'High', tags: ['DMZ'], qds: { min: 90 } };
      expect(matches(when, 'VMDR', vmdr)).to.equal(true);
      expect(matches(when, 'VMDR', vmdrContext({ QDS: { content: '50', severity: 'MEDIUM' } }))).to.equal(false);
      expect(matches(when, 'VMDR', vmdrContext({ SEVERITY: '3' }))).to.equal(false);
    });
  });

  it('routes 100,000 findings with one router', () => {
    const router = compileRoutes(
      routes([
        { name: 'pager', when: { minSeverity: 'Critical', tags: ['DMZ'] }, actions: [{ pagerduty: { routingKey: { env: 'PD_KEY' } } }] },
        { name: 'hot', when: { qds: { min: 70 }, cves: ['CVE-2020-*'] }, actions: [{ jira: {} }] },
        { name: 'ticket', when: { minSeverity: 'Medium' }, actions: [{ jira: { project: 'SEC' } }] },
      ]),
      'VMDR',
    );
    // 20 shapes of context, reused: the routing is what is measured, not building contexts.
    const contexts = Array.from({ length: 20 }, (_, i) =>
      vmdrContext({ SEVERITY: String((i % 5) + 1), QDS: { content: String(i * 5), severity: 'X' }, QID: String(100000 + i) }),
    );
    const counts = new Map<string, number>();
    for (let n = 0; n < 100_000; n++) {
      const rule = router.route(contexts[n % 20]!)?.rule ?? 'none';
      counts.set(rule, (counts.get(rule) ?? 0) + 1);
    }
    // Every context is tagged DMZ and has CVE-2020-*. Shape i: severity (i % 5) + 1, QDS 5i.
    // pager: severity 5 (i = 4, 9, 14, 19). hot: QDS >= 70 of the rest (i = 15..18).
    // ticket: severity >= 3 of the rest (i % 5 in 2, 3: i = 2, 3, 7, 8, 12, 13). None: the other 6.
    const per = 100_000 / 20;
    expect(Object.fromEntries(counts)).to.deep.equal({ pager: 4 * per, hot: 4 * per, ticket: 6 * per, none: 6 * per });
  });
});
