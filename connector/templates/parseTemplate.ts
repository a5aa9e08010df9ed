/**
 * A template string in parts. A placeholder names one value (`${IP}`) or several, the
 * first non-empty of which is used (`${IP|IPV6|DNS}`); `${?}` at the start of a line
 * marks the line as left out when every placeholder on it renders empty.
 */
export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `path` as written; `alternatives` only for a fallback (`${IP|IPV6}` → IP, IPV6). */
  | { kind: 'placeholder'; path: string; alternatives?: readonly string[] }
  | { kind: 'optionalLine' };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** Every placeholder path, fallback alternatives included, in order of appearance (duplicates kept). */
  placeholders: string[];
  /** Syntax problems; the offending text is kept as literal text. */
  problems: string[];
}

/** `${NAME}` or a dotted path into nested data: `${QDS.content}`, `${vuln.cvssInfo.baseScore}`. */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;
/**
 * Separates fallbacks. Not a character of a name, so no Qualys placeholder contains it
 * (the eight reference schemes use names and dotted paths only).
 */
const FALLBACK = '|';
/** Line marker: the line is left out when all its placeholders are empty. */
export const OPTIONAL_LINE = '${?}';

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
  const flushText = (): void => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
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
    const inner = template.slice(open + 2, close);
    const alternatives = inner.split(FALLBACK);
    if (inner === '?') {
      if (open === 0 || template[open - 1] === '\n') {
        flushText();
        parts.push({ kind: 'optionalLine' });
      } else {
        problems.push(`"${OPTIONAL_LINE}" must start a line (it leaves out a line whose placeholders are all empty)`);
        text += OPTIONAL_LINE;
      }
    } else if (!alternatives.every((p) => PATH.test(p))) {
      problems.push(
        `malformed placeholder "\${${clip(inner)}}" (a name is letters, digits and _, with dots for nested values: \${QDS.content}; | between names for fallbacks: \${IP|IPV6})`,
      );
      text += template.slice(open, close + 1);
    } else {
      flushText();
      parts.push(alternatives.length > 1 ? { kind: 'placeholder', path: inner, alternatives } : { kind: 'placeholder', path: inner });
      placeholders.push(...alternatives);
    }
    i = close + 1;
  }
  flushText();
  return { parts, placeholders, problems };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
