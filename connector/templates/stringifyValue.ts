import type { TemplateContext, TemplateValue } from '../model/finding.js';

const MAX_DEPTH = 32;

/**
 * Turn scanner data into template text. Values follow the org.json shape of Qualys XML
 * (qualys.md §0): element text sits under `content`, repeated elements become arrays,
 * single ones objects, and CDATA text is padded with whitespace. So:
 * string → trimmed; number/boolean → String; array → items joined with ", " (empties
 * dropped); object → its `content`, else its `NAME` (tags), else its only value, else JSON.
 * `${TAGS}` over `{TAG:[{TAG_ID:"1",NAME:"a"},{NAME:"b"}]}` → "a, b".
 */
export function stringifyValue(value: TemplateValue | undefined, depth = 0): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  // Hostile or accidental deep nesting must not blow the stack of the renderer.
  if (depth >= MAX_DEPTH) return '';
  if (Array.isArray(value)) {
    return value
      .map((item) => stringifyValue(item, depth + 1))
      .filter((s) => s !== '')
      .join(', ');
  }
  if (hasOwn(value, 'content')) return stringifyValue(value.content, depth + 1);
  if (hasOwn(value, 'NAME')) return stringifyValue(value.NAME, depth + 1);
  const keys = Object.keys(value);
  if (keys.length === 0) return '';
  if (keys.length === 1) return stringifyValue(value[keys[0] as string], depth + 1);
  return JSON.stringify(value);
}

/**
 * The value at a dotted path. Arrays on the way are mapped (`${VULN.CVE_LIST.CVE.ID}`
 * collects every CVE's ID), because org.json makes a list of one a plain object and a
 * template cannot know which it gets. `.content` on a plain value is the value itself,
 * so `${QDS.content}` works whether or not the source kept the XML attribute.
 */
export function resolvePath(ctx: TemplateContext, path: string): TemplateValue | undefined {
  return walk(ctx, path.split('.'), 0, 0);
}

/**
 * `resolvePath` for a path already split, as if `ctx` also held `PROJECT_KEY: projectKey`
 * (when given) — without copying the context per render to add one key.
 */
export function resolveSegments(ctx: TemplateContext, segs: readonly string[], projectKey?: string): TemplateValue | undefined {
  if (projectKey !== undefined && segs[0] === 'PROJECT_KEY') return walk(projectKey, segs, 1, 1);
  return walk(ctx, segs, 0, 0);
}

function walk(cur: TemplateValue | undefined, segs: readonly string[], i: number, depth: number): TemplateValue | undefined {
  if (i === segs.length || cur === undefined || cur === null) return cur ?? undefined;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(cur)) {
    const found: TemplateValue[] = [];
    for (const item of cur) {
      const v = walk(item, segs, i, depth + 1);
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) found.push(...v);
      else found.push(v);
    }
    return found.length ? found : undefined;
  }
  const seg = segs[i] as string;
  if (typeof cur !== 'object') return seg === 'content' && i === segs.length - 1 ? cur : undefined;
  return hasOwn(cur, seg) ? walk(cur[seg], segs, i + 1, depth + 1) : undefined;
}

function hasOwn(obj: { [key: string]: TemplateValue }, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
