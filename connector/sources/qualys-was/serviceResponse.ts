/** A JSON value as `JSON.parse` returns it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function objectOf(v: Json | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Text of a scalar (`"18119520"` and `18119520` alike); '' for anything else. */
export function textOf(v: Json | undefined): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Qualys writes booleans as strings ("true") or as booleans, depending on the API. */
export function isTrue(v: Json | undefined): boolean {
  return v === true || textOf(v).toLowerCase() === 'true';
}

/**
 * The items of a QPS list, whatever shape it came in: `{count, list: [{Tag: {...}}]}`,
 * a list of one written as an object, or a bare array. With `wrapper`, each item's
 * `{Wrapper: {...}}` is unwrapped.
 */
export function listItems(v: Json | undefined, wrapper?: string): Json[] {
  const container = objectOf(v);
  const raw = container ? (container.list ?? (wrapper ? container[wrapper] : undefined)) : v;
  const items = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  if (!wrapper) return items;
  return items.map((item) => objectOf(item)?.[wrapper] ?? item);
}

export interface ServiceResponse {
  responseCode: string;
  count: number;
  hasMoreRecords: boolean;
  lastId: string;
  /** `data` entries, each `{Finding: {...}}` (or a single object), unwrapped where possible. */
  records: Json[];
  errorMessage: string;
  errorResolution: string;
}

/** The `ServiceResponse` envelope of a QPS answer, or undefined when the body is not one. */
export function readServiceResponse(body: Json | undefined, recordName: string): ServiceResponse | undefined {
  const sr = objectOf(objectOf(body)?.ServiceResponse);
  if (!sr) return undefined;
  const details = objectOf(sr.responseErrorDetails);
  const data = sr.data;
  const entries = Array.isArray(data) ? data : data === undefined || data === null ? [] : [data];
  return {
    responseCode: textOf(sr.responseCode),
    count: Number(textOf(sr.count)) || 0,
    hasMoreRecords: isTrue(sr.hasMoreRecords),
    lastId: textOf(sr.lastId),
    records: entries.map((e) => objectOf(e)?.[recordName] ?? e),
    errorMessage: textOf(details?.errorMessage),
    errorResolution: textOf(details?.errorResolution),
  };
}

export function describeServiceError(sr: Pick<ServiceResponse, 'responseCode' | 'errorMessage' | 'errorResolution'>): string {
  const parts = [sr.responseCode || 'no responseCode', sr.errorMessage, sr.errorResolution && `(${sr.errorResolution})`].filter(Boolean);
  return parts.join(': ').replace(': (', ' (');
}
