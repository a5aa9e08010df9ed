/**
 * The Get Violations request body (api-notes §1.2) as the simulator reads it: validated like
 * a strict JSON decoder would (wrong types → 400), then turned into a row predicate and order.
 */
import { XRAY_SEVERITIES, XRAY_VIOLATION_TYPES, type XraySeverity, type XrayViolation, type XrayViolationType } from './xrayTypes.js';

export const ORDER_BY = ['created', 'summary', 'severity', 'type', 'watcher_name', 'issue_id'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

export interface ViolationsQuery {
  watchName?: string;
  type?: XrayViolationType;
  minSeverity?: XraySeverity;
  createdFromMs?: number;
  createdUntilMs?: number;
  issueId?: string;
  cveId?: string;
  nameContains?: string;
  includeDetails: boolean;
  artifacts?: Array<{ repo: string; path: string }>;
  /** Any build / release-bundle / git filter: the simulated watches cover repositories only. */
  otherResources: boolean;
  limit: number;
  /** 1-based page number. */
  page: number;
  orderBy: OrderBy;
  direction: 'asc' | 'desc';
}

export class QueryError extends Error {}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new QueryError(`json: cannot unmarshal ${typeof v} into field ${key} of type string`);
  // Go's omitempty clients never send "", and an empty filter means "no filter".
  return v === '' ? undefined : v;
}

function optInt(obj: Record<string, unknown>, key: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new QueryError(`json: cannot unmarshal ${JSON.stringify(v)} into field ${key} of type int`);
  return v;
}

function time(obj: Record<string, unknown>, key: string): number | undefined {
  const s = optString(obj, key);
  if (s === undefined) return undefined;
  const ms = Date.parse(s);
  if (!RFC3339.test(s) || Number.isNaN(ms)) throw new QueryError(`invalid ${key}: ${s} is not an RFC 3339 timestamp`);
  return ms;
}

function resourceList(resources: Record<string, unknown>, key: string): unknown[] | undefined {
  const v = resources[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new QueryError(`json: cannot unmarshal into field resources.${key} of type array`);
  return v;
}

/** Parses the raw body; throws QueryError (→ 400) on anything a strict server would refuse. */
export function parseViolationsQuery(text: string): ViolationsQuery {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new QueryError('invalid request body: not JSON');
  }
  if (!isObject(body)) throw new QueryError('invalid request body: expected an object');
  const filters = body.filters ?? {};
  const pagination = body.pagination ?? {};
  if (!isObject(filters)) throw new QueryError('json: cannot unmarshal into field filters of type object');
  if (!isObject(pagination)) throw new QueryError('json: cannot unmarshal into field pagination of type object');

  const type = optString(filters, 'violation_type');
  if (type !== undefined && !XRAY_VIOLATION_TYPES.includes(type as XrayViolationType)) throw new QueryError(`invalid violation_type: ${type}`);
  const minSeverity = optString(filters, 'min_severity');
  if (minSeverity !== undefined && !XRAY_SEVERITIES.includes(minSeverity as XraySeverity)) throw new QueryError(`invalid min_severity: ${minSeverity}`);
  const includeDetails = filters.include_details ?? false;
  if (typeof includeDetails !== 'boolean') throw new QueryError('json: cannot unmarshal into field include_details of type bool');

  let artifacts: ViolationsQuery['artifacts'];
  let otherResources = false;
  if (filters.resources !== undefined && filters.resources !== null) {
    if (!isObject(filters.resources)) throw new QueryError('json: cannot unmarshal into field resources of type object');
    const list = resourceList(filters.resources, 'artifacts');
    if (list) {
      artifacts = list.map((a) => {
        if (!isObject(a) || typeof a.repo !== 'string' || typeof a.path !== 'string') throw new QueryError('invalid resources.artifacts entry: repo and path are strings');
        return { repo: a.repo, path: a.path };
      });
    }
    for (const key of ['builds', 'release_bundles', 'release_bundles_v2', 'git_repositories']) {
      if (resourceList(filters.resources, key)?.length) otherResources = true;
    }
  }

  const limit = optInt(pagination, 'limit') ?? 0;
  if (limit < 0) throw new QueryError(`invalid limit: ${limit}`);
  const page = optInt(pagination, 'offset') ?? 1;
  if (page < 1) throw new QueryError(`invalid offset: ${page} (offset is a page number starting at 1)`);
  const orderBy = optString(pagination, 'order_by') ?? 'created';
  if (!ORDER_BY.includes(orderBy as OrderBy)) throw new QueryError(`invalid order_by: ${orderBy}`);
  const direction = optString(pagination, 'direction') ?? (orderBy === 'severity' ? 'desc' : 'asc');
  if (direction !== 'asc' && direction !== 'desc') throw new QueryError(`invalid direction: ${direction}`);

  return {
    watchName: optString(filters, 'watch_name'),
    type: type as XrayViolationType | undefined,
    minSeverity: minSeverity as XraySeverity | undefined,
    createdFromMs: time(filters, 'created_from'),
    createdUntilMs: time(filters, 'created_until'),
    issueId: optString(filters, 'issue_id'),
    cveId: optString(filters, 'cve_id'),
    nameContains: optString(filters, 'name_contains'),
    includeDetails,
    artifacts,
    otherResources,
    // A zero limit is what an omitempty client sends for "unset": the default page size.
    limit: limit === 0 ? 25 : limit,
    page,
    orderBy: orderBy as OrderBy,
    direction,
  };
}

