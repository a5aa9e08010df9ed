/**
 * The shapes the Xray simulator sends (Get Violations items, Get Watches entries). They are the
 * simulator's own types, written from jfrog-client-go's `XrayViolation` json tags and JFrog's
 * samples (api-notes §1.3/§1.4), not the product's model.
 */

export type XrayViolationType = 'Security' | 'License' | 'Operational_Risk';

/** Descending order, as the Get Violations filter documents it. */
export const XRAY_SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown'] as const;
export type XraySeverity = (typeof XRAY_SEVERITIES)[number];

export const XRAY_VIOLATION_TYPES: readonly XrayViolationType[] = ['Security', 'License', 'Operational_Risk'];

export interface XrayMatchedPolicy {
  policy: string;
  rule: string;
  is_blocking: boolean;
  is_build_failed?: boolean;
  fail_pull_request?: boolean;
}

export interface XrayIgnoreRuleInfo {
  id: string;
  ignore_rule_type: string;
  author: string;
  created: string;
  notes: string;
  is_expired: boolean;
  expires_at?: string;
}

/** One `properties[]` entry; CVE-less security violations have no `cve` or an empty one. */
export interface XrayCveProperty {
  cve?: string;
  /** `"<score>/<vector>"`, e.g. `5.0/CVSS:2.0/AV:N/AC:L/Au:N/C:N/I:P/A:N`. */
  cvss_v2?: string;
  cvss_v3?: string;
  cwe?: string[];
}

export interface XrayExtendedInformation {
  short_description: string;
  /** Markdown. */
  full_description: string;
  jfrog_research_severity: string;
  jfrog_research_severity_reasons: Array<{ name: string; description: string; is_positive: boolean }>;
  /** Markdown. */
  remediation: string;
}

export interface XrayOperationalRisk {
  risk: string;
  risk_reason: string;
  is_eol?: boolean;
  eol_message?: string;
  latest_version?: string;
  newer_versions?: number;
  cadence: number | null;
  commits?: number;
  committers?: number;
  released?: string;
}

export type XrayApplicabilityResult =
  | 'applicable'
  | 'not_applicable'
  | 'not_covered'
  | 'undetermined'
  | 'not_scanned'
  | 'technology_unsupported'
  | 'rescan_required'
  | 'upgrade_required';

export interface XrayApplicabilityDetail {
  component_id: string;
  source_comp_id: string;
  vulnerability_id: string;
  result: XrayApplicabilityResult;
}

/**
 * A Get Violations list item as sent with `include_details: true`. Without it the simulator
 * sends only the fields JFrog's SIEM fixture shows (`withoutDetails` in violationsQuery.ts).
 */
export interface XrayViolation {
  description?: string;
  severity: XraySeverity;
  type: XrayViolationType;
  infected_components: string[];
  created: string;
  watch_name: string;
  issue_id: string;
  violation_details_url?: string;
  /** The key in JFrog's samples; about 10% of records use `impact_artifacts` instead (client-go's tag). */
  impacted_artifacts?: string[];
  impact_artifacts?: string[];
  violation_id?: string;
  summary?: string;
  provider?: string;
  infected_versions?: string[];
  fix_versions?: string[];
  matched_policies?: XrayMatchedPolicy[];
  ignore_rule_info?: XrayIgnoreRuleInfo;
  properties?: XrayCveProperty[];
  extended_information?: XrayExtendedInformation;
  operational_risk?: XrayOperationalRisk;
  /** JFrog's details sample carries `"applicability": null`. */
  applicability?: null;
  applicability_details?: XrayApplicabilityDetail[];
}

export type XrayPolicyType = 'security' | 'license' | 'operational_risk';

export interface XrayWatchResource {
  type: 'repository';
  bin_mgr_id: string;
  name: string;
}

/** The simulator's view of a watch; `GET /xray/api/v2/watches` renders it in Xray's shape. */
export interface XrayWatch {
  /** 24 hex chars, as in `violation_details_url`'s `watch_id`. */
  id: string;
  name: string;
  description: string;
  resources: XrayWatchResource[];
  policies: Array<{ name: string; type: XrayPolicyType }>;
}

/** One entry of the Get Watches answer. */
export interface XrayWatchBody {
  general_data: { name: string; description: string; active: boolean };
  project_resources: { resources: Array<XrayWatchResource & { filters: unknown[] }> };
  assigned_policies: Array<{ name: string; type: XrayPolicyType }>;
  watch_recipients: string[];
}
