/** Small formatting helpers shared by the Xray simulator modules. */

/** Xray's `created` in list items: RFC 3339 to the second (`2021-06-16T21:22:18Z`). */
let lastMs = Number.NaN;
let lastText = '';
export function xrayTime(ms: number): string {
  // Generated violations come in runs of the same second; formatting dominates otherwise.
  if (ms !== lastMs) {
    lastMs = ms;
    lastText = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastText;
}

/**
 * Go's RFC3339Nano (webhook `created`): fraction with trailing zeros trimmed, none if zero.
 * `nanos` is the sub-millisecond part (0..999999) added to `ms`.
 */
export function goRfc3339Nano(ms: number, nanos = 0): string {
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const fraction = `${String(ms % 1000).padStart(3, '0')}${String(nanos).padStart(6, '0')}`.replace(/0+$/, '');
  return fraction ? `${base}.${fraction}Z` : `${base}Z`;
}

const PATH_SEGMENT_KEEP = /[A-Za-z0-9\-_.~$&+:=@]/;

/**
 * Go's `url.PathEscape`. JFrog's sample details URL has `comp_id=gav:%2F%2Fstruts:struts:1.1`
 * (':' kept, '/' escaped), which is exactly this escaping, so '+' (Debian versions) and '&'
 * stay raw too: a client that parses the query with URLSearchParams reads '+' as a space.
 */
const ONLY_SAFE_AND_SLASH = /^[A-Za-z0-9\-_.~$&+:=@/]*$/;

export function goPathEscape(s: string): string {
  if (ONLY_SAFE_AND_SLASH.test(s)) return s.replaceAll('/', '%2F');
  let out = '';
  for (const ch of s) {
    if (PATH_SEGMENT_KEEP.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function hex(rnd: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, length);
}