/** Cache key of the matching set (filters and order, not the page). */
export function matchKey(q: ViolationsQuery): string {
  const { includeDetails: _d, limit: _l, page: _p, ...rest } = q;
  return JSON.stringify(rest);
}

export const SEVERITY_RANK: Record<string, number> = Object.fromEntries(XRAY_SEVERITIES.map((s, i) => [s, XRAY_SEVERITIES.length - i]));

/** Whether a violation (created at `ms`) matches the query's filters. */
export function matches(q: ViolationsQuery, v: XrayViolation, ms: number): boolean {
  if (q.otherResources) return false;
  if (q.watchName !== undefined && v.watch_name !== q.watchName) return false;
  if (q.type !== undefined && v.type !== q.type) return false;
  if (q.minSeverity !== undefined && (SEVERITY_RANK[v.severity] ?? 0) < SEVERITY_RANK[q.minSeverity]!) return false;
  // Both bounds inclusive: "created as of this time" / "up to this time". A poller that resumes
  // at its last `created` therefore sees that second's violations again and must dedupe.
  if (q.createdFromMs !== undefined && ms < q.createdFromMs) return false;
  if (q.createdUntilMs !== undefined && ms > q.createdUntilMs) return false;
  if (q.issueId !== undefined && v.issue_id !== q.issueId) return false;
  if (q.cveId !== undefined && !(v.properties ?? []).some((p) => p.cve === q.cveId)) return false;
  // Case-sensitive: nothing says Xray folds case, and a simulator must not be kinder than Xray.
  if (q.nameContains !== undefined && !(v.description ?? '').includes(q.nameContains)) return false;
  if (q.artifacts) {
    const arts = v.impacted_artifacts ?? v.impact_artifacts ?? [];
    const hit = q.artifacts.some(({ repo, path }) => arts.some((a) => a.slice(a.indexOf('/') + 1).startsWith(`${repo}/${path.replace(/^\//, '')}`)));
    if (!hit) return false;
  }
  return true;
}

type Sortable = { v: XrayViolation; ms: number; seq: number };

/** Comparator for `order_by`; ties fall back to created, then generation order (a stable id). */
export function comparator(q: ViolationsQuery): (a: Sortable, b: Sortable) => number {
  const primary = (a: Sortable, b: Sortable): number => {
    switch (q.orderBy) {
      case 'created':
        return 0;
      case 'severity':
        return (SEVERITY_RANK[a.v.severity] ?? 0) - (SEVERITY_RANK[b.v.severity] ?? 0);
      case 'summary':
        return (a.v.summary ?? '').localeCompare(b.v.summary ?? '');
      case 'type':
        return a.v.type.localeCompare(b.v.type);
      case 'watcher_name':
        return a.v.watch_name.localeCompare(b.v.watch_name);
      case 'issue_id':
        return a.v.issue_id.localeCompare(b.v.issue_id);
    }
  };
  const sign = q.direction === 'desc' ? -1 : 1;
  return (a, b) => sign * (primary(a, b) || a.ms - b.ms || a.seq - b.seq);
}

/** A list item as sent without `include_details`. */
export function withoutDetails(v: XrayViolation): XrayViolation {
  const out: XrayViolation = {
    description: v.description,
    severity: v.severity,
    type: v.type,
    infected_components: v.infected_components,
    created: v.created,
    watch_name: v.watch_name,
    issue_id: v.issue_id,
    violation_details_url: v.violation_details_url,
  };
  if (v.impacted_artifacts) out.impacted_artifacts = v.impacted_artifacts;
  if (v.impact_artifacts) out.impact_artifacts = v.impact_artifacts;
  if (v.ignore_rule_info) out.ignore_rule_info = v.ignore_rule_info;
  return out;
}
