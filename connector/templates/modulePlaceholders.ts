/**
 * The placeholder vocabulary of each Qualys module, so a typo such as `${VULN.TITEL}`
 * is reported when the template loads instead of rendering as an empty string in
 * thousands of tickets.
 *
 * Sources (see shared/reference/api-notes/qualys.md): the names the eight Qualys
 * ticketing templates use (§0), the VMDR Host List Detection XML elements (§1), the
 * Host List TruRisk elements (§1 "TruRisk / ACS"), the KnowledgeBase VULN elements
 * (§2) and the Container Security fields (§4). Qualys data reaches templates in the
 * org.json shape (element text under `content`, attributes as keys), so elements that
 * have attributes or children accept dotted sub-paths (`QDS.content`, `QDS.severity`,
 * `DNS_DATA.FQDN`, `VULN.CVSS.BASE`).
 */
export type ModuleName = 'VMDR' | 'WAS' | 'CS-Container' | 'CS-Image' | 'XRAY';
export const MODULE_NAMES: readonly ModuleName[] = ['VMDR', 'WAS', 'CS-Container', 'CS-Image', 'XRAY'];

export interface PlaceholderInfo {
  /** What the value is, for the templates guide and error hints ('' = see the vendor docs). */
  doc: string;
  /** The element has attributes or children: dotted sub-paths below it are allowed. */
  nested?: boolean;
}

export interface ModuleVocabulary {
  /** Names usable directly: `${ID}`, `${QDS.content}`. */
  names: Readonly<Record<string, PlaceholderInfo>>;
  /** Namespaces whose second segment is checked too: `VULN` → KnowledgeBase elements. */
  namespaces: Readonly<Record<string, Readonly<Record<string, PlaceholderInfo>>>>;
}

type Entries = Record<string, PlaceholderInfo>;
const leaf = (doc = ''): PlaceholderInfo => ({ doc });
const nested = (doc = ''): PlaceholderInfo => ({ doc, nested: true });
const plain = (names: string[]): Entries => Object.fromEntries(names.map((n) => [n, leaf()]));

/** Allowed in every module: the Jira project key of the job (Qualys: from config.json). */
const COMMON: Entries = {
  PROJECT_KEY: leaf('Jira project key the job writes to (from the job config, not from Qualys).'),
};

// Host List Detection HOST elements (qualys.md §1, XSD order).
const VMDR_HOST: Entries = {
  ID: leaf('Qualys host ID.'),
  ASSET_ID: leaf('Asset ID (needs show_asset_id=1).'),
  IP: leaf('IPv4 address.'),
  IPV6: leaf('IPv6 address.'),
  TRACKING_METHOD: leaf('How Qualys tracks the host: IP, DNS, NETBIOS, AGENT, ...'),
  NETWORK_ID: leaf('Network ID (network support enabled).'),
  OS: leaf('Operating system as detected.'),
  OS_CPE: leaf('Operating system CPE.'),
  DNS: leaf('DNS host name (often fully qualified).'),
  DNS_DATA: nested('DNS parts: DNS_DATA.HOSTNAME, DNS_DATA.DOMAIN, DNS_DATA.FQDN.'),
  CLOUD_PROVIDER: leaf('Cloud provider of a cloud asset.'),
  CLOUD_SERVICE: leaf('Cloud service of a cloud asset.'),
  CLOUD_RESOURCE_ID: leaf('Cloud resource ID.'),
  EC2_INSTANCE_ID: leaf('AWS EC2 instance ID.'),
  NETBIOS: leaf('NetBIOS name.'),
  QG_HOSTID: leaf('Qualys agent/host ID (QG_HOSTID).'),
  LAST_SCAN_DATETIME: leaf('Last scan of the host (any scan type).'),
  LAST_VM_SCANNED_DATE: leaf('Last vulnerability scan of the host.'),
  LAST_VM_SCANNED_DURATION: leaf('Duration of the last vulnerability scan, seconds.'),
  LAST_VM_AUTH_SCANNED_DATE: leaf('Last authenticated vulnerability scan.'),
  LAST_VM_AUTH_SCANNED_DURATION: leaf('Duration of the last authenticated scan, seconds.'),
  LAST_PC_SCANNED_DATE: leaf('Last policy compliance scan.'),
  TAGS: nested('Asset tags; ${TAGS} renders the tag names comma-separated (needs show_tags=1).'),
  METADATA: nested('Cloud instance metadata (EC2/GOOGLE/AZURE attributes; host_metadata=...).'),
  CLOUD_PROVIDER_TAGS: nested('Cloud provider tags (show_cloud_tags=1).'),
};

