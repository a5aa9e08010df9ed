import type { TemplateValue } from './finding.js';

/**
 * One piece of scanner text that may be a link (`<A HREF>` in KnowledgeBase HTML). The
 * href is kept as the scanner wrote it; the sinks decide which schemes become links.
 */
export interface RichPiece {
  text: string;
  href?: string;
}

/**
 * Scanner text that carries links, as a template value. `content` is the same text as
 * plain text (a link as `text [url]`), so everything that reads values as text
 * (`stringifyValue`, `${X.content}`, summaries, labels, priority) sees what it saw
 * before links were kept; the rich renderer takes `rich` instead. Sources produce it
 * only for texts that have a link, like org.json gives `{content, attr}` only to
 * elements that have attributes; other texts stay plain strings.
 */
export interface RichValue {
  content: string;
  rich: RichPiece[];
}

/** A link as plain text: `text [url]`; the URL alone when there is no text or it is the text; `mailto:` left out. */
export function linkAsText(text: string, href: string): string {
  const shown = href.replace(/^mailto:/i, '');
  if (text === '') return shown;
  if (text === shown || text === href) return text;
  return `${text} [${shown}]`;
}

/** The pieces as plain text (what `content` holds). */
export function richPiecesText(pieces: readonly RichPiece[]): string {
  return pieces.map((p) => (p.href === undefined ? p.text : linkAsText(p.text, p.href))).join('');
}

/** `{content, rich}` as a template value (the pieces are JSON: no undefined href). */
export function richValue(pieces: readonly RichPiece[]): TemplateValue {
  const rich = pieces.map((p): TemplateValue => (p.href === undefined ? { text: p.text } : { text: p.text, href: p.href }));
  return { content: richPiecesText(pieces), rich };
}

/**
 * Whether a template value is one `richValue` could have made (`content` and `rich`
 * pieces of text with an optional string href), checked without copying its pieces: the
 * renderer reads them in place, twice per ticket per KB text.
 */
export function isRichValue(value: TemplateValue | undefined): value is { content: string; rich: Array<{ text: string; href?: string }> } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const { content, rich } = value;
  if (typeof content !== 'string' || !Array.isArray(rich)) return false;
  for (const p of rich) {
    if (!p || typeof p !== 'object' || Array.isArray(p) || typeof p.text !== 'string') return false;
    if (p.href !== undefined && typeof p.href !== 'string') return false;
  }
  return true;
}
