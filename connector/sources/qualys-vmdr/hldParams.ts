import type { DetectionStatus, QualysVmdrConfig } from './qualysVmdrConfig.js';

export type QualysParams = Record<string, string>;

/**
 * Tickets can only close when Fixed detections come back, so `Fixed` is always
 * requested ("For updating vulnerabilities already in the system, including the Fixed
 * status is important" — docs.servicenow.com r_QualysHostDetectionRESTMessage.html).
 */
export function effectiveStatuses(status: readonly DetectionStatus[]): { statuses: DetectionStatus[]; addedFixed: boolean } {
  if (status.includes('Fixed')) return { statuses: [...status], addedFixed: false };
  return { statuses: [...status, 'Fixed'], addedFixed: true };
}

const flag = (b: boolean): string => (b ? '1' : '0');

/**
 * The HLD form parameters for a config (names from qualysdk `valid_params` for get_hld,
 * qualys.md §1). `since` is the incremental cursor; absent on a first run (pull all).
 */
export function hldParams(config: QualysVmdrConfig, since?: string): QualysParams {
  const p: QualysParams = { action: 'list' };
  p.status = effectiveStatuses(config.status).statuses.join(',');
  p.include_ignored = flag(config.includeIgnored);
  p.show_qds = flag(config.showQds);
  p.show_qds_factors = flag(config.showQdsFactors);
  p.show_tags = flag(config.showTags);
  p.show_asset_id = flag(config.showAssetId);
  p.show_results = flag(config.showResults);
  p.truncation_limit = String(config.truncationLimit);
  if (config.severities !== undefined) p.severities = Array.isArray(config.severities) ? config.severities.join(',') : config.severities;
  if (config.qids) p.qids = config.qids.join(',');
  if (config.includeVulnType) p.include_vuln_type = config.includeVulnType;
  if (config.agIds) p.ag_ids = config.agIds.join(',');
  if (config.tags) {
    p.use_tags = '1';
    p.tag_set_by = config.tags.setBy;
    p.tag_include_selector = config.tags.includeSelector;
    p.tag_set_include = config.tags.include.join(',');
    if (config.tags.exclude?.length) {
      p.tag_exclude_selector = config.tags.excludeSelector;
      p.tag_set_exclude = config.tags.exclude.join(',');
    }
  }
  if (since) p[config.incremental] = since;
  for (const [k, v] of extraEntries(config.extraParams)) p[k] = v;
  return p;
}

function extraEntries(extra: QualysVmdrConfig['extraParams']): Array<[string, string]> {
  if (typeof extra === 'string') return [...new URLSearchParams(extra.replace(/^\?/, ''))];
  return Object.entries(extra).map(([k, v]) => [k, typeof v === 'boolean' ? flag(v) : String(v)]);
}

/** Cursor format Qualys accepts for date filters: `YYYY-MM-DDTHH:MM:SSZ` (host_detection.htm). */
export function qualysDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
