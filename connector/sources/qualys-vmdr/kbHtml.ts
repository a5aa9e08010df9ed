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

/** html-to-text's text of a KB text, links marked, before post-processing. */
export function converterMarked(html: string): string {
  return htmlToText(escapeUnknownTags(html.replace(MARKS, '')));
}

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
  const marked = (simpleHtmlToMarked(html) ?? converterMarked(html))
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

/*
 * A fast path for the HTML most KB texts are made of: text, `<P>`, `<BR>`, `<A HREF>`
 * and the entities &amp; &lt; &gt; &quot;. html-to-text parses a DOM and runs selectors
 * for each text (~25 µs; a first cycle converts three texts per new QID, a tenth of its
 * dry run's CPU): this walks the same tokens through a copy of html-to-text's block and
 * inline text builders (BlockTextBuilder/InlineTextBuilder as they behave with our
 * options: no word wrap, newlines preserved), giving the same text before the
 * post-processing (checked against html-to-text on random texts of these tokens in
 * tests/sources/qualys-vmdr/kbHtmlFast.test.ts). Anything else (other tags, other
 * entities or a bare `&`, whitespace other than spaces, the link marks, `<P>` in `<P>`,
 * unclosed or stray closing tags, fragment links) returns undefined: html-to-text converts it.
 */
const TOKEN = /<P>|<\/P>|<BR ?\/?>|<A +HREF="(?!#)([^"&<>\s\uE000-\uE002]+)"(?: +(?!HREF=)[A-Z][A-Z-]*="[^"&<>]*")* *>|<\/A>|&(amp|lt|gt|quot);|[^<&]+/iy;
/** Whitespace html-to-text treats otherwise than a space (or keeps as a word), and the link marks. */
const NOT_SIMPLE_TEXT = /[^\S ]|[\u200b\uE000-\uE002]/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** html-to-text's BlockStackItem with its InlineTextBuilder (lines of words, the current line). */
class SimpleBlock {
  rawText = '';
  stashedLineBreaks = 0;
  lines: string[][] = [];
  words: string[] = [];
  stashedSpace = false;
  constructor(public leadingLineBreaks: number) {}

  private get empty(): boolean {
    return this.lines.length === 0 && this.words.length === 0;
  }

  text(): string {
    if (this.empty) return this.rawText;
    let out = this.rawText;
    for (const line of this.lines) out += `${line.join(' ')}\n`;
    return out + this.words.join(' ');
  }

  startNewLine(n = 1): void {
    this.lines.push(this.words);
    for (let k = 1; k < n; k++) this.lines.push([]);
    this.words = [];
  }

  /** `addInline` of a text without newlines, then the whitespace processor's `shrinkWrapAdd`. */
  addInline(str: string): void {
    if (str === '') return;
    const hasWords = str.trim() !== '';
    if (this.stashedLineBreaks && !hasWords) return;
    if (this.stashedLineBreaks) this.startNewLine(this.stashedLineBreaks);
    const before = this.stashedSpace;
    let first = true;
    for (const word of str.split(' ')) {
      if (word === '') continue;
      if (first && !(before || str.startsWith(' '))) {
        const last = this.words.pop();
        this.words.push(last === undefined ? word : last + word);
      } else this.words.push(word);
      first = false;
    }
    this.stashedSpace = (before && first) || str.endsWith(' ');
    this.stashedLineBreaks = 0;
  }

  /** `addText`: a closed child block's text added to this one. */
  addBlock(text: string, leadingLineBreaks: number, trailingLineBreaks: number): void {
    const parentText = this.text();
    const lineBreaks = Math.max(this.stashedLineBreaks, leadingLineBreaks);
    this.lines = [];
    this.words = [];
    if (parentText) this.rawText = parentText + '\n'.repeat(lineBreaks) + text;
    else {
      this.rawText = text;
      this.leadingLineBreaks = lineBreaks;
    }
    this.stashedLineBreaks = trailingLineBreaks;
  }
}

/** html-to-text's text (with link marks) of a KB text of the simple kind, before post-processing; else undefined. */
export function simpleHtmlToMarked(html: string): string | undefined {
  const root = new SimpleBlock(1);
  let block = root;
  let para: SimpleBlock | undefined;
  let href: string | undefined;
  // Text and entities between tags: one DOM text node, added at once.
  let text = '';
  const flush = (): void => {
    if (text !== '') block.addInline(text);
    text = '';
  };
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < html.length) {
    const m = TOKEN.exec(html);
    if (m === null) return undefined;
    const tok = m[0];
    if (tok.charCodeAt(0) === 38 /* & */) {
      text += ENTITIES[(m[2] as string).toLowerCase()] as string;
      continue;
    }
    if (tok.charCodeAt(0) !== 60 /* < */) {
      if (NOT_SIMPLE_TEXT.test(tok)) return undefined;
      text += tok;
      continue;
    }
    flush();
    const name = tok.slice(1, 3).toUpperCase();
    if (m[1] !== undefined) {
      if (href !== undefined) return undefined;
      href = m[1];
      block.addInline(OPEN);
    } else if (name === '/A') {
      if (href === undefined) return undefined;
      block.addInline(`${HREF}${href}${CLOSE}`);
      href = undefined;
    } else if (name === 'BR') {
      block.startNewLine();
    } else if (name === 'P>') {
      if (para !== undefined || href !== undefined) return undefined;
      block = para = new SimpleBlock(2);
    } else if (name === '/P') {
      if (para === undefined || href !== undefined) return undefined;
      root.addBlock(para.text(), para.leadingLineBreaks, Math.max(para.stashedLineBreaks, 2));
      block = root;
      para = undefined;
    } else return undefined;
  }
  flush();
  if (para !== undefined || href !== undefined) return undefined;
  return root.text();
}
