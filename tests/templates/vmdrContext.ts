import type { TemplateContext } from '../../connector/model/finding.js';

/**
 * A VMDR template context shaped like the pipeline builds it: host + detection from the
 * Host List Detection sample (shared/reference/samples/qualys/hld_elastic_qualys_vmdr.xml,
 * host 12048633, QID 197597) in org.json form, the KnowledgeBase entry under VULN and the
 * TruRisk fields of the Host List API merged at the top level.
 */
export function vmdrContext(overrides: TemplateContext = {}): TemplateContext {
  return {
    ID: '12048633',
    IP: '10.50.2.111',
    TRACKING_METHOD: 'IP',
    // CDATA text arrives padded with the XML indentation.
    OS: '\n          Windows 2016/2019/10\n        ',
    DNS: '\n          adfssrvr.adfs.local\n        ',
    DNS_DATA: { HOSTNAME: 'adfssrvr', DOMAIN: 'adfs.local', FQDN: 'adfssrvr.adfs.local' },
    NETBIOS: 'ADFSSRVR',
    LAST_SCAN_DATETIME: '2023-07-03T06:25:17Z',
    LAST_VM_SCANNED_DATE: '2023-07-03T06:23:47Z',
    TAGS: { TAG: [{ TAG_ID: '7878', NAME: 'Windows Servers' }, { TAG_ID: '7879', NAME: 'DMZ' }] },
    UNIQUE_VULN_ID: '6666666666',
    QID: '197597',
    TYPE: 'Confirmed',
    SEVERITY: '4',
    PORT: '443',
    PROTOCOL: 'tcp',
    SSL: '1',
    RESULTS: 'Package Installed Version Required Version\nlinux-headers-4.15.0  1027-aws_4.15.0-1126.135  1047',
    STATUS: 'Active',
    FIRST_FOUND_DATETIME: '2021-02-05T04:50:45Z',
    LAST_FOUND_DATETIME: '2024-03-08T20:15:41Z',
    QDS: { content: '95', severity: 'CRITICAL' },
    QDS_FACTORS: { QDS_FACTOR: [{ name: 'RTI', content: 'local' }, { name: 'CVSS', content: '7.8' }] },
    TIMES_FOUND: '5393',
    IS_IGNORED: '0',
    TRURISK_SCORE: '712',
    ASSET_CRITICALITY_SCORE: '3',
    VULN: {
      QID: '197597',
      VULN_TYPE: 'Vulnerability',
      SEVERITY_LEVEL: '4',
      TITLE: '\n  Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities (USN-4579-1)\n  ',
      CATEGORY: 'Ubuntu',
      PATCHABLE: '1',
      PUBLISHED_DATETIME: '2020-10-14T08:41:19Z',
      DIAGNOSIS: 'It was discovered that the Linux kernel did not properly handle *reference counting*.',
      CONSEQUENCE: 'A local attacker could cause a denial of service {code} or execute arbitrary code.',
      SOLUTION: 'Refer to [USN-4579-1|https://ubuntu.com/security/notices/USN-4579-1] | apply the update.',
      CVES: 'CVE-2020-16119, CVE-2020-25285',
      CVE_LIST: { CVE: [{ ID: 'CVE-2020-16119', URL: 'http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2020-16119' }, { ID: 'CVE-2020-25285' }] },
      CVSS: { BASE: { content: '7.2', source: 'service' }, TEMPORAL: '5.3' },
      CVSS_V3_BASE: '7.8',
    },
    ...overrides,
  };
}