// Host List API with show_trurisk=1, joined by host ID (qualys.md §1 "TruRisk / ACS").
const VMDR_TRURISK: Entries = {
  TRURISK_SCORE: leaf('Host TruRisk score, 0-1000.'),
  ASSET_CRITICALITY_SCORE: leaf('Asset criticality score (ACS), 1-5.'),
  ASSET_RISK_SCORE: leaf('Asset risk score.'),
  TRURISK_SCORE_FACTORS: nested('TruRisk formula and vulnerability counts per QDS severity.'),
};

// DETECTION elements (qualys.md §1).
const VMDR_DETECTION: Entries = {
  UNIQUE_VULN_ID: leaf('Unique ID of this detection.'),
  QID: leaf('Qualys vulnerability ID.'),
  TYPE: leaf('Detection type: Confirmed, Potential or Info.'),
  SEVERITY: leaf('Qualys severity 1-5.'),
  PORT: leaf('Port (absent for host-level QIDs).'),
  PROTOCOL: leaf('Protocol: tcp, udp, ...'),
  FQDN: leaf('FQDN the detection was found on (virtual hosts).'),
  SSL: leaf('1 when found over SSL/TLS, else 0.'),
  INSTANCE: leaf('Instance (e.g. database instance) of the detection.'),
  RESULTS: leaf('Scan results text: what the scanner saw (show_results=1).'),
  STATUS: leaf('Detection status: New, Active, Fixed or Re-Opened.'),
  FIRST_FOUND_DATETIME: leaf('First time found.'),
  LAST_FOUND_DATETIME: leaf('Last time found.'),
  QDS: nested('Qualys Detection Score: ${QDS.content} = 1-100, ${QDS.severity} = LOW/MEDIUM/HIGH/CRITICAL (show_qds=1).'),
  QDS_FACTORS: nested('Factors behind the QDS (show_qds_factors=1).'),
  TIMES_FOUND: leaf('Number of scans that found it.'),
  LAST_TEST_DATETIME: leaf('Last time tested.'),
  LAST_UPDATE_DATETIME: leaf('Last time the detection changed.'),
  LAST_FIXED_DATETIME: leaf('Last time it was marked Fixed.'),
  FIRST_REOPENED_DATETIME: leaf('First time re-opened (show_reopened_info=1).'),
  LAST_REOPENED_DATETIME: leaf('Last time re-opened.'),
  TIMES_REOPENED: leaf('Number of re-openings.'),
  SERVICE: leaf('Service name on the port.'),
  IS_IGNORED: leaf('1 when ignored in Qualys (include_ignored=1), else 0.'),
  IS_DISABLED: leaf('1 when the QID is disabled, else 0.'),
  AFFECT_RUNNING_KERNEL: leaf('1 when it affects the running kernel.'),
  AFFECT_RUNNING_SERVICE: leaf('1 when it affects a running service.'),
  AFFECT_EXPLOITABLE_CONFIG: leaf('1 when the configuration is exploitable.'),
  LAST_PROCESSED_DATETIME: leaf('Last time Qualys processed the detection.'),
  ASSET_CVE: nested('CVEs detected on the asset for this QID.'),
};

