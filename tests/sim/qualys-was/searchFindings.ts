import type { SimWasFinding, WasSimData } from './generateWasData.js';

export interface SimCriterion {
  field: string;
  operator: string;
  value: string;
}

/** Fields the sim filters on; anything else is answered INVALID_REQUEST (Qualys rejects unknown fields too). */
const FIELDS: Record<string, (f: SimWasFinding, data: WasSimData) => string | number> = {
  id: (f) => f.id,
  qid: (f) => f.qid,
  status: (f) => f.status,
  severity: (f) => Number(f.severity),
  type: (f) => f.type,
  findingType: (f) => f.findingType,
  'webApp.id': (f) => f.webAppId,
  'webApp.name': (f, d) => d.webApp(f.webAppId)?.name ?? '',
  lastTestedDate: (f) => Date.parse(f.lastTestedDate),
};

export class SearchRequestError extends Error {}

/** The Criteria of a ServiceRequest, one object or a list (both occur in the JSON form). */
export function criteriaOf(request: unknown): SimCriterion[] {
  const sr = (request as { ServiceRequest?: { filters?: { Criteria?: unknown } } } | undefined)?.ServiceRequest;
  if (!sr) throw new SearchRequestError('ServiceRequest is missing');
  const raw = sr.filters?.Criteria;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((c) => {
    const o = c as Partial<Record<'field' | 'operator' | 'value', unknown>>;
    if (typeof o.field !== 'string' || typeof o.operator !== 'string' || o.value === undefined) throw new SearchRequestError(`Invalid Criteria ${JSON.stringify(c)}`);
    return { field: o.field, operator: o.operator.toUpperCase(), value: String(o.value) };
  });
}

export function limitOf(request: unknown): number {
  const prefs = (request as { ServiceRequest?: { preferences?: { limitResults?: unknown } } }).ServiceRequest?.preferences;
  if (prefs?.limitResults === undefined) return 100;
  const n = Number(prefs.limitResults);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new SearchRequestError(`limitResults must be between 1 and 1000, got ${String(prefs.limitResults)}`);
  return n;
}

function matcher(c: SimCriterion): (f: SimWasFinding, data: WasSimData) => boolean {
  const get = FIELDS[c.field];
  if (!get) throw new SearchRequestError(`Unknown field ${c.field} in Criteria`);
  const isDate = c.field === 'lastTestedDate';
  const parse = (v: string): string | number => (isDate ? Date.parse(v) : /^\d+$/.test(v.trim()) ? Number(v) : v.trim());
  if (isDate && Number.isNaN(Date.parse(c.value))) throw new SearchRequestError(`Invalid date ${c.value} for ${c.field}`);
  switch (c.operator) {
    case 'EQUALS':
      return (f, d) => get(f, d) === parse(c.value);
    case 'NOT EQUALS':
      return (f, d) => get(f, d) !== parse(c.value);
    case 'IN': {
      const set = new Set(c.value.split(',').map(parse));
      return (f, d) => set.has(get(f, d));
    }
    case 'GREATER':
      return (f, d) => get(f, d) > parse(c.value);
    case 'LESSER':
      return (f, d) => get(f, d) < parse(c.value);
    default:
      throw new SearchRequestError(`Unsupported operator ${c.operator} for ${c.field}`);
  }
}

/** One page: findings matching every criterion, by ascending id, at most `limit`. */
export function searchPage(data: WasSimData, criteria: SimCriterion[], limit: number): { page: SimWasFinding[]; hasMore: boolean } {
  const tests = criteria.map(matcher);
  const hits = data.findings.filter((f) => tests.every((t) => t(f, data))).sort((a, b) => a.id - b.id);
  return { page: hits.slice(0, limit), hasMore: hits.length > limit };
}
