import type { LookupRef } from '../model/finding.js';

/** A lookup as rows keep it: namespace and id. */
export type LookupRefKey = Pick<LookupRef, 'ns' | 'id'>;

/** Separators of lookup refs as rows keep them (`ns US id RS ns US id`): never in a namespace or an id. */
const UNIT = '\u001f';
const RECORD = '\u001e';

/** Lookup refs as a row keeps them (a staged finding's, a group's). */
export function refsText(refs: readonly LookupRefKey[]): string {
  return refs.map((r) => `${r.ns}${UNIT}${r.id}`).join(RECORD);
}

/**
 * The lookup refs `refsText` wrote. Refs of one namespace share one string for it: maps
 * keyed by namespace (versions, interned ids, the ids to fetch) then hash it once, not once
 * per ref (a host's group names a dozen).
 */
export function refsOf(text: string): LookupRefKey[] {
  const out: LookupRefKey[] = [];
  let ns = '';
  for (let at = 0; at < text.length; ) {
    const cut = text.indexOf(UNIT, at);
    if (cut < 0) break;
    let end = text.indexOf(RECORD, cut);
    if (end < 0) end = text.length;
    if (cut - at !== ns.length || !text.startsWith(ns, at)) ns = text.slice(at, cut);
    out.push({ ns, id: text.slice(cut + 1, end) });
    at = end + 1;
  }
  return out;
}

/** The lookups of several findings, each once, in the order they are first named. */
export function unionRefs(lists: Iterable<readonly LookupRefKey[] | undefined>): LookupRefKey[] {
  const seen = new Set<string>();
  const out: LookupRefKey[] = [];
  for (const list of lists) {
    for (const r of list ?? []) {
      const k = `${r.ns}${UNIT}${r.id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ ns: r.ns, id: r.id });
    }
  }
  return out;
}