// KnowledgeBase VULN elements (qualys.md §2) plus the flattened names the Qualys templates use.
const KB: Entries = {
  QID: leaf('Qualys vulnerability ID.'),
  VULN_TYPE: leaf('Vulnerability, Potential Vulnerability or Information Gathered.'),
  SEVERITY_LEVEL: leaf('KnowledgeBase severity 1-5.'),
  TITLE: leaf('Vulnerability title.'),
  CATEGORY: leaf('Category, e.g. Windows, CGI, Web Application.'),
  TECHNOLOGY: leaf('Technology.'),
  DETECTION_INFO: leaf('How it is detected.'),
  LAST_CUSTOMIZATION: nested('Last customization of the QID in your subscription.'),
  LAST_SERVICE_MODIFICATION_DATETIME: leaf('Last change of the QID by Qualys.'),
  PUBLISHED_DATETIME: leaf('When Qualys published the QID.'),
  CODE_MODIFIED_DATETIME: leaf('Last change of the detection code.'),
  BUGTRAQ_LIST: nested('Bugtraq references.'),
  PATCHABLE: leaf('1 when a patch exists, else 0.'),
  PATCH_PUBLISHED_DATE: leaf('When the patch was published.'),
  SOFTWARE_LIST: nested('Affected software (SOFTWARE.PRODUCT, SOFTWARE.VENDOR).'),
  VENDOR_REFERENCE_LIST: nested('Vendor advisories.'),
  CVE_LIST: nested('CVEs with URLs; ${VULN.CVE_LIST.CVE.ID} lists the IDs.'),
  DIAGNOSIS: leaf('What the vulnerability is (Qualys text, converted from HTML by the source; links stay links).'),
  DIAGNOSIS_COMMENT: leaf('Your subscription\'s diagnosis comment.'),
  CONSEQUENCE: leaf('What an attacker can do.'),
  CONSEQUENCE_COMMENT: leaf('Your subscription\'s consequence comment.'),
  SOLUTION: leaf('How to fix it.'),
  SOLUTION_COMMENT: leaf('Your subscription\'s solution comment.'),
  COMPLIANCE_LIST: nested('Compliance references.'),
  CORRELATION: nested('Known exploits and malware.'),
  CVSS: nested('CVSS v2 block (CVSS.BASE, CVSS.TEMPORAL, CVSS.VECTOR_STRING, ...).'),
  CVSS_V3: nested('CVSS v3 block (CVSS_V3.BASE, CVSS_V3.TEMPORAL, CVSS_V3.VECTOR_STRING, ...).'),
  PCI_FLAG: leaf('1 when it fails PCI, else 0.'),
  AUTOMATIC_PCI_FAIL: leaf('1 when it fails PCI automatically.'),
  PCI_REASONS: nested('Why it fails PCI.'),
  THREAT_INTELLIGENCE: nested('Threat intelligence tags (Exploit_Public, Easy_Exploit, No_Patch, ...).'),
  SUPPORTED_MODULES: leaf('Qualys modules that detect it.'),
  DISCOVERY: nested('Discovery method (DISCOVERY.REMOTE, DISCOVERY.AUTH_TYPE_LIST).'),
  IS_DISABLED: leaf('1 when the QID is disabled.'),
  CHANGE_LOG_LIST: nested('QID change log.'),
  // Flattened by the connector (names from the Qualys templates; qualys.md §2 mapping).
  CVSS_BASE: leaf('CVSS v2 base score (CVSS.BASE).'),
  CVSS_TEMPORAL: leaf('CVSS v2 temporal score (CVSS.TEMPORAL).'),
  CVSS_V3_BASE: leaf('CVSS v3 base score (CVSS_V3.BASE).'),
  CVSS_V3_TEMPORAL: leaf('CVSS v3 temporal score (CVSS_V3.TEMPORAL).'),
  CVSS_V3_ATTACK_VECTOR: leaf('CVSS v3 attack vector (CVSS_V3.ATTACK.VECTOR; KB details=All).'),
  CVES: leaf('CVE IDs, comma-separated.'),
};

// WAS: the flattened names of the two Qualys WAS templates (qualys.md §0, §3).
const WAS: Entries = plain([
  'ID', 'UNIQUE_ID', 'QID', 'SEVERITY', 'STATUS', 'FINDING_TYPE', 'ISSUE_TYPE', 'DETECTION_TYPE', 'OWASP', 'CWE',
  'FIRST_DETECTED_DATE', 'LAST_DETECTED_DATE', 'TIMES_DETECTED', 'WEBAPP_ID', 'WEBAPP_NAME', 'WEBAPP_URL', 'RESULT',
  // Not in the Qualys templates; our WAS source fills them (the finding's URL and name).
  'URL', 'NAME',
]);

// Container Security raw JSON field names (qualys.md §0 and §4).
const CS_VULN: Entries = {
  ...plain([
    'qid', 'title', 'result', 'severity', 'customerSeverity', 'qdsScore', 'patchAvailable', 'published', 'port', 'status',
    'risk', 'category', 'discoveryType', 'authType', 'supportedBy', 'product', 'vendor', 'cveids', 'softwares',
    'lastFound', 'firstFound', 'typeDetected', 'scanType', 'diagnosis', 'consequence', 'solution', 'impact',
  ]),
  cvssInfo: nested('cvssInfo.baseScore, cvssInfo.temporalScore, cvssInfo.accessVector.'),
  cvss3Info: nested('cvss3Info.baseScore, cvss3Info.temporalScore.'),
  threatIntel: nested(),
  software: nested(),
};

