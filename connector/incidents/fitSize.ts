import type { TemplateValue } from '../model/finding.js';

/** PagerDuty Events API v2 refuses bodies over 512 KB (xray-pagerduty-lightstep.md §3). */
export const MAX_BODY_BYTES = 512 * 1024;

export const TRUNCATED = '… (truncated)';

export type Details = { [key: string]: TemplateValue };

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** `and 17 more`: the last item of a list that was cut. */
export function andMore(n: number): string {
  return `and ${n} more`;
}

/**
 * A copy of `details` whose JSON is at most `maxBytes`: the largest fields are cut first
 * (lists keep their first items and end with "and N more", strings end with
 * "… (truncated)", objects are cut as their JSON text), so the small identifying fields
 * (cve, severity, watch) survive a 2 MB description. Fields are never dropped.
 */
export function fitDetails(details: Details, maxBytes: number): Details {
  const out: Details = { ...details };
  let size = jsonBytes(out);
  for (let round = 0; size > maxBytes && round < 16; round++) {
    const keys = Object.keys(out);
    const sizes = keys.map((k) => jsonBytes(out[k]));
    const fieldsTotal = sizes.reduce((a, b) => a + b, 0);
    // Cut every field above one cap, so the longest give up most and the short keep all.
    const cap = waterLevel(sizes, fieldsTotal - (size - maxBytes));
    keys.forEach((k, i) => {
      if ((sizes[i] ?? 0) > cap) out[k] = shrink(out[k] as TemplateValue, cap);
    });
    const next = jsonBytes(out);
    if (next >= size) {
      // Nothing left to cut above the cap (numbers): replace the largest field by the marker.
      const largest = keys[sizes.indexOf(Math.max(...sizes))];
      if (largest === undefined || out[largest] === TRUNCATED) break;
      out[largest] = TRUNCATED;
      size = jsonBytes(out);
      continue;
    }
    size = next;
  }
  return out;
}

/** The largest cap such that the sizes, each cut to at most it, add up to at most `total`. */
function waterLevel(sizes: readonly number[], total: number): number {
  const sorted = [...sizes].sort((a, b) => b - a);
  let rest = sorted.reduce((a, b) => a + b, 0);
  for (let k = 1; k <= sorted.length; k++) {
    rest -= sorted[k - 1] as number;
    const cap = Math.floor((total - rest) / k);
    if (cap >= (sorted[k] ?? 0)) return Math.max(0, cap);
  }
  return 0;
}

/** `value` cut so that its JSON is at most about `targetBytes`. */
function shrink(value: TemplateValue, targetBytes: number): TemplateValue {
  if (typeof value === 'string') return cutString(value, targetBytes);
  if (Array.isArray(value)) return cutList(value, targetBytes);
  if (value !== null && typeof value === 'object') return cutString(JSON.stringify(value), targetBytes);
  return value;
}

/** The string cut at a character boundary so that its JSON (quotes, escapes) fits `targetBytes`. */
export function cutString(text: string, targetBytes: number): string {
  if (jsonBytes(text) <= targetBytes) return text;
  const budget = targetBytes - jsonBytes(TRUNCATED);
  if (budget <= 2) return TRUNCATED;
  // Escapes make JSON longer than the text: shrink by the measured ratio, then fix up.
  let keep = Math.floor(text.length * (budget / jsonBytes(text)));
  let head = safeSlice(text, keep);
  while (keep > 0 && jsonBytes(head) > budget) {
    keep = Math.floor(keep * 0.9);
    head = safeSlice(text, keep);
  }
  return `${head}${TRUNCATED}`;
}

/** Do not split a surrogate pair. */
function safeSlice(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, n - 1) : text.slice(0, n);
}

function cutList(list: TemplateValue[], targetBytes: number): TemplateValue[] {
  // A list we already cut ends with "and N more": count those items back in.
  const last = list[list.length - 1];
  const earlier = typeof last === 'string' ? /^and (\d+) more$/.exec(last) : null;
  const items = earlier ? list.slice(0, -1) : list;
  const hidden = earlier ? Number(earlier[1]) : 0;
  const total = items.length + hidden;
  let used = 2;
  let keep = 0;
  for (const item of items) {
    const b = jsonBytes(item) + 1;
    if (used + b + jsonBytes(andMore(total)) + 1 > targetBytes) break;
    used += b;
    keep++;
  }
  if (keep === items.length && hidden === 0) return list;
  if (keep === 0 && items.length > 0) {
    // One huge item: keep a cut of it rather than nothing.
    const first = items[0] as TemplateValue;
    const text = typeof first === 'string' ? first : JSON.stringify(first);
    const room = Math.max(0, targetBytes - jsonBytes(andMore(total)) - 4);
    const cut = cutString(text, room);
    if (cut === text && items.length === 1 && hidden === 0) return list;
    return total > 1 ? [cut, andMore(total - 1)] : [cut];
  }
  return [...items.slice(0, keep), andMore(total - keep)];
}
