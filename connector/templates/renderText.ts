import type { TemplateContext, TemplateValue } from '../model/finding.js';
import { richPiecesOf } from '../model/richValue.js';
import { parseTemplate } from './parseTemplate.js';
import { resolveSegments, stringifyValue } from './stringifyValue.js';
import type { RichText } from './types.js';

/** A template string ready to render: literal text, or a placeholder's paths already split. */
interface Piece {
  text: string;
  /** Set for a placeholder: each fallback alternative's path, split. */
  alts: ReadonlyArray<readonly string[]> | undefined;
}

/** A line of a template that has `${?}` lines. */
interface Line {
  pieces: Piece[];
  /** Starts with `${?}`: left out when it has placeholders and all of them render empty. */
  optional: boolean;
}

interface Compiled {
  pieces: Piece[];
  placeholders: number;
  /** Only for templates with a `${?}` line: the pieces by line (newlines not included). */
  lines: Line[] | undefined;
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
  const parts = parseTemplate(template).parts;
  const pieces: Piece[] = [];
  let lines: Line[] | undefined;
  if (parts.some((p) => p.kind === 'optionalLine')) lines = [{ pieces: [], optional: false }];
  for (const p of parts) {
    if (p.kind === 'optionalLine') {
      (lines as Line[])[(lines as Line[]).length - 1]!.optional = true;
      continue;
    }
    const piece: Piece = p.kind === 'text' ? { text: p.text, alts: undefined } : { text: '', alts: (p.alternatives ?? [p.path]).map((a) => a.split('.')) };
    pieces.push(piece);
    if (!lines) continue;
    if (!piece.alts) {
      piece.text.split('\n').forEach((part, i) => {
        if (i > 0) lines.push({ pieces: [], optional: false });
        if (part) lines[lines.length - 1]!.pieces.push({ text: part, alts: undefined });
      });
    } else lines[lines.length - 1]!.pieces.push(piece);
  }
  const c: Compiled = { pieces, placeholders: pieces.filter((p) => p.alts).length, lines };
  if (compiled.size >= COMPILED_LIMIT) compiled.clear();
  compiled.set(template, c);
  return c;
}

/** A placeholder's value: its only path's, or the first alternative that renders non-empty. */
function resolve(alts: ReadonlyArray<readonly string[]>, ctx: TemplateContext, projectKey: string | undefined): TemplateValue | undefined {
  if (alts.length === 1) return resolveSegments(ctx, alts[0]!, projectKey);
  for (const segs of alts) {
    const value = resolveSegments(ctx, segs, projectKey);
    if (stringifyValue(value) !== '') return value;
  }
  return undefined;
}

/** What a render does with the parts it keeps: literal text, and each placeholder's value. */
interface Emit {
  text(text: string): void;
  value(value: TemplateValue | undefined): void;
}

/** Walk the template's parts in order, leaving out `${?}` lines whose placeholders are all empty. */
function emitTemplate(c: Compiled, ctx: TemplateContext, projectKey: string | undefined, emit: Emit): void {
  if (!c.lines) {
    for (const piece of c.pieces) {
      if (piece.alts) emit.value(resolve(piece.alts, ctx, projectKey));
      else emit.text(piece.text);
    }
    return;
  }
  let first = true;
  for (const line of c.lines) {
    const values = line.pieces.map((p) => (p.alts ? resolve(p.alts, ctx, projectKey) : undefined));
    const hasPlaceholder = line.pieces.some((p) => p.alts);
    const allEmpty = line.pieces.every((p, i) => !p.alts || stringifyValue(values[i]) === '');
    if (line.optional && hasPlaceholder && allEmpty) continue;
    if (!first) emit.text('\n');
    first = false;
    line.pieces.forEach((p, i) => (p.alts ? emit.value(values[i]) : emit.text(p.text)));
  }
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
  emitTemplate(compile(template), ctx, projectKey, {
    text: (text) => add(text, false),
    value: (resolved) => {
      const rich = richPiecesOf(resolved);
      if (!rich) {
        add(stringifyValue(resolved), true);
        return;
      }
      for (const p of rich) {
        if (p.href === undefined) add(p.text, true);
        else if (p.text !== '' || p.href !== '') out.push({ text: p.text, value: true, href: p.href });
      }
    },
  });
  return out;
}

/** Template and values as one plain string (no escaping). */
export function renderPlain(template: string, ctx: TemplateContext, projectKey?: string): string {
  let out = '';
  emitTemplate(compile(template), ctx, projectKey, {
    text: (text) => (out += text),
    value: (value) => (out += stringifyValue(value)),
  });
  return out;
}

/**
 * `renderPlain`, or undefined when the template has placeholders and every one of them
 * rendered empty (`port-${PORT}` on a host-level QID): one pass for both answers.
 */
export function renderUnlessAllEmpty(template: string, ctx: TemplateContext, projectKey?: string): string | undefined {
  const c = compile(template);
  let out = '';
  let filled = false;
  emitTemplate(c, ctx, projectKey, {
    text: (text) => (out += text),
    value: (value) => {
      const text = stringifyValue(value);
      if (text !== '') filled = true;
      out += text;
    },
  });
  return c.placeholders > 0 && !filled ? undefined : out;
}