const CS_CONTAINER: Entries = {
  ...plain([
    'containerId', 'name', 'imageId', 'command', 'arguments', 'sha', 'uuid', 'operatingSystem', 'privileged', 'state',
    'stateChanged', 'created', 'updated', 'lastScanned', 'isDrift', 'isRoot', 'riskScore', 'maxQdsScore', 'qdsSeverity',
    'scanTypes',
  ]),
  cluster: nested(),
};

const CS_IMAGE: Entries = {
  ...plain([
    'imageRegistry', 'imageRepository', 'imageTags', 'sha', 'imageId', 'uuid', 'size', 'dockerVersion', 'operatingSystem',
    'author', 'created', 'updated', 'lastUsedDate', 'lastScanned', 'lastVmScanDate', 'scanTypes', 'scanStatus', 'source',
    'otherImageRegistry', 'otherImageRepository', 'totalVulCount', 'isDockerHubOfficial', 'associatedHosts',
    'associatedContainersCount', 'associatedHostsCount', 'lastFoundOnHost', 'repoDigests', 'imageStatus', 'jiraTicketAction',
  ]),
  repo: nested('Registry/repository/tag entries.'),
  vulnerabilities: nested('Counts per severity (severity1Count..severity5Count).'),
  layers: nested(),
};

/**
 * JFrog Xray policy violations, one per watch × issue × component, normalized from the
 * Get Violations API and both webhook payload shapes (xray-pagerduty-lightstep.md §1-2).
 * Lists render comma-separated.
 */
const XRAY: Entries = {
  STATUS: leaf('Active while Xray lists the violation; Resolved once a complete pull of its watch no longer does.'),
  VIOLATION_KEY: leaf('Identity of the violation: watch|issue id|component. Use it as the Primary Key.'),
  VIOLATION_ID: leaf('Xray\'s numeric violation id (pull with details; empty from webhooks).'),
  ISSUE_ID: leaf('Xray issue id: XRAY-123456 for security, the license key (GPL-3.0) for license violations.'),
  TYPE: leaf('Security, License or Operational_Risk.'),
  SEVERITY: leaf('Severity on one scale: Critical, High, Medium, Low, Information, Unknown (legacy Major → High, Minor → Low).'),
  SEVERITY_ORIGINAL: leaf('Severity exactly as Xray sent it (may be a legacy Major/Minor).'),
  SEVERITY_RANK: leaf('Severity as a number for priority ranges: Critical 5, High 4, Medium 3, Low 2, Information 1, Unknown 0.'),
  SUMMARY: leaf('Xray\'s summary of the issue (license violations: the license name).'),
  DESCRIPTION: leaf('Xray\'s description of the issue (license violations: the license full name).'),
  CVE: leaf('First CVE of the issue; empty for XRAY-only and license violations.'),
  CVES: leaf('All CVEs of the issue.'),
  CVSS_V2_SCORE: leaf('Highest CVSS v2 base score among the CVEs.'),
  CVSS_V2_VECTOR: leaf('CVSS v2 vector of that CVE.'),
  CVSS_V3_SCORE: leaf('Highest CVSS v3 base score among the CVEs.'),
  CVSS_V3_VECTOR: leaf('CVSS v3 vector of that CVE (CVSS:3.1/AV:N/...).'),
  CVSS_SCORE: leaf('CVSS v3 score, else v2: one number for priority ranges.'),
  CWE: leaf('CWE ids of the issue.'),
  WATCH: leaf('Watch that raised the violation.'),
  WATCH_URL: leaf('The watch\'s violations page in the JFrog Platform UI (configured platform URL).'),
  POLICY: leaf('Policies whose rules matched.'),
  RULE: leaf('Rules that matched.'),
  COMPONENT: leaf('Vulnerable component id as Xray writes it: npm://lodash:4.17.19, gav://org:name:1.0, deb://debian:buster:pkg:1.2.'),
  COMPONENT_NAME: leaf('Component name without package type and version.'),
  COMPONENT_VERSION: leaf('Component version.'),
  PACKAGE_TYPE: leaf('Package type from the component id: npm, gav (Maven), deb, docker, pypi, go, ...'),
  IMPACTED_ARTIFACTS: leaf('Artifacts, builds or release bundles that contain the component (repo/path).'),
  INFECTED_VERSIONS: leaf('Component versions affected.'),
  FIX_VERSIONS: leaf('Versions that fix the issue (empty: no fix known).'),
  CREATED: leaf('When Xray created the violation (RFC 3339).'),
  PROVIDER: leaf('Who reported the issue (JFrog, ...).'),
  LICENSE: leaf('License key of a license violation (GPL-3.0); empty otherwise.'),
  LICENSE_NAME: leaf('License full name of a license violation.'),
  DETAILS_URL: leaf('Violation details API URL, on the configured platform URL (never the host Xray reports).'),
  JFROG_SEVERITY: leaf('JFrog Security research severity, when Xray has it.'),
  SHORT_DESCRIPTION: leaf('JFrog Security research summary (markdown), when present.'),
  REMEDIATION: leaf('JFrog Security research remediation (markdown), when present.'),
  APPLICABILITY: leaf('Contextual analysis result for this component: applicable, not_applicable, undetermined, ...'),
  OPERATIONAL_RISK: leaf('Operational risk level of an Operational_Risk violation.'),
  OPERATIONAL_RISK_REASON: leaf('Why Xray rates the operational risk so (end of life, cadence, ...).'),
  IGNORE_RULE: leaf('The ignore rule that applies, if any: author, notes and expiry.'),
  PLATFORM_URL: leaf('The configured JFrog Platform URL.'),
};

