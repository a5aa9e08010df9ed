import { expect } from 'chai';
import { FACTS_BY_MODULE, routingFacts, type RoutingFact } from '../../connector/routing/routingFacts.js';
import { vmdrContext } from '../templates/vmdrContext.js';
import { xrayContext } from '../templates/xrayContext.js';

describe('routing/routingFacts', () => {
  it('reads a VMDR detection with its KnowledgeBase entry and TruRisk', () => {
    expect(routingFacts('VMDR', vmdrContext())).to.deep.equal({
      severityRank: 4,
      cvss: 7.8,
      type: 'vulnerability',
      qid: '197597',
      cves: ['CVE-2020-16119', 'CVE-2020-25285'],
      qds: 95,
      trurisk: 712,
      tags: ['Windows Servers', 'DMZ'],
    });
  });

  it('falls back on VMDR values in their other shapes and drops what is missing or out of range', () => {
    const f = routingFacts(
      'VMDR',
      vmdrContext({
        SEVERITY: '9',
        QDS: '40',
        TRURISK_SCORE: '',
        TAGS: { TAG: { NAME: 'PCI' } },
        VULN: { QID: '197597', CVES: 'CVE-2020-1, CVE-2020-2', CVSS: { BASE: { content: '7.2', source: 'service' } } },
      }),
    );
    expect(f).to.deep.equal({ cvss: 7.2, type: 'vulnerability', qid: '197597', cves: ['CVE-2020-1', 'CVE-2020-2'], qds: 40, tags: ['PCI'] });
    const bare = routingFacts('VMDR', { QID: '38170', SEVERITY: '1', TAGS: '' });
    expect(bare).to.deep.equal({ severityRank: 1, type: 'vulnerability', qid: '38170' });
  });

  it('reads an Xray security violation', () => {
    expect(routingFacts('XRAY', xrayContext('securityWithCve'))).to.deep.equal({
      severityRank: 5,
      cvss: 10,
      type: 'security',
      watch: 'prod-watch',
      policies: ['block-critical'],
      cves: ['CVE-2021-44228'],
    });
    expect(routingFacts('XRAY', xrayContext('securityWithoutCve'))).to.deep.equal({
      severityRank: 4,
      type: 'security',
      watch: 'prod-watch',
      policies: ['block-malicious'],
    });
  });

  it('reads an Xray license violation, its license known or not', () => {
    expect(routingFacts('XRAY', xrayContext('license'))).to.deep.equal({
      severityRank: 3,
      type: 'license',
      license: 'GPL-3.0',
      licenseKnown: true,
      watch: 'license-watch',
      policies: ['no-copyleft'],
    });
    expect(routingFacts('XRAY', xrayContext('license', { LICENSE: 'Unknown' }))).to.include({ license: 'Unknown', licenseKnown: false });
    expect(routingFacts('XRAY', xrayContext('license', { LICENSE: '' }))).to.include({ license: '', licenseKnown: false });
  });

  it('maps Xray types to lower case and carries no license facts for other types', () => {
    const f = routingFacts('XRAY', xrayContext('operationalRisk'));
    expect(f.type).to.equal('operational_risk');
    expect(f).to.not.have.any.keys('license', 'licenseKnown', 'cvss', 'qds', 'qid');
    expect(routingFacts('XRAY', xrayContext('securityWithCve', { CVES: 'CVE-1999-1, CVE-1999-2' })).cves).to.deep.equal(['CVE-1999-1', 'CVE-1999-2']);
  });

  it('reads WAS and Container Security findings from their vocabularies', () => {
    expect(routingFacts('WAS', { QID: '150001', SEVERITY: '5', VULN: { CVSS_V3_BASE: '9.8', CVES: 'CVE-2022-1' } })).to.deep.equal({
      severityRank: 5,
      cvss: 9.8,
      type: 'vulnerability',
      qid: '150001',
      cves: ['CVE-2022-1'],
    });
    const image = { imageId: 'abc', vuln: { qid: 376023, severity: 3, qdsScore: 71, cveids: ['CVE-2021-3156'], cvss3Info: { baseScore: '7.8' } } };
    expect(routingFacts('CS-Image', image)).to.deep.equal({
      type: 'vulnerability',
      severityRank: 3,
      cvss: 7.8,
      qds: 71,
      qid: '376023',
      cves: ['CVE-2021-3156'],
    });
    expect(routingFacts('CS-Container', { containerId: 'c1' })).to.deep.equal({ type: 'vulnerability' });
  });

  it('reads only the facts asked for', () => {
    const only = new Set<RoutingFact>(['severityRank', 'tags']);
    expect(routingFacts('VMDR', vmdrContext(), only)).to.deep.equal({ severityRank: 4, tags: ['Windows Servers', 'DMZ'] });
  });

  it('says which facts each module carries', () => {
    expect(FACTS_BY_MODULE.XRAY.has('qds')).to.equal(false);
    expect(FACTS_BY_MODULE.XRAY.has('license')).to.equal(true);
    expect(FACTS_BY_MODULE.VMDR.has('trurisk')).to.equal(true);
    expect(FACTS_BY_MODULE.VMDR.has('watch')).to.equal(false);
    expect(FACTS_BY_MODULE.VMDR.has('assetGroups')).to.equal(false);
    // Every fact a module claims is read from its realistic context.
    const xray = Object.keys({ ...routingFacts('XRAY', xrayContext('securityWithCve')), ...routingFacts('XRAY', xrayContext('license')) });
    expect(new Set(xray)).to.deep.equal(FACTS_BY_MODULE.XRAY);
    expect(new Set(Object.keys(routingFacts('VMDR', vmdrContext())))).to.deep.equal(FACTS_BY_MODULE.VMDR);
  });
});
