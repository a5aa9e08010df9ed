import { isNode, LineCounter, type Document } from 'yaml';

/**
 * Find the line of a value in a parsed YAML document from a zod issue path, walking up
 * to the nearest ancestor that exists (a missing key is reported at its parent).
 */
export function lineOf(doc: Document, counter: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  const keys = path.filter((k): k is string | number => typeof k !== 'symbol');
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `jobs[0].source.url` from `['jobs', 0, 'source', 'url']`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || '(top level)';
}
