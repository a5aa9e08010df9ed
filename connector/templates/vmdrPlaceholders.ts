/**
 * Qualys VMDR placeholders: the Host List Detection XML elements (HOST and DETECTION)
 * and the Host List TruRisk elements, in the org.json shape (element text under
 * `content`, attributes as keys), so elements with attributes or children accept dotted
 * sub-paths (`QDS.content`, `QDS.severity`, `DNS_DATA.FQDN`). Section numbers (§) refer
 * to the Qualys API notes the connector was written from.
 */
import { leaf, nested, type PlaceholderEntries } from './placeholderInfo.js';

// Host List Detection HOST elements (qualys.md §1, XSD order).
export const VMDR_HOST_PLACEHOLDERS: PlaceholderEntries = {
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
export const VMDR_TRURISK_PLACEHOLDERS: PlaceholderEntries = {
  TRURISK_SCORE: leaf('Host TruRisk score, 0-1000.'),
  ASSET_CRITICALITY_SCORE: leaf('Asset criticality score (ACS), 1-5.'),
  ASSET_RISK_SCORE: leaf('Asset risk score.'),
  TRURISK_SCORE_FACTORS: nested('TruRisk formula and vulnerability counts per QDS severity.'),
};

// DETECTION elements (qualys.md §1).
export const VMDR_DETECTION_PLACEHOLDERS: PlaceholderEntries = {
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
