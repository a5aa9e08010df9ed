import { expect } from 'chai';
import {
  boundedDedupKey,
  buildGroupEvent,
  buildIncidentEvent,
  isoTimestamp,
  MAX_SUMMARY_CHARS,
} from '../../connector/incidents/buildEvent.js';
import { fitDetails, jsonBytes, MAX_BODY_BYTES, TRUNCATED } from '../../connector/incidents/fitSize.js';
import { pagerDutyBody } from '../../connector/sinks/pagerduty/pagerdutySender.js';
import { vmdrContext } from '../templates/vmdrContext.js';
import { xrayContext } from '../templates/xrayContext.js';
import { FIXED_NOW, ROUTING_KEY, validatePagerDutyBody } from './incidentTestKit.js';

const trigger = { action: 'trigger' as const, dedupKey: 'k1', now: FIXED_NOW };

describe('incidents: buildIncidentEvent', () => {
  it('XRAY security with a CVE: summary, source/component/group/class, JFrog-app custom details, watch link', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('securityWithCve') });
    expect(e.summary).to.equal(
      '[Critical] XRAY-191893 CVE-2021-44228 in gav://org.apache.logging.log4j:log4j-core:2.14.1 (watch prod-watch): ' +
        'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints',
    );
    expect(e.severity).to.equal('critical');
    expect(e).to.include({ source: 'prod-watch', component: 'gav://org.apache.logging.log4j:log4j-core:2.14.1', group: 'prod-watch', class: 'Security' });
    expect(e.timestamp).to.equal('2021-12-10T08:14:02.000Z');
    // The keys JFrog's PagerDuty app shows (seeds/000), then ours.
    expect(Object.keys(e.customDetails).slice(0, 10)).to.deep.equal([
      'created', 'cve', 'description', 'impacted_artifacts', 'provider', 'severity', 'summary', 'type', 'policy', 'watch',
    ]);
    expect(e.customDetails).to.include({ cve: 'CVE-2021-44228', severity: 'Critical', policy: 'block-critical', watch: 'prod-watch', cvss: 10 });
    expect(e.customDetails.fix_versions).to.deep.equal(['2.15.0']);
    expect(e.customDetails.impacted_artifacts).to.deep.equal(['default/libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar']);
    expect(e.links).to.deep.equal([{ href: 'https://acme.jfrog.io/ui/watchesNew/edit/prod-watch?activeTab=violations', text: 'Xray watch violations' }]);
    expect(e.finding?.module).to.equal('XRAY');
    expect(e.finding?.data.ISSUE_ID).to.equal('XRAY-191893');
  });

  it('XRAY without CVE: the Xray id alone, cve detail empty, legacy Major counts as High → error', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('securityWithoutCve') });
    expect(e.summary).to.equal('[High] XRAY-96224 in npm://flatmap-stream:0.1.1 (watch prod-watch): Malicious code in flatmap-stream');
    expect(e.severity).to.equal('error');
    expect(e.customDetails.cve).to.equal('');
    expect(e.customDetails).not.to.have.property('cvss');
  });

  it('XRAY license and operational-risk variants', () => {
    const lic = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('license') });
    expect(lic.summary).to.equal('[Medium] License GPL-3.0 (GNU General Public License v3.0) in gav://org.example:gpl-lib:1.0 (watch license-watch)');
    expect(lic.severity).to.equal('warning');
    expect(lic.class).to.equal('License');
    expect(lic.customDetails).to.include({ license: 'GPL-3.0', type: 'License' });

    const ops = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('operationalRisk') });
    expect(ops.summary).to.equal(
      '[Low] Operational risk in deb://debian:buster:libc6:2.28-10 (watch ops-watch): Debian 10 (buster) reached end of life on 2024-06-30',
    );
    expect(ops.severity).to.equal('info');
    expect(ops.customDetails.operational_risk_reason).to.equal('Debian 10 (buster) reached end of life on 2024-06-30');
  });

  it('VMDR: QID/title/host/ip:port/QDS summary, host as source and group, Qualys 4 = High, details, no link without Jira', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'VMDR', ctx: vmdrContext() });
    expect(e.summary).to.equal(
      'QID 197597 Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities (USN-4579-1) on adfssrvr.adfs.local 10.50.2.111:443 (QDS 95)',
    );
    expect(e.severity).to.equal('error');
    expect(e).to.include({ source: 'adfssrvr.adfs.local', group: 'adfssrvr.adfs.local', class: 'Confirmed', component: '443/tcp' });
    expect(e.timestamp).to.equal('2021-02-05T04:50:45.000Z');
    expect(e.customDetails).to.include({ host: 'adfssrvr.adfs.local', ip: '10.50.2.111', qid: '197597', qds: 95, trurisk: 712, port: '443', status: 'Active', severity: 'High' });
    expect(e.customDetails.cves).to.deep.equal(['CVE-2020-16119', 'CVE-2020-25285']);
    expect(e.links).to.deep.equal([]);
  });

  it('VMDR severities 5..1 map to Critical..Information, and a configured map wins over the default', () => {
    const sev = (level: string, map = {}) => buildIncidentEvent({ ...trigger, module: 'VMDR', ctx: vmdrContext({ SEVERITY: level }), severityMap: map });
    expect(['5', '4', '3', '2', '1'].map((l) => sev(l).severity)).to.deep.equal(['critical', 'error', 'warning', 'info', 'info']);
    expect(sev('1').customDetails.severity).to.equal('Information');
    expect(sev('3', { Medium: 'critical' }).severity).to.equal('critical');
  });

  it('a host without DNS name: the IP is the source; no port: no component', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'VMDR', ctx: vmdrContext({ DNS: '', DNS_DATA: {}, NETBIOS: '', PORT: '' }) });
    expect(e.source).to.equal('10.50.2.111');
    expect(e).not.to.have.property('component');
    expect(e.summary).to.match(/^QID 197597 .* on 10\.50\.2\.111 \(QDS 95\)$/);
  });

  it('links the Jira ticket when given', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'VMDR', ctx: vmdrContext(), jira: { key: 'VULN-7', url: 'https://acme.atlassian.net/browse/VULN-7' } });
    expect(e.links).to.deep.equal([{ href: 'https://acme.atlassian.net/browse/VULN-7', text: 'Jira VULN-7' }]);
    expect(e.customDetails.jira_ticket).to.equal('VULN-7');
  });

  it('timestamp: nanosecond and offset times are normalized; a missing or invalid one is now', () => {
    expect(isoTimestamp('2024-10-01T21:25:49.935220997Z')).to.equal('2024-10-01T21:25:49.935Z');
    expect(isoTimestamp('2024-10-01T23:25:49+0200')).to.equal('2024-10-01T21:25:49.000Z');
    expect(isoTimestamp('yesterday', FIXED_NOW)).to.equal('2026-03-01T10:00:00.000Z');
    expect(isoTimestamp('2024-13-45T99:00:00Z', FIXED_NOW)).to.equal('2026-03-01T10:00:00.000Z');
    const e = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('license', { CREATED: '' }) });
    expect(e.timestamp).to.equal('2026-03-01T10:00:00.000Z');
  });

  it('summary: one line of at most 1024 characters, cut with "…"', () => {
    const e = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('securityWithoutCve', { SUMMARY: `line one\n${'x'.repeat(3000)}` }) });
    expect(e.summary).to.have.length(MAX_SUMMARY_CHARS);
    expect(e.summary.endsWith('…')).to.equal(true);
    expect(e.summary).not.to.contain('\n');
    expect(e.summary.startsWith('[High] XRAY-96224 in npm://flatmap-stream:0.1.1 (watch prod-watch): line one x')).to.equal(true);
  });

  it('dedup keys over 255 characters are shortened the same way every time', () => {
    const long = `xray|${'w'.repeat(300)}`;
    expect(boundedDedupKey('short')).to.equal('short');
    expect(boundedDedupKey(long)).to.have.length(255);
    expect(boundedDedupKey(long)).to.equal(boundedDedupKey(long));
    expect(boundedDedupKey(long)).not.to.equal(boundedDedupKey(`${long}x`));
    expect(buildIncidentEvent({ ...trigger, dedupKey: long, module: 'VMDR', ctx: vmdrContext() }).dedupKey).to.equal(boundedDedupKey(long));
  });

  it('a 2 MB description: the PagerDuty body stays within 512 KB, the description is cut, small fields survive', () => {
    const huge = 'A "quoted" line.\n'.repeat(2 * 1024 * 1024 / 17);
    const artifacts = Array.from({ length: 20_000 }, (_, i) => `default/npm-local/pkg-${i}/-/pkg-${i}-1.0.0.tgz`);
    const e = buildIncidentEvent({ ...trigger, module: 'XRAY', ctx: xrayContext('securityWithCve', { DESCRIPTION: huge, IMPACTED_ARTIFACTS: artifacts }) });
    const body = pagerDutyBody(e, ROUTING_KEY);
    expect(jsonBytes(body)).to.be.at.most(MAX_BODY_BYTES);
    expect(jsonBytes(body)).to.be.above(MAX_BODY_BYTES - 64 * 1024);
    const description = e.customDetails.description as string;
    expect(description.endsWith(TRUNCATED)).to.equal(true);
    expect(description.startsWith('A "quoted" line.')).to.equal(true);
    expect(e.customDetails).to.include({ cve: 'CVE-2021-44228', watch: 'prod-watch', severity: 'Critical' });
    expect(validatePagerDutyBody(body)).to.deep.equal([]);
    // The stored finding data is bounded too.
    expect(jsonBytes(e.finding?.data)).to.be.at.most(MAX_BODY_BYTES);
  });

  it('fitDetails: lists keep their first items and end with "and N more"', () => {
    const list = Array.from({ length: 1000 }, (_, i) => `item-${String(i).padStart(4, '0')}`);
    const fitted = fitDetails({ watch: 'prod', items: list }, 2000);
    const items = fitted.items as string[];
    expect(jsonBytes(fitted)).to.be.at.most(2000);
    expect(items[0]).to.equal('item-0000');
    expect(items[items.length - 1]).to.equal(`and ${1000 - (items.length - 1)} more`);
    expect(fitted.watch).to.equal('prod');
  });
});