export const MODULE_VOCABULARIES: Readonly<Record<ModuleName, ModuleVocabulary>> = {
  VMDR: { names: { ...COMMON, ...VMDR_HOST, ...VMDR_TRURISK, ...VMDR_DETECTION }, namespaces: { VULN: KB } },
  WAS: { names: { ...COMMON, ...WAS }, namespaces: { VULN: KB } },
  'CS-Container': {
    names: { ...COMMON, ...CS_CONTAINER },
    namespaces: { vuln: CS_VULN, host: plain(['sensorUuid', 'hostname', 'ipAddress', 'uuid', 'lastUpdated']) },
  },
  'CS-Image': { names: { ...COMMON, ...CS_IMAGE }, namespaces: { vuln: CS_VULN } },
  XRAY: { names: { ...COMMON, ...XRAY }, namespaces: {} },
};

export function isModuleName(name: string): name is ModuleName {
  return (MODULE_NAMES as readonly string[]).includes(name);
}

/** The vocabulary entry a dotted placeholder path resolves to, or undefined when unknown. */
export function lookupPlaceholder(module: ModuleName, path: string): PlaceholderInfo | undefined {
  const vocab = MODULE_VOCABULARIES[module];
  const [head = '', second, ...rest] = path.split('.');
  const namespace = Object.prototype.hasOwnProperty.call(vocab.namespaces, head) ? vocab.namespaces[head] : undefined;
  if (namespace) {
    if (second === undefined || !Object.prototype.hasOwnProperty.call(namespace, second)) return undefined;
    const info = namespace[second];
    return info && (rest.length === 0 || info.nested) ? info : undefined;
  }
  const info = Object.prototype.hasOwnProperty.call(vocab.names, head) ? vocab.names[head] : undefined;
  return info && (second === undefined || info.nested) ? info : undefined;
}

export function isKnownPlaceholder(module: ModuleName, path: string): boolean {
  return lookupPlaceholder(module, path) !== undefined;
}

/** Every placeholder a module knows, spelled as in a template (`ID`, `VULN.TITLE`, `vuln.qid`). */
export function placeholderNames(module: ModuleName): string[] {
  const vocab = MODULE_VOCABULARIES[module];
  const out = Object.keys(vocab.names);
  for (const [ns, entries] of Object.entries(vocab.namespaces)) out.push(...Object.keys(entries).map((k) => `${ns}.${k}`));
  return out;
}

/** A likely intended name for an unknown placeholder (case slip or small typo), if any. */
export function suggestPlaceholder(module: ModuleName, path: string): string | undefined {
  const names = placeholderNames(module);
  const lower = path.toLowerCase();
  const sameCase = names.find((n) => n.toLowerCase() === lower);
  if (sameCase) return sameCase;
  // A sub-path of a nested element with a slip in the root (`qds.content`): compare the
  // root only and keep the sub-path.
  const [root = '', ...rest] = path.split('.');
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const subPath = rest.length > 0 && !name.includes('.') && lookupPlaceholder(module, name)?.nested === true;
    const candidate = subPath ? `${name}.${rest.join('.')}` : name;
    const d = editDistance(name.toLowerCase(), (subPath ? root : path).toLowerCase());
    if (d <= 2 && (!best || d < best.distance)) best = { name: candidate, distance: d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
