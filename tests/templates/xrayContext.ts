import type { TemplateContext } from '../../connector/model/finding.js';
import { placeholderNames } from '../../connector/templates/modulePlaceholders.js';

/**
 * XRAY template contexts shaped like the Xray source normalizes a violation (the XRAY
 * vocabulary in connector/templates/modulePlaceholders.ts; field facts from
 * shared/reference/api-notes/xray-pagerduty-lightstep.md §1.3-1.4). Every XRAY name is
 * present in every case, '' where Xray has nothing, so a template is rendered the way
 * the pipeline renders it. CVSS scores are numbers (the source parses `10.0/CVSS:3.1/...`
 * into 10). Issue ids, dates and URLs are illustrative.
 */
export type XrayCase = 'securityWithCve' | 'securityWithoutCve' | 'license' | 'operationalRisk';

const PLATFORM_URL = 'https://acme.jfrog.io';

function watchUrl(watch: string): string {
  return `${PLATFORM_URL}/ui/watchesNew/edit/${watch}?activeTab=violations`;
}

function detailsUrl(watchId: string, issue: string, component: string): string {
  const q = new URLSearchParams({ watch_id: watchId, issue_id: issue, comp_id: component });
  return `${PLATFORM_URL}/xray/api/v1/violations?${q.toString()}`;
}

/** The keys every case sets to '' unless it has a value for them. */
function blank(): TemplateContext {
  return Object.fromEntries(placeholderNames('XRAY').filter((n) => n !== 'PROJECT_KEY').map((n) => [n, '']));
}

