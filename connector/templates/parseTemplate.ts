export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; path: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** Every placeholder path, in order of appearance (duplicates kept). */
  placeholders: string[];
  /** Syntax problems; the offending text is kept as literal text. */
  problems: string[];
}

/** `${NAME}` or a dotted path into nested data: `${QDS.content}`, `${vuln.cvssInfo.baseScore}`. */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;

const cache = new Map<string, ParsedTemplate>();
const CACHE_LIMIT = 2000;

/** Split a template string into literal text and placeholders (memoized: templates are few, renders many). */
export function parseTemplate(template: string): ParsedTemplate {
  const hit = cache.get(template);
  if (hit) return hit;
  const parsed = parse(template);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(template, parsed);
  return parsed;
}

function parse(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const placeholders: string[] = [];
  const problems: string[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('${', i);
    if (open === -1) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    const close = template.indexOf('}', open + 2);
    if (close === -1) {
      problems.push(`unterminated placeholder "${clip(template.slice(open))}" (missing '}')`);
      text += template.slice(open);
      break;
    }
    const path = template.slice(open + 2, close);
    if (!PATH.test(path)) {
      problems.push(
        `malformed placeholder "\${${clip(path)}}" (a name is letters, digits and _, with dots for nested values: \${QDS.content})`,
      );
      text += template.slice(open, close + 1);
    } else {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'placeholder', path });
      placeholders.push(path);
    }
    i = close + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts, placeholders, problems };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
