/**
 * What the generated violations are made of: packages per ecosystem, their security issues,
 * licenses and operational-risk issues. Built once per seed; violations share its strings and
 * nested objects so that 100,000 of them stay small.
 */
import { intBetween, mix, mulberry32, pick } from '../qualys/prng.js';
import type { XrayCveProperty, XrayExtendedInformation, XraySeverity } from './xrayTypes.js';
import { hex } from './xrayFormat.js';

export type Ecosystem = 'npm' | 'gav' | 'deb' | 'pypi' | 'go' | 'docker' | 'generic';

export interface SimPackage {
  eco: Ecosystem;
  /** Component id without version: `npm://lodash`, `deb://debian:buster:libssl1.1`. */
  prefix: string;
  /** Short name for descriptions. */
  shortName: string;
  versions: string[];
  securityIssues: SimSecurityIssue[];
}

export interface SimSecurityIssue {
  issueId: string;
  severity: XraySeverity;
  summary: string;
  description: string;
  provider: string;
  /** Shared, never mutated. */
  properties?: XrayCveProperty[];
  cves: string[];
  fixVersions: string[];
  infectedVersions: string[];
  extended?: XrayExtendedInformation;
}

export interface SimLicense {
  key: string;
  name: string;
  fullName: string;
  severity: XraySeverity;
}

const PACKAGES: ReadonlyArray<[Ecosystem, string, string]> = [
  ['npm', 'lodash', 'lodash'],
  ['npm', 'minimist', 'minimist'],
  ['npm', 'axios', 'axios'],
  ['npm', 'express', 'express'],
  ['npm', 'jsonwebtoken', 'jsonwebtoken'],
  ['npm', '@babel/traverse', '@babel/traverse'],
  ['npm', 'follow-redirects', 'follow-redirects'],
  ['npm', 'ws', 'ws'],
  ['gav', 'org.apache.struts:struts2-core', 'Apache Struts 2'],
  ['gav', 'org.apache.logging.log4j:log4j-core', 'Apache Log4j2'],
  ['gav', 'com.fasterxml.jackson.core:jackson-databind', 'jackson-databind'],
  ['gav', 'org.springframework:spring-web', 'Spring Framework'],
  ['gav', 'org.yaml:snakeyaml', 'SnakeYAML'],
  ['gav', 'commons-collections:commons-collections', 'Apache Commons Collections'],
  ['deb', 'debian:buster:libssl1.1', 'OpenSSL'],
  ['deb', 'debian:bullseye:libc6', 'GNU C Library'],
  ['deb', 'debian:buster:zlib1g', 'zlib'],
  ['deb', 'debian:bookworm:libcurl4', 'curl'],
  ['deb', 'ubuntu:focal:libxml2', 'libxml2'],
  ['pypi', 'requests', 'Requests'],
  ['pypi', 'urllib3', 'urllib3'],
  ['pypi', 'pyyaml', 'PyYAML'],
  ['pypi', 'django', 'Django'],
  ['pypi', 'jinja2', 'Jinja2'],
  ['go', 'golang.org/x/net', 'golang.org/x/net'],
  ['go', 'github.com/gin-gonic/gin', 'Gin'],
  ['go', 'github.com/golang-jwt/jwt/v4', 'golang-jwt'],
  ['docker', 'nginx', 'nginx image'],
  ['docker', 'library/alpine', 'alpine image'],
  ['generic', 'sha256', 'generic artifact'],
];

const WEAKNESSES: ReadonlyArray<[string, string, string]> = [
  ['Prototype Pollution', 'CWE-1321', 'modify the prototype of Object'],
  ['Cross-site Scripting (XSS)', 'CWE-79', 'inject arbitrary web script or HTML'],
  ['Regular Expression Denial of Service (ReDoS)', 'CWE-1333', 'cause a denial of service (CPU consumption)'],
  ['Remote Code Execution', 'CWE-94', 'execute arbitrary code'],
  ['Path Traversal', 'CWE-22', 'read arbitrary files'],
  ['Server-Side Request Forgery', 'CWE-918', 'send requests to internal hosts'],
  ['Deserialization of Untrusted Data', 'CWE-502', 'execute arbitrary code'],
  ['Out-of-bounds Write', 'CWE-787', 'cause memory corruption'],
  ['Improper Certificate Validation', 'CWE-295', 'perform man-in-the-middle attacks'],
  ['Command Injection', 'CWE-78', 'run arbitrary OS commands'],
  ['Uncontrolled Resource Consumption', 'CWE-400', 'exhaust memory'],
];