const CASES: Readonly<Record<XrayCase, () => TemplateContext>> = {
  // A CVE with CVSS v3 and v2, JFrog research and contextual analysis.
  securityWithCve: () => ({
    STATUS: 'Active',
    VIOLATION_KEY: 'prod-watch|XRAY-191893|gav://org.apache.logging.log4j:log4j-core:2.14.1',
    VIOLATION_ID: '1710136527020015616',
    ISSUE_ID: 'XRAY-191893',
    TYPE: 'Security',
    SEVERITY: 'Critical',
    SEVERITY_ORIGINAL: 'Critical',
    SEVERITY_RANK: 5,
    SUMMARY: 'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP endpoints',
    DESCRIPTION: 'Apache Log4j2 2.0-beta9 through 2.15.0 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.',
    CVE: 'CVE-2021-44228',
    CVES: ['CVE-2021-44228'],
    CVSS_V2_SCORE: 9.3,
    CVSS_V2_VECTOR: 'CVSS:2.0/AV:N/AC:M/Au:N/C:C/I:C/A:C',
    CVSS_V3_SCORE: 10,
    CVSS_V3_VECTOR: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    CVSS_SCORE: 10,
    CWE: ['CWE-502', 'CWE-400', 'CWE-20'],
    WATCH: 'prod-watch',
    WATCH_URL: watchUrl('prod-watch'),
    POLICY: ['block-critical'],
    RULE: ['critical-cves'],
    COMPONENT: 'gav://org.apache.logging.log4j:log4j-core:2.14.1',
    COMPONENT_NAME: 'org.apache.logging.log4j:log4j-core',
    COMPONENT_VERSION: '2.14.1',
    PACKAGE_TYPE: 'gav',
    IMPACTED_ARTIFACTS: ['default/libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar'],
    INFECTED_VERSIONS: ['[2.0-beta9,2.15.0)'],
    FIX_VERSIONS: ['2.15.0'],
    CREATED: '2021-12-10T08:14:02Z',
    PROVIDER: 'JFrog',
    DETAILS_URL: detailsUrl('b241c1986818d68993093e35', 'XRAY-191893', 'gav://org.apache.logging.log4j:log4j-core:2.14.1'),
    JFROG_SEVERITY: 'Critical',
    SHORT_DESCRIPTION: 'A remote code execution through **JNDI lookups** in logged strings.',
    REMEDIATION: 'Upgrade to `2.15.0` or later, or set `log4j2.formatMsgNoLookups=true`.',
    APPLICABILITY: 'applicable',
    PLATFORM_URL,
  }),
  // Xray's own issue (malicious package): an XRAY- id, no CVE, no CVSS; legacy severity.
  securityWithoutCve: () => ({
    STATUS: 'Active',
    VIOLATION_KEY: 'prod-watch|XRAY-96224|npm://flatmap-stream:0.1.1',
    ISSUE_ID: 'XRAY-96224',
    TYPE: 'Security',
    SEVERITY: 'High',
    SEVERITY_ORIGINAL: 'Major',
    SEVERITY_RANK: 4,
    SUMMARY: 'Malicious code in flatmap-stream',
    DESCRIPTION: 'flatmap-stream 0.1.1 carries an encrypted payload that targets bitcoin wallets.',
    CVSS_SCORE: '',
    WATCH: 'prod-watch',
    WATCH_URL: watchUrl('prod-watch'),
    POLICY: ['block-malicious'],
    RULE: ['any-malicious'],
    COMPONENT: 'npm://flatmap-stream:0.1.1',
    COMPONENT_NAME: 'flatmap-stream',
    COMPONENT_VERSION: '0.1.1',
    PACKAGE_TYPE: 'npm',
    IMPACTED_ARTIFACTS: ['default/npm-remote-cache/event-stream/-/event-stream-3.3.6.tgz'],
    INFECTED_VERSIONS: ['0.1.1'],
    CREATED: '2018-11-26T10:00:00Z',
    PROVIDER: 'JFrog',
    DETAILS_URL: detailsUrl('b241c1986818d68993093e35', 'XRAY-96224', 'npm://flatmap-stream:0.1.1'),
    PLATFORM_URL,
  }),
  // §1.3: the issue id is the license key, summary the license name, description its full name.
  license: () => ({
    STATUS: 'Active',
    VIOLATION_KEY: 'license-watch|GPL-3.0|gav://org.example:gpl-lib:1.0',
    VIOLATION_ID: '1710136527020015999',
    ISSUE_ID: 'GPL-3.0',
    TYPE: 'License',
    SEVERITY: 'Medium',
    SEVERITY_ORIGINAL: 'Medium',
    SEVERITY_RANK: 3,
    SUMMARY: 'GPL-3.0',
    DESCRIPTION: 'GNU General Public License v3.0',
    CVSS_SCORE: '',
    WATCH: 'license-watch',
    WATCH_URL: watchUrl('license-watch'),
    POLICY: ['no-copyleft'],
    RULE: ['banned-licenses'],
    COMPONENT: 'gav://org.example:gpl-lib:1.0',
    COMPONENT_NAME: 'org.example:gpl-lib',
    COMPONENT_VERSION: '1.0',
    PACKAGE_TYPE: 'gav',
    IMPACTED_ARTIFACTS: ['default/libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar'],
    CREATED: '2024-02-01T12:00:00Z',
    LICENSE: 'GPL-3.0',
    LICENSE_NAME: 'GNU General Public License v3.0',
    DETAILS_URL: detailsUrl('c35a', 'GPL-3.0', 'gav://org.example:gpl-lib:1.0'),
    PLATFORM_URL,
  }),
  // Our notes have no sample of an operational-risk issue id: this one is made up.
  operationalRisk: () => ({
    STATUS: 'Active',
    VIOLATION_KEY: 'ops-watch|XRAY-OPR-1001|deb://debian:buster:libc6:2.28-10',
    ISSUE_ID: 'XRAY-OPR-1001',
    TYPE: 'Operational_Risk',
    SEVERITY: 'Low',
    SEVERITY_ORIGINAL: 'Low',
    SEVERITY_RANK: 2,
    CVSS_SCORE: '',
    WATCH: 'ops-watch',
    WATCH_URL: watchUrl('ops-watch'),
    POLICY: ['operational-risk'],
    RULE: ['end-of-life'],
    COMPONENT: 'deb://debian:buster:libc6:2.28-10',
    COMPONENT_NAME: 'libc6',
    COMPONENT_VERSION: '2.28-10',
    PACKAGE_TYPE: 'deb',
    IMPACTED_ARTIFACTS: ['default/docker-local/billing/1.4.0/manifest.json'],
    CREATED: '2024-03-05T09:30:00Z',
    OPERATIONAL_RISK: 'Low',
    OPERATIONAL_RISK_REASON: 'Debian 10 (buster) reached end of life on 2024-06-30',
    PLATFORM_URL,
  }),
};

export const XRAY_CASES = Object.keys(CASES) as XrayCase[];

export function xrayContext(which: XrayCase, overrides: TemplateContext = {}): TemplateContext {
  return { ...blank(), ...CASES[which](), ...overrides };
}
