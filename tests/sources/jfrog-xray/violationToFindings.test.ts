import { expect } from 'chai';
import type { Finding } from '../../../connector/model/finding.js';
import { componentIdFromPayload, parseComponentId } from '../../../connector/sources/jfrog-xray/componentId.js';
import { violationToFindings } from '../../../connector/sources/jfrog-xray/violationToFindings.js';
import { MODULE_VOCABULARIES } from '../../../connector/templates/moduleVocabularies.js';
import { BASE, licenseViolation, securityViolation } from './xrayTestKit.js';

const OPTS = { platformUrl: BASE };
const XRAY_KEYS = Object.keys(MODULE_VOCABULARIES.XRAY.names).filter((k) => k !== 'PROJECT_KEY');

function findings(raw: unknown): Finding[] {
  const r = violationToFindings(raw, OPTS);
  if ('rejected' in r) throw new Error(`rejected: ${r.rejected.reason}`);
  return r.findings;
}

function only(raw: unknown): Finding {
  const all = findings(raw);
  expect(all).to.have.length(1);
  return all[0] as Finding;
}

describe('jfrog-xray/normalization', () => {
  it('a security violation: identity, scope, all XRAY vocabulary keys and no others', () => {
    const f = only(securityViolation());
    expect(f.key).to.equal('xray|prod-watch|XRAY-94620|npm://lodash:4.17.19');
    expect(f.parentKey).to.equal('npm://lodash:4.17.19');
    expect(f.scope).to.equal('prod-watch');
    expect(f.status).to.equal('Active');
    expect(f.ignored).to.equal(false);
    expect(Object.keys(f.data).sort()).to.deep.equal([...XRAY_KEYS].sort());
    expect(f.data).to.include({
      STATUS: 'Active',
      VIOLATION_KEY: 'prod-watch|XRAY-94620|npm://lodash:4.17.19',
      VIOLATION_ID: '1710136527020015616',
      ISSUE_ID: 'XRAY-94620',
      TYPE: 'Security',
      SEVERITY: 'High',
      SEVERITY_ORIGINAL: 'High',
      SEVERITY_RANK: 4,
      CVE: 'CVE-2021-23337',
      COMPONENT: 'npm://lodash:4.17.19',
      COMPONENT_NAME: 'lodash',
      COMPONENT_VERSION: '4.17.19',
      PACKAGE_TYPE: 'npm',
      WATCH: 'prod-watch',
      WATCH_URL: 'https://acme.jfrog.io/ui/watchesNew/edit/prod-watch?activeTab=violations',
      PLATFORM_URL: BASE,
      LICENSE: '',
      LICENSE_NAME: '',
      IGNORE_RULE: '',
      PROVIDER: 'JFrog',
      CREATED: '2026-01-05T10:00:00Z',
    });
    expect(f.data.POLICY).to.deep.equal(['sec-policy']);
    expect(f.data.RULE).to.deep.equal(['high-and-above']);
    expect(f.data.CWE).to.deep.equal(['CWE-94']);
    expect(f.data.FIX_VERSIONS).to.deep.equal(['4.17.21']);
    expect(f.data.IMPACTED_ARTIFACTS).to.deep.equal(['default/npm-local/app/-/app-1.0.0.tgz']);
  });

  it('details URL is rewritten to the configured host with the query intact; the watch URL is encoded', () => {
    const f = only(securityViolation({ watch_name: 'team a/prod' }));
    expect(f.data.DETAILS_URL).to.equal(
      'https://acme.jfrog.io/xray/api/v1/violations?watch_id=b241c1986818d68993093e35&issue_id=XRAY-94620&comp_id=npm:%2F%2Flodash:4.17.19',
    );
    expect(String(f.data.DETAILS_URL)).to.not.contain('localhost');
    expect(f.data.WATCH_URL).to.equal('https://acme.jfrog.io/ui/watchesNew/edit/team%20a%2Fprod?activeTab=violations');
  });

  it('CVSS strings split into score and vector; highest per version among the CVEs, CVSS_SCORE prefers v3', () => {
    const f = only(
      securityViolation({
        properties: [
          { cve: 'CVE-2020-1', cvss_v2: '5.0/AV:N/AC:L/Au:N/C:N/I:N/A:P', cvss_v3: '5.3/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' },
          { cve: 'CVE-2020-2', cvss_v2: '7.5/AV:N/AC:L/Au:N/C:P/I:P/A:P', cvss_v3: '9.8/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: ['CWE-79'] },
        ],
      }),
    );
    expect(f.data).to.include({
      CVE: 'CVE-2020-1',
      CVSS_V3_SCORE: 9.8,
      CVSS_V3_VECTOR: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      CVSS_V2_SCORE: 7.5,
      CVSS_V2_VECTOR: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      CVSS_SCORE: 9.8,
    });
    expect(f.data.CVES).to.deep.equal(['CVE-2020-1', 'CVE-2020-2']);

    const v2only = only(securityViolation({ properties: [{ cve: 'CVE-2019-3', cvss_v2: '4.3/AV:N/AC:M/Au:N/C:N/I:P/A:N' }] }));
    expect(v2only.data).to.include({ CVSS_SCORE: 4.3, CVSS_V3_SCORE: '', CVSS_V3_VECTOR: '' });
  });

  it('a violation with no CVE (XRAY- id only) is kept, with empty CVE fields', () => {
    const f = only(securityViolation({ issue_id: 'XRAY-520345', properties: [{ cve: '', cwe: [] }] }));
    expect(f.key).to.equal('xray|prod-watch|XRAY-520345|npm://lodash:4.17.19');
    expect(f.data).to.include({ CVE: '', CVSS_SCORE: '', CVSS_V2_SCORE: '' });
    expect(f.data.CVES).to.deep.equal([]);
  });

  it('legacy severities map onto one scale and keep the original; unknown ones are Unknown', () => {
    const cases: Array<[string, string, number]> = [
      ['Major', 'High', 4],
      ['Minor', 'Low', 2],
      ['Critical', 'Critical', 5],
      ['Information', 'Information', 1],
      ['Normal', 'Unknown', 0],
      ['medium', 'Medium', 3],
    ];
    for (const [original, severity, rank] of cases) {
      expect(only(securityViolation({ severity: original })).data).to.include({ SEVERITY: severity, SEVERITY_ORIGINAL: original, SEVERITY_RANK: rank });
    }
  });

  it('license violation: LICENSE is the issue id, LICENSE_NAME the description; type case-insensitive', () => {
    const f = only(licenseViolation({ type: 'license' }));
    expect(f.key).to.equal('xray|license-watch|Apache-1.1|gav://struts:struts:1.1');
    expect(f.data).to.include({
      TYPE: 'License',
      LICENSE: 'Apache-1.1',
      LICENSE_NAME: 'The Apache Software License, Version 1.1',
      PACKAGE_TYPE: 'gav',
      COMPONENT_NAME: 'struts:struts',
      COMPONENT_VERSION: '1.1',
      VIOLATION_ID: '',
    });
    expect(Object.keys(f.data).sort()).to.deep.equal([...XRAY_KEYS].sort());
  });

  it('operational risk violation: risk and reason; impact_artifacts (client-go key) accepted', () => {
    const f = only(
      securityViolation({
        type: 'operational_risk',
        issue_id: 'Operational_Risk',
        properties: undefined,
        impacted_artifacts: undefined,
        impact_artifacts: ['default/debian-local/pool/app_1.0.deb'],
        infected_components: ['deb://debian:buster:openssl:1.1.1d-0'],
        operational_risk: { risk: 'High', risk_reason: 'End of life', is_eol: true, cadence: 0.1 },
      }),
    );
    expect(f.data).to.include({
      TYPE: 'Operational_Risk',
      OPERATIONAL_RISK: 'High',
      OPERATIONAL_RISK_REASON: 'End of life',
      PACKAGE_TYPE: 'deb',
      COMPONENT_NAME: 'debian:buster:openssl',
      COMPONENT_VERSION: '1.1.1d-0',
    });
    expect(f.data.IMPACTED_ARTIFACTS).to.deep.equal(['default/debian-local/pool/app_1.0.deb']);
  });

  it('ignored: an active ignore rule (described) or a matched policy marked ignored; expired or deleted rules are not', () => {
    const rule = { id: 'r1', author: 'alice', notes: 'false positive', is_expired: false, expires_at: '2026-06-01T00:00:00Z' };
    const ignored = only(securityViolation({ ignore_rule_info: rule }));
    expect(ignored.ignored).to.equal(true);
    expect(ignored.data.IGNORE_RULE).to.equal('by alice: false positive (expires 2026-06-01T00:00:00Z)');

    expect(only(securityViolation({ ignore_rule_info: { ...rule, is_expired: true } })).ignored).to.equal(false);
    const deleted = only(securityViolation({ ignore_rule_info: { ...rule, deleted_by: 'bob', deleted_at: '2026-01-02T00:00:00Z' } }));
    expect(deleted.ignored).to.equal(false);
    expect(deleted.data.IGNORE_RULE).to.equal('');

    const byPolicy = only(securityViolation({ matched_policies: [{ policy: 'p', rule: 'r', is_ignored: true }] }));
    expect(byPolicy.ignored).to.equal(true);
  });

  it('one finding per infected component, each with its own applicability; comp_id from the details URL as fallback', () => {
    const split = findings(
      securityViolation({
        infected_components: ['npm://lodash:4.17.19', 'npm://lodash:4.17.20'],
        applicability_details: [
          { component_id: 'npm://lodash:4.17.19', vulnerability_id: 'XRAY-94620', result: 'applicable' },
          { component_id: 'npm://lodash:4.17.20', vulnerability_id: 'XRAY-94620', result: 'not_applicable' },
        ],
      }),
    );
    expect(split.map((f) => f.key)).to.deep.equal(['xray|prod-watch|XRAY-94620|npm://lodash:4.17.19', 'xray|prod-watch|XRAY-94620|npm://lodash:4.17.20']);
    expect(split.map((f) => f.data.APPLICABILITY)).to.deep.equal(['applicable', 'not_applicable']);

    const fallback = only(securityViolation({ infected_components: undefined }));
    expect(fallback.data.COMPONENT).to.equal('npm://lodash:4.17.19');
    // Xray escapes like Go's url.PathEscape: `+` stays raw and is not a space.
    const plus = only(
      securityViolation({
        infected_components: undefined,
        violation_details_url: 'http://localhost:8046/xray/api/v1/violations?comp_id=deb:%2F%2Fdebian:buster:libssl1.1:1.1.1d-0+deb10u3&issue_id=XRAY-1&watch_id=ab',
      }),
    );
    expect(plus.data.COMPONENT).to.equal('deb://debian:buster:libssl1.1:1.1.1d-0+deb10u3');
    expect(plus.data.DETAILS_URL).to.equal('https://acme.jfrog.io/xray/api/v1/violations?comp_id=deb:%2F%2Fdebian:buster:libssl1.1:1.1.1d-0+deb10u3&issue_id=XRAY-1&watch_id=ab');
    const none = only(securityViolation({ infected_components: [], violation_details_url: undefined }));
    expect(none.data.COMPONENT).to.equal('');
    expect(none.parentKey).to.equal(undefined);
  });

  it('JFrog research fields come from extended_information', () => {
    const f = only(
      securityViolation({
        extended_information: { short_description: '**RCE** in template', jfrog_research_severity: 'Critical', remediation: 'Upgrade to 4.17.21' },
      }),
    );
    expect(f.data).to.include({ JFROG_SEVERITY: 'Critical', SHORT_DESCRIPTION: '**RCE** in template', REMEDIATION: 'Upgrade to 4.17.21' });
  });

  it('malformed violations are rejected with a reason and a truncated record, never thrown', () => {
    const cases: Array<[unknown, string]> = [
      ['just a string', 'not an object'],
      [null, 'not an object'],
      [securityViolation({ issue_id: undefined }), 'no issue_id'],
      [securityViolation({ watch_name: '' }), 'no watch_name'],
      [securityViolation({ infected_components: 'npm://lodash:4.17.19' }), 'infected_components is not a list'],
      [securityViolation({ severity: { level: 'High' } }), 'severity is not a string'],
      [securityViolation({ matched_policies: ['p'] }), 'matched_policies[] is not an object'],
      [securityViolation({ description: 'x'.repeat(5000), properties: 'CVE-1' }), 'properties is not a list'],
    ];
    for (const [raw, reason] of cases) {
      const r = violationToFindings(raw, OPTS);
      expect('rejected' in r, reason).to.equal(true);
      if ('rejected' in r) {
        expect(r.rejected.reason).to.contain(reason);
        expect((r.rejected.record ?? '').length).to.be.at.most(1001);
      }
    }
  });

  it('component ids: parsed for templates, and rebuilt from webhook pkg_type + display_name', () => {
    expect(parseComponentId('npm://lodash:4.17.19')).to.deep.equal({ packageType: 'npm', name: 'lodash', version: '4.17.19' });
    expect(parseComponentId('gav://org:name:1.0')).to.deep.equal({ packageType: 'gav', name: 'org:name', version: '1.0' });
    expect(parseComponentId('deb://debian:buster:pkg:1.2')).to.deep.equal({ packageType: 'deb', name: 'debian:buster:pkg', version: '1.2' });
    expect(parseComponentId('generic://sha256:abc123/app.bin')).to.deep.equal({ packageType: 'generic', name: 'app.bin', version: '' });

    expect(componentIdFromPayload({ pkg_type: 'Debian', display_name: 'debian:buster:libssl1.1:1.1.1d-0' })).to.equal('deb://debian:buster:libssl1.1:1.1.1d-0');
    expect(componentIdFromPayload({ pkg_type: 'Maven', display_name: 'org.glassfish:hk2:2.4.0' })).to.equal('gav://org.glassfish:hk2:2.4.0');
    expect(componentIdFromPayload({ pkg_type: 'Npm', display_name: 'lodash:4.17.19' })).to.equal('npm://lodash:4.17.19');
    expect(componentIdFromPayload({ pkg_type: 'Rubygems', display_name: 'rack:2.0.1' })).to.equal('gem://rack:2.0.1');
    expect(componentIdFromPayload({ pkg_type: 'Swift', display_name: 'x:1' })).to.equal('swift://x:1');
    expect(componentIdFromPayload({ pkg_type: 'Generic', name: 'ant-1.9.4.jar', display_name: 'ant-1.9.4.jar', sha256: '649ae0' })).to.equal(
      'generic://sha256:649ae0/ant-1.9.4.jar',
    );
    expect(componentIdFromPayload({ pkg_type: 'Generic', name: 'a.zip', display_name: 'sha256:caf3/a.zip', sha256: 'other' })).to.equal('generic://sha256:caf3/a.zip');
  });
});