// Descriptions mix quotes, angle brackets, braces and non-ASCII on purpose: they end up in tickets.
const VECTORS = [
  'the "template" function',
  'a crafted <script> payload in the header value',
  'the {{constructor}} property',
  'a specially crafted URL with "../" sequences',
  'an unexpected “smart-quoted” option',
  'the [redirect] handler | pipe-separated input',
];

export const LICENSES: readonly SimLicense[] = [
  { key: 'GPL-3.0', name: 'GPL-3.0', fullName: 'GNU General Public License v3.0', severity: 'High' },
  { key: 'AGPL-3.0', name: 'AGPL-3.0', fullName: 'GNU Affero General Public License v3.0', severity: 'Critical' },
  { key: 'GPL-2.0', name: 'GPL-2.0', fullName: 'GNU General Public License v2.0 only', severity: 'High' },
  { key: 'LGPL-2.1', name: 'LGPL-2.1', fullName: 'GNU Lesser General Public License v2.1 only', severity: 'Medium' },
  { key: 'SSPL-1.0', name: 'SSPL-1.0', fullName: 'Server Side Public License, v 1', severity: 'High' },
  { key: 'CC-BY-NC-4.0', name: 'CC-BY-NC-4.0', fullName: 'Creative Commons Attribution Non Commercial 4.0 International', severity: 'Medium' },
  { key: 'Apache-1.1', name: 'Apache-1.1', fullName: 'The Apache Software License, Version 1.1', severity: 'Low' },
  { key: 'Unknown', name: 'Unknown', fullName: 'Unknown license', severity: 'Medium' },
];

const CVSS3: Record<XraySeverity, string> = {
  Critical: '9.8/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  High: '7.5/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  Medium: '5.3/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
  Low: '3.1/CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N',
  Information: '0.0/CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N',
  Unknown: '',
};
const CVSS2: Record<XraySeverity, string> = {
  Critical: '10.0/CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C',
  High: '7.5/CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P',
  Medium: '5.0/CVSS:2.0/AV:N/AC:L/Au:N/C:N/I:P/A:N',
  Low: '2.6/CVSS:2.0/AV:N/AC:H/Au:N/C:P/I:N/A:N',
  Information: '0.0/CVSS:2.0/AV:N/AC:H/Au:S/C:N/I:N/A:N',
  Unknown: '',
};

function versionsFor(eco: Ecosystem, rnd: () => number): string[] {
  const out = new Set<string>();
  const major = intBetween(rnd, 1, 5);
  while (out.size < 120) {
    const minor = intBetween(rnd, 0, 20);
    const patch = intBetween(rnd, 0, 30);
    if (eco === 'go') out.add(`v0.${minor}.${patch}`);
    // Debian revisions often carry '+debNuM': a '+' the details URL does not escape.
    else if (eco === 'deb') out.add(rnd() < 0.5 ? `${major}.${minor}.${patch}-${intBetween(rnd, 0, 3)}+deb10u${intBetween(rnd, 1, 9)}` : `${major}.${minor}.${patch}-${intBetween(rnd, 1, 12)}`);
    else if (eco === 'generic') out.add(`${hex(rnd, 64)}/artifact_${out.size + 1}.zip`);
    else out.add(`${major}.${minor}.${patch}`);
  }
  return [...out];
}

/** Component id of a package at a version (`generic://sha256:<hex>/<file>` has no version part). */
export function componentId(pkg: SimPackage, version: string): string {
  return `${pkg.prefix}:${version}`;
}

export function securitySeverity(r: number): XraySeverity {
  if (r < 0.15) return 'Critical';
  if (r < 0.45) return 'High';
  if (r < 0.75) return 'Medium';
  if (r < 0.93) return 'Low';
  if (r < 0.97) return 'Information';
  return 'Unknown';
}

