/**
 * Parameters each simulated API accepts; anything else is answered like real Qualys:
 * 400, CODE 1901 "Unrecognized parameter(s)" (docs.qualys.com/en/vm/qweb-all-api/appendix/appendix_d.htm).
 * HLD names from qualysdk `valid_params` for get_hld (qualys.md §1); note there is no
 * `show_trurisk` — the live-tenant note says HLD answers it with 400.
 */
export const HLD_PARAMS: ReadonlySet<string> = new Set(
  (
    'action echo_request ids id_min id_max ips ipv6 ag_ids ag_titles network_ids vm_scan_since no_vm_scan_since ' +
    'max_days_since_last_vm_scan vm_processed_before vm_processed_after vm_scan_date_before vm_scan_date_after ' +
    'vm_auth_scan_date_before vm_auth_scan_date_after status compliance_enabled os_pattern qids severities show_igs ' +
    'include_search_list_titles exclude_search_list_titles include_search_list_ids exclude_search_list_ids use_tags ' +
    'tag_set_by tag_include_selector tag_exclude_selector tag_set_include tag_set_exclude show_tags show_asset_id ' +
    'show_results show_reopened_info active_kernels_only arf_kernel_filter arf_service_filter arf_config_filter ' +
    'include_ignored include_disabled output_format suppress_duplicated_data_from_csv truncation_limit ' +
    'max_days_since_detection_updated detection_updated_since detection_updated_before detection_processed_before ' +
    'detection_processed_after detection_last_tested_since detection_last_tested_since_days detection_last_tested_before ' +
    'detection_last_tested_before_days include_vuln_type show_qds qds_min qds_max show_qds_factors host_metadata ' +
    'host_metadata_fields show_cloud_tags cloud_tag_fields filter_superseded_qids'
  ).split(' '),
);

/** KnowledgeBase parameters (qualys.md §2, qualysdk `query_kb`). */
export const KB_PARAMS: ReadonlySet<string> = new Set(
  (
    'action echo_request details ids id_min id_max is_patchable last_modified_after last_modified_before ' +
    'last_modified_by_user_after last_modified_by_user_before last_modified_by_service_after ' +
    'last_modified_by_service_before published_after published_before discovery_method discovery_auth_types ' +
    'show_pci_reasons show_supported_modules_info show_disabled_flag show_qid_change_log code_modified_after code_modified_before'
  ).split(' '),
);

/** Host List parameters (qualys.md §1 "TruRisk / ACS"; qualys_etl host-list payload). */
export const HOST_LIST_PARAMS: ReadonlySet<string> = new Set(
  (
    'action echo_request details ids id_min id_max ips ipv6 ag_ids ag_titles truncation_limit show_tags show_asset_id ' +
    'show_cloud_tags host_metadata host_metadata_fields show_trurisk show_trurisk_factors trurisk_min trurisk_max ' +
    'use_tags tag_set_by tag_include_selector tag_exclude_selector tag_set_include tag_set_exclude vm_scan_since ' +
    'no_vm_scan_since vm_processed_after vm_processed_before os_pattern network_ids'
  ).split(' '),
);

/** `1,3-5,9` → membership test (Qualys id lists and ranges). */
export function idListMatcher(list: string | undefined): ((n: number) => boolean) | undefined {
  return idList(list)?.has;
}

export interface IdList {
  has(n: number): boolean;
  /** Bounds of everything the list can match: callers skip what lies outside. */
  min: number;
  max: number;
}

/**
 * An id list as a membership test and its bounds. Single ids go in a Set: the Host List
 * enrichment sends 1,000 ids per call and is answered over 100,000 hosts, so a scan of
 * the list per host would cost 10^8 comparisons per call.
 */
export function idList(list: string | undefined): IdList | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  const singles = new Set<number>();
  const ranges: Array<readonly [number, number]> = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const part of list.split(',')) {
    const [a, b] = part.trim().split('-');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    if (b === undefined) {
      if (!Number.isNaN(lo)) singles.add(lo);
    } else ranges.push([lo, hi]);
    // A malformed part (NaN) or a backwards range matches nothing, so it widens nothing.
    if (lo <= hi) {
      min = Math.min(min, lo);
      max = Math.max(max, hi);
    }
  }
  return {
    has: (n) => singles.has(n) || ranges.some(([lo, hi]) => n >= lo && n <= hi),
    min,
    max,
  };
}

export function flag(params: Record<string, string>, name: string, dflt: boolean): boolean {
  const v = params[name];
  return v === undefined || v === '' ? dflt : v === '1';
}

export function unknownParams(params: Record<string, string>, allowed: ReadonlySet<string>): string[] {
  return Object.keys(params).filter((k) => !allowed.has(k));
}
