/**
 * The `paginationQuery` of the next page from a CS bulk-list response's `Link` header:
 * `<https://gateway…/csapi/v1.3/images/list?limit=250&paginationQuery=abc>;rel=next`
 * (qualys.md §4; qualysdk container_calls.py). The literal "null", no header, no
 * rel=next entry or an empty/"null" paginationQuery mean this was the last page.
 * Only the query value is kept: the next call goes to our configured gateway, never to
 * the host the header names.
 */
export function nextPaginationQuery(link: unknown): string | undefined {
  const value = Array.isArray(link) ? link.join(',') : typeof link === 'string' ? link : undefined;
  if (!value || value.trim().toLowerCase() === 'null') return undefined;
  for (const part of value.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const params = m[2] ?? '';
    if (!/;\s*rel\s*=\s*"?next"?/i.test(params)) continue;
    const target = m[1] ?? '';
    const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : target;
    const q = new URLSearchParams(query).get('paginationQuery');
    if (q && q.toLowerCase() !== 'null') return q;
  }
  return undefined;
}
