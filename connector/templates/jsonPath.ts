/** One step into a JSON document: an object key or an array index. */
export type JsonPathSegment = string | number;

/**
 * Dotted path as operators read it: `template.metadata.priorityMapping.criteria.High`,
 * `template.payload.labels[1]`. Keys are not quoted: custom field names such as
 * `Primary Key` or `Image SHA:` stay readable (`...custom_fields.Primary Key.value`).
 */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The value at `segments` inside a parsed JSON value, or undefined. */
export function valueAt(root: unknown, segments: readonly JsonPathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