describe('incidents: buildGroupEvent', () => {
  const items = Array.from({ length: 25 }, (_, i) =>
    xrayContext(i % 5 === 0 ? 'license' : 'securityWithCve', {
      WATCH: 'prod',
      SEVERITY: 'High',
      ISSUE_ID: i % 5 === 0 ? 'GPL-3.0' : `XRAY-${1000 + i}`,
      LICENSE: i % 5 === 0 ? 'GPL-3.0' : '',
      CREATED: `2024-01-${String(10 + (i % 10)).padStart(2, '0')}T00:00:00Z`,
    }),
  );

  it('summary with counts and new, counts per type and severity, 20 items then "and N more"', () => {
    const e = buildGroupEvent({ ...trigger, module: 'XRAY', groupBy: 'watch', group: 'prod', severity: 'High', items, newCount: 3 });
    expect(e.summary).to.equal('25 High violations in watch prod (3 new)');
    expect(e.severity).to.equal('error');
    expect(e).to.include({ source: 'prod', group: 'prod' });
    expect(e.customDetails.count_by_type).to.deep.equal({ License: 5, Security: 20 });
    expect(e.customDetails.count_by_severity).to.deep.equal({ High: 25 });
    expect(e.customDetails).to.include({ watch: 'prod', count: 25, new: 3 });
    const listed = e.customDetails.items as string[];
    expect(listed).to.have.length(21);
    expect(listed[20]).to.equal('and 5 more');
    expect(listed[1]).to.equal(
      '[High] XRAY-1001 CVE-2021-44228 in gav://org.apache.logging.log4j:log4j-core:2.14.1: Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints',
    );
    expect(e.timestamp).to.equal('2024-01-10T00:00:00.000Z');
    expect(e.links[0]?.text).to.equal('Xray watch violations');
    expect(validatePagerDutyBody(pagerDutyBody(e, ROUTING_KEY))).to.deep.equal([]);
  });

  it('per host (VMDR): vulnerabilities on host, singular for one, no "(0 new)"', () => {
    const e = buildGroupEvent({ ...trigger, module: 'VMDR', groupBy: 'host', group: 'adfssrvr.adfs.local', severity: 'Critical', items: [vmdrContext({ SEVERITY: '5' })], newCount: 0 });
    expect(e.summary).to.equal('1 Critical vulnerability on host adfssrvr.adfs.local');
    expect(e.severity).to.equal('critical');
    expect(e.customDetails).to.include({ host: 'adfssrvr.adfs.local', count: 1 });
    expect((e.customDetails.items as string[])[0]).to.match(/^QID 197597 Ubuntu .* 10\.50\.2\.111:443 \(QDS 95\)$/);
  });
});
