import type { TemplateContext } from '../model/finding.js';
import { richPiecesOf } from '../model/richValue.js';
import { parseTemplate } from './parseTemplate.js';
import { resolveSegments, stringifyValue } from './stringifyValue.js';
import type { RichText } from './types.js';

/** A template string ready to render: literal text, or a placeholder path already split. */
interface Piece {
  text: string;
  /** Set for a placeholder. */
  segs: readonly string[] | undefined;
}

interface Compiled {
  pieces: Piece[];
  placeholders: number;
}

/**
 * Templates are few and renders many (one or two tickets per finding, ~10 template
 * strings each): split each string and its paths once, not per render.
 */
const compiled = new Map<string, Compiled>();
const COMPILED_LIMIT = 2000;

function compile(template: string): Compiled {
  const hit = compiled.get(template);
  if (hit) return hit;
  const pieces: Piece[] = parseTemplate(template).parts.map((p) =>
    p.kind === 'text' ? { text: p.text, segs: undefined } : { text: '', segs: p.path.split('.') },
  );
  const c: Compiled = { pieces, placeholders: pieces.filter((p) => p.segs).length };
  if (compiled.size >= COMPILED_LIMIT) compiled.clear();
  compiled.set(template, c);
  return c;
}

function valueText(piece: Piece, ctx: TemplateContext, projectKey: string | undefined): string {
  return piece.segs ? stringifyValue(resolveSegments(ctx, piece.segs, projectKey)) : piece.text;
}

/**
 * Render a template string, keeping the template's own text (`value: false`, trusted)
 * apart from substituted scanner values (`value: true`, escaped later by the wiki/ADF
 * formatter). Missing values render as ''. A value with links (`{content, rich}`,
 * model/richValue.ts) gives its link pieces as segments with an `href`. Adjacent
 * segments of one kind without links are merged and empty ones dropped, so formatters
 * see a minimal list. `projectKey`, when given, is the value of `${PROJECT_KEY}` (over
 * any in `ctx`).
 */
export function renderRich(template: string, ctx: TemplateContext, projectKey?: string): RichText {
  const out: RichText = [];
  const add = (text: string, value: boolean): void => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && last.value === value && last.href === undefined) last.text += text;
    else out.push({ text, value });
  };
  for (const piece of compile(template).pieces) {
    if (!piece.segs) {
      add(piece.text, false);
      continue;
    }
    const resolved = resolveSegments(ctx, piece.segs, projectKey);
    const rich = richPiecesOf(resolved);
    if (!rich) {
      add(stringifyValue(resolved), true);
      continue;
    }
    for (const p of rich) {
      if (p.href === undefined) add(p.text, true);
      else if (p.text !== '' || p.href !== '') out.push({ text: p.text, value: true, href: p.href });
    }
  }
  return out;
}

/** Template and values as one plain string (no escaping). */
export function renderPlain(template: string, ctx: TemplateContext, projectKey?: string): string {
  let out = '';
  for (const piece of compile(template).pieces) out += valueText(piece, ctx, projectKey);
  return out;
}

/** True when the template has placeholders and every one of them rendered empty. */
export function allPlaceholdersEmpty(template: string, ctx: TemplateContext, projectKey?: string): boolean {
  return renderUnlessAllEmpty(template, ctx, projectKey) === undefined;
}

/**
 * `renderPlain`, or undefined when the template has placeholders and every one of them
 * rendered empty (`port-${PORT}` on a host-level QID): one pass for both answers.
 */
export function renderUnlessAllEmpty(template: string, ctx: TemplateContext, projectKey?: string): string | undefined {
  const c = compile(template);
  let out = '';
  let filled = false;
  for (const piece of c.pieces) {
    const text = valueText(piece, ctx, projectKey);
    if (piece.segs && text !== '') filled = true;
    out += text;
  }
  return c.placeholders > 0 && !filled ? undefined : out;
}
