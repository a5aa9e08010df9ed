import type { QualysWasConfig, QualysWasFilters } from './qualysWasConfig.js';

export const WAS_SEARCH_PATH = '/qps/rest/3.0/search/was/finding';

export interface Criterion {
  field: string;
  operator: 'EQUALS' | 'IN' | 'GREATER' | 'LESSER';
  value: string;
}

/** The JSON form of `<ServiceRequest>` (qualys.md §3; Elastic's qualys_was sends JSON). */
export interface ServiceRequest {
  ServiceRequest: {
    preferences: { verbose: 'true'; limitResults: string };
    filters?: { Criteria: Criterion[] };
  };
}

const one = (field: string, values: ReadonlyArray<string | number>): Criterion =>
  values.length === 1 ? { field, operator: 'EQUALS', value: String(values[0]) } : { field, operator: 'IN', value: values.join(',') };

/** The configured filters as Criteria (field names: qualys.md §3 "Filterable fields"). */
function filterCriteria(filters: QualysWasFilters): Criterion[] {
  const out: Criterion[] = [];
  if (filters.severities) out.push(one('severity', filters.severities));
  if (filters.statuses) out.push(one('status', filters.statuses));
  if (filters.webAppIds) out.push(one('webApp.id', filters.webAppIds));
  if (filters.webAppNames) out.push(one('webApp.name', filters.webAppNames));
  const tagIds = filters.webAppTags?.filter((t): t is number => typeof t === 'number') ?? [];
  const tagNames = filters.webAppTags?.filter((t): t is string => typeof t === 'string') ?? [];
  if (tagIds.length) out.push(one('webApp.tags.id', tagIds));
  if (tagNames.length) out.push(one('webApp.tags.name', tagNames));
  if (filters.findingTypes) out.push(one('findingType', filters.findingTypes));
  if (filters.issueTypes) out.push(one('type', filters.issueTypes));
  if (filters.qids) out.push(one('qid', filters.qids));
  if (filters.owasp) out.push(one('owasp.name', filters.owasp));
  if (filters.cwe) out.push(one('cwe.id', filters.cwe));
  return out;
}

/**
 * One search page: filters, then `lastTestedDate GREATER since` for an incremental
 * pull, then `id GREATER afterId` for the next page (GREATER is strict; qualys.md §3).
 */
export function searchRequest(config: Pick<QualysWasConfig, 'pageSize' | 'filters'>, since: string | undefined, afterId: string | undefined): ServiceRequest {
  const criteria = filterCriteria(config.filters);
  if (since) criteria.push({ field: 'lastTestedDate', operator: 'GREATER', value: since });
  if (afterId) criteria.push({ field: 'id', operator: 'GREATER', value: afterId });
  return {
    ServiceRequest: {
      preferences: { verbose: 'true', limitResults: String(config.pageSize) },
      ...(criteria.length ? { filters: { Criteria: criteria } } : {}),
    },
  };
}
