import { compile, type FormatCallback } from 'html-to-text';
import type { TemplateValue } from '../../model/finding.js';
import { richPiecesText, richValue, type RichPiece } from '../../model/richValue.js';
import { escapeUnknownTags } from './htmlElements.js';

/*
 * Links travel through html-to-text as private-use marks around the link text and the
 * URL (U+E000 text U+E001 url U+E002), which are then split into pieces. The marks are
 * removed from the input first, so a KB text cannot forge a link.
 */
const OPEN = '\uE000';
const HREF = '\uE001';
const CLOSE = '\uE002';
const MARKS = /[\uE000-\uE002]/g;

/**
 * `<A HREF>` with its URL kept apart from its text. As html-to-text's own anchor format
 * with our options: no URL for `#fragment` links or an empty href (text only).
 */
const markLink: FormatCallback = (elem, walk, builder) => {
  const href = elem.attribs?.href ?? '';
  if (href === '' || href.startsWith('#')) {
    walk(elem.children, builder);
    return;
  }
  builder.addInline(OPEN, { noWordTransform: true });
  walk(elem.children, builder);
  builder.addInline(`${HREF}${href.replace(MARKS, '')}${CLOSE}`, { noWordTransform: true });
};

/**
 * KB texts are HTML (`<P>`, `<BR>`, `<A HREF>`, entities; qualys.md §2) but some are
 * plain text whose line breaks matter (sample kb_elastic_qualys_was_qid150112.xml), so
 * newlines are preserved.
 */
const htmlToText = compile({
  wordwrap: false,
  preserveNewlines: true,
  formatters: { markLink },
  selectors: [
    { selector: 'a', format: 'markLink' },
    { selector: 'img', format: 'skip' },
  ],
});

/**
 * Words separated by single spaces, with no markup, entity, line break or other
 * whitespace: html-to-text returns such a text unchanged (checked against it on random
 * strings), so it is not parsed at all. `\s` also excludes Unicode spaces that
 * html-to-text keeps; U+200B it treats as whitespace.
 */
const PLAIN_TEXT = /^[^<&\s\u200b]+(?: [^<&\s\u200b]+)*$/;

/**
 * Converted texts by their HTML. One KB pull converts each QID once, but CONSEQUENCE and
 * SOLUTION texts repeat across QIDs (the same advice for a whole product family), and
 * html-to-text costs tens of microseconds per call. Bounded; cleared when full.
 */
const converted = new Map<string, RichPiece[]>();
const CONVERTED_LIMIT = 512;

/**
 * A KB HTML text as pieces of text and links. Only HTML elements are markup: other
 * names in angle brackets (`<RCE>`, `<username>`) stay text (htmlElements.ts).
 */
export function kbHtmlToPieces(html: string): RichPiece[] {
  if (PLAIN_TEXT.test(html)) return [{ text: html }];
  const hit = converted.get(html);
  if (hit !== undefined) return hit;
  const marked = htmlToText(escapeUnknownTags(html.replace(MARKS, '')))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const pieces = splitMarks(marked);
  if (converted.size >= CONVERTED_LIMIT) converted.clear();
  converted.set(html, pieces);
  return pieces;
}

/** A KB HTML text as plain text; links become `text [url]`. */
export function kbHtmlToText(html: string): string {
  return richPiecesText(kbHtmlToPieces(html));
}

/** A KB HTML text as a template value: a string, or `{content, rich}` when it has links (model/richValue.ts). */
export function kbHtmlToValue(html: string): TemplateValue {
  const pieces = kbHtmlToPieces(html);
  return pieces.some((p) => p.href !== undefined) ? richValue(pieces) : richPiecesText(pieces);
}

/**
 * Split marked text into pieces. Whitespace at the edges of a link's text moves out of
 * the link, unless the text beside it already has some (html-to-text collapsed the run).
 */
function splitMarks(marked: string): RichPiece[] {
  const pieces: RichPiece[] = [];
  let pending = '';
  const addText = (text: string): void => {
    if (text === '') return;
    const out = /^\s/.test(text) ? text : pending + text;
    pending = '';
    const last = pieces[pieces.length - 1];
    if (last && last.href === undefined) last.text += out;
    else pieces.push({ text: out });
  };
  let i = 0;
  while (i < marked.length) {
    const open = marked.indexOf(OPEN, i);
    const href = open === -1 ? -1 : marked.indexOf(HREF, open + 1);
    const close = href === -1 ? -1 : marked.indexOf(CLOSE, href + 1);
    if (close === -1) {
      addText(marked.slice(i).replace(MARKS, ''));
      break;
    }
    addText(marked.slice(i, open).replace(MARKS, ''));
    const raw = marked.slice(open + 1, href).replace(MARKS, '');
    const before = pieces[pieces.length - 1];
    if (raw.trimStart() !== raw && before && before.href === undefined && !/\s$/.test(before.text)) before.text += ' ';
    pieces.push({ text: raw.trim(), href: marked.slice(href + 1, close) });
    pending = raw.trimEnd() !== raw ? ' ' : '';
    i = close + 1;
  }
  // Trimmed with the marks in it: whitespace moved out of a link at the very start goes.
  const first = pieces[0];
  if (first && first.href === undefined) first.text = first.text.trimStart();
  const kept = pieces.filter((p) => p.text !== '' || p.href !== undefined);
  return kept.length ? kept : [{ text: '' }];
}
