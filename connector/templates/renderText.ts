import type { TemplateContext, TemplateValue } from '../model/finding.js';
import { isRichValue } from '../model/richValue.js';
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

/**
 * What a render does with the parts it keeps: literal text, and each placeholder's value
 * with its text (`stringifyValue` of it, computed once). Classes rather than closures per
 * render: a render runs a dozen times per ticket, and closures made per call were a
 * visible share of a cycle's allocations (and, under tsx, of its time: each one is named).
 */
interface Emit {
  text(text: string): void;
  value(value: TemplateValue | undefined, text: string): void;
}

/** Walk the template's parts in order, leaving out `${?}` lines whose placeholders are all empty. */
function emitTemplate(c: Compiled, ctx: TemplateContext, projectKey: string | undefined, emit: Emit): void {
  if (!c.lines) {
    for (const piece of c.pieces) {
      if (piece.alts) {
        const value = resolve(piece.alts, ctx, projectKey);
        emit.value(value, stringifyValue(value));
      } else emit.text(piece.text);
    }
    return;
  }
  let first = true;
  const values: Array<TemplateValue | undefined> = [];
  const texts: string[] = [];
  for (const line of c.lines) {
    const { pieces } = line;
    let hasPlaceholder = false;
    let allEmpty = true;
    for (let i = 0; i < pieces.length; i++) {
      const alts = pieces[i]!.alts;
      if (!alts) continue;
      hasPlaceholder = true;
      const value = resolve(alts, ctx, projectKey);
      const text = stringifyValue(value);
      values[i] = value;
      texts[i] = text;
      if (text !== '') allEmpty = false;
    }
    if (line.optional && hasPlaceholder && allEmpty) continue;
    if (!first) emit.text('\n');
    first = false;
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (p.alts) emit.value(values[i], texts[i]!);
      else emit.text(p.text);
    }
  }
}

/** Segments of a rich render: adjacent ones of one kind without links merged, empty ones dropped. */
class RichEmit implements Emit {
  readonly out: RichText = [];

  private add(text: string, value: boolean): void {
    if (text === '') return;
    const out = this.out;
    const last = out[out.length - 1];
    if (last && last.value === value && last.href === undefined) last.text += text;
    else out.push({ text, value });
  }

  text(text: string): void {
    this.add(text, false);
  }

  value(resolved: TemplateValue | undefined, text: string): void {
    if (!isRichValue(resolved)) {
      this.add(text, true);
      return;
    }
    for (const p of resolved.rich) {
      if (p.href === undefined) this.add(p.text, true);
      else if (p.text !== '' || p.href !== '') this.out.push({ text: p.text, value: true, href: p.href });
    }
  }
}

/** A plain render, and whether any placeholder rendered non-empty. */
class PlainEmit implements Emit {
  out = '';
  filled = false;

  text(text: string): void {
    this.out += text;
  }

  value(_value: TemplateValue | undefined, text: string): void {
    if (text !== '') this.filled = true;
    this.out += text;
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
  const emit = new RichEmit();
  emitTemplate(compile(template), ctx, projectKey, emit);
  return emit.out;
}

/** Template and values as one plain string (no escaping). */
export function renderPlain(template: string, ctx: TemplateContext, projectKey?: string): string {
  const emit = new PlainEmit();
  emitTemplate(compile(template), ctx, projectKey, emit);
  return emit.out;
}

/**
 * `renderPlain`, or undefined when the template has placeholders and every one of them
 * rendered empty (`port-${PORT}` on a host-level QID): one pass for both answers.
 */
export function renderUnlessAllEmpty(template: string, ctx: TemplateContext, projectKey?: string): string | undefined {
  const c = compile(template);
  const emit = new PlainEmit();
  emitTemplate(c, ctx, projectKey, emit);
  return c.placeholders > 0 && !emit.filled ? undefined : emit.out;
}