function makeSecurityIssue(seed: number, pkg: SimPackage, pkgIndex: number, k: number): SimSecurityIssue {
  const rnd = mulberry32(mix(seed, 0x5ec, pkgIndex, k));
  const severity = securitySeverity(rnd());
  const [weakness, cwe, impact] = pick(rnd, WEAKNESSES);
  const vector = pick(rnd, VECTORS);
  const fix = pkg.eco === 'generic' ? undefined : pick(rnd, pkg.versions);
  const custom = pkg.eco === 'generic';
  const issueId = custom ? `XRAYS1-${pkgIndex}${k}${intBetween(rnd, 1000000, 9999999)}` : `XRAY-${100000 + pkgIndex * 1000 + k * 41 + intBetween(rnd, 0, 40)}`;
  const cveLess = custom || rnd() < 0.1;
  const cves = cveLess ? [] : [`CVE-${intBetween(rnd, 2016, 2025)}-${10000 + pkgIndex * 1000 + k * 31 + intBetween(rnd, 0, 30)}`];
  if (!cveLess && rnd() < 0.06) cves.push(`CVE-${intBetween(rnd, 2016, 2025)}-${50000 + pkgIndex * 1000 + k}`);
  const cvss3 = CVSS3[severity];
  const cvss2 = cves[0] && Number(cves[0].slice(4, 8)) < 2021 ? CVSS2[severity] : '';
  let properties: XrayCveProperty[] | undefined;
  if (cves.length) {
    properties = cves.map((cve) => ({ cve, ...(cvss2 ? { cvss_v2: cvss2 } : {}), ...(cvss3 ? { cvss_v3: cvss3 } : {}), cwe: [cwe] }));
  } else {
    // CVE-less issues come three ways: no properties, a property without cve, an empty cve.
    const shape = rnd();
    if (shape < 0.34) properties = [{ cve: '', ...(cvss3 ? { cvss_v3: cvss3 } : {}), cwe: [cwe] }];
    else if (shape < 0.67) properties = [{ ...(cvss3 ? { cvss_v3: cvss3 } : {}), cwe: [cwe] }];
  }
  const summary = custom ? `Custom issue ${k + 1}` : `${weakness} in ${pkg.shortName}`;
  const description = custom
    ? 'Root access could be granted to a stranger'
    : `${pkg.shortName}${fix ? ` before ${fix}` : ''} is vulnerable to ${weakness} via ${vector}, which allows remote attackers to ${impact}.`;
  const extended: XrayExtendedInformation | undefined =
    cves.length && rnd() < 0.3
      ? {
          short_description: `${weakness} in ${pkg.shortName} may lead to attackers being able to ${impact}.`,
          full_description: `The \`${pkg.shortName}\` package is vulnerable to **${weakness}**.\n\nAn attacker can use ${vector} to ${impact}.`,
          jfrog_research_severity: severity === 'Critical' ? 'High' : severity === 'High' ? 'Medium' : 'Low',
          jfrog_research_severity_reasons: [
            { name: 'Exploitation of the issue is only possible when the vulnerable component is used directly', description: 'Requires attacker-controlled input', is_positive: true },
          ],
          remediation: fix ? `##### Deployment mitigations\n\nUpgrade to \`${fix}\` or later.` : 'No fix is available yet.',
        }
      : undefined;
  return {
    issueId,
    severity,
    summary,
    description,
    provider: custom ? 'MB' : 'JFrog',
    properties,
    cves,
    // Xray writes fix versions in its range notation ("[4.17.21]"); some issues have none.
    fixVersions: fix && rnd() < 0.8 ? [`[${fix}]`] : [],
    infectedVersions: fix ? [`(,${fix})`] : ['All Versions'],
    extended,
  };
}

export interface XrayCatalog {
  packages: SimPackage[];
}

export function buildCatalog(seed: number): XrayCatalog {
  const packages = PACKAGES.map(([eco, name, shortName], i): SimPackage => {
    const rnd = mulberry32(mix(seed, 0xca7, i));
    const prefix = eco === 'generic' ? 'generic://sha256' : `${eco}://${name}`;
    return { eco, prefix, shortName, versions: versionsFor(eco, rnd), securityIssues: [] };
  });
  packages.forEach((pkg, i) => {
    const count = pkg.eco === 'generic' ? 3 : 20;
    for (let k = 0; k < count; k++) pkg.securityIssues.push(makeSecurityIssue(seed, pkg, i, k));
  });
  return { packages };
}

/** Operational-risk issue ids look like the hex ids the Get Violations filter docs list. */
export function operationalRiskIssueId(seed: number, component: string): string {
  let h = mix(seed, 0x0e15);
  for (let i = 0; i < component.length; i++) h = mix(h, component.charCodeAt(i));
  return hex(mulberry32(h), 34);
}
