import type { RichText } from '../../../templates/types.js';
import { cleanText, JIRA_TEXT_LIMIT } from '../../../templates/format/cleanText.js';
import { charPieces, fitPieces, truncationNote, type Piece } from '../../../templates/format/fitPieces.js';
import { linkOf, segmentPlainText } from '../../../templates/format/linkHref.js';

/*
 * Jira wiki markup (Data Center, REST v2). Template text is trusted and may use markup;
 * scanner values are escaped so `*bold*`, `[link|http://x]`, `{code}` or `|` in a KB
 * text or a host name cannot change the ticket's formatting.
 *
 * What Jira's renderer un-escapes: BackslashEscapeRendererComponent matches
 * `\` + one of `- # * _ + ? ^ ~ | % { } [ ] ( ) ! @` (atlassian-renderer
 * com.atlassian.renderer.v2.components.BackslashEscapeRendererComponent, ESCAPING_PATTERN).
 * A backslash itself cannot be backslash-escaped (`\\` is a forced line break), so it is
 * written as a numeric entity, as the renderer itself does for escapes (`&#NN;`) and as
 * pandoc's Jira writer does (jgm/pandoc#7949: `&bsol;` renders in Jira 8.20).
 * Phrase markers (`- _ + ^ ~ * ?` and `#`) between two letters or digits stay as they
 * are: phrases only open and close at word boundaries (jira-wiki-markup's printer: "most
 * special chars don't need escaping ... within a word"), and dates, host names and
 * package versions stay readable and short. Brackets, braces, `|` and `!` are always escaped.
 * `(` and `)` are escaped because `(y)`, `(!)`, `:)` are emoticons; `:P`/`:D` get an
 * entity colon for the same reason. Headings and `bq.` only count at a line start and
 * have no escapable character, so their dot becomes `&#46;`.
 * URLs stay raw: Jira links URLs before it applies escapes and phrase markup (renderer
 * component order: Link, Url, ..., BackslashEscape, ..., Phrase), so a backslash inside
 * a URL would end up in the link target.
 * Inside a `{noformat}` or `{code}` block opened by the template nothing is rendered,
 * escapes would show literally, so values go in raw and only a closing tag inside a
 * value is broken with a zero-width space.
 * A link segment with an http, https or mailto URL becomes `[text|url]`: its text escaped
 * as a value, with `|`, `[` and `]` written as numeric entities (the link is found before
 * escapes are applied, so a backslash would not keep them from ending the alias), and
 * the characters that end or split a link (`[ ] | { } < > " \ ^` and backquote)
 * percent-encoded in the URL. Any other link is inert text, `text [url]`, escaped.
 */
const SPECIAL = new Set(['*', '_', '-', '+', '^', '~', '?', '{', '}', '[', ']', '|', '!', '#', '(', ')']);
const MACRO_TAG = /\{(noformat|code)(?::[^}\n]*)?\}/gi;
const URL = /(?:(?:https?|ftp|file):\/\/|mailto:)[^\s[\]{}|<>"!\\^`]+/y;
const LINE_START_BLOCK = /(?:h[1-6]|bq)\./y;
const ENTITY_LIKE = /&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/y;
const WORD_CHAR = /[A-Za-z0-9]/;
const INTRA_WORD_SAFE = new Set(['-', '_', '+', '^', '~', '*', '?', '#']);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Rich text as Jira wiki markup, at most `limit` characters (cut with a note saying how much was omitted). */
export function toWiki(rich: RichText, limit = JIRA_TEXT_LIMIT): string {
  const pieces: Piece[] = [];
  let openMacro: string | undefined;
  let atLineStart = true;
  for (const seg of rich) {
    const link = seg.value && !openMacro ? linkOf(seg) : undefined;
    if (link) {
      linkPieces(link.text, link.href, pieces);
      atLineStart = false;
      continue;
    }
    const text = cleanText(seg.value ? segmentPlainText(seg) : seg.text);
    if (text === '') continue;
    if (!seg.value) openMacro = templatePieces(text, openMacro, pieces);
    else if (openMacro) rawValuePieces(text, openMacro, pieces);
    else escapedValuePieces(text, atLineStart, pieces);
    atLineStart = text.endsWith('\n');
  }
  return fitPieces(pieces, limit, (n) => `\n\n${escapeWikiText(truncationNote(n))}`);
}

/** Escape one untrusted string for Jira wiki markup (as if it started a line). */
export function escapeWikiText(text: string): string {
  const pieces: Piece[] = [];
  escapedValuePieces(cleanText(text), true, pieces);
  return pieces.map((p) => p.out).join('');
}

function closerFor(macro: string | undefined): string | undefined {
  return macro ? `\n{${macro}}` : undefined;
}

/** Template text as is; tracks `{noformat}`/`{code}` blocks so values inside them are treated as literal. */
function templatePieces(text: string, openMacro: string | undefined, pieces: Piece[]): string | undefined {
  let state = openMacro;
  let last = 0;
  for (const m of text.matchAll(MACRO_TAG)) {
    pieces.push(...charPieces(text.slice(last, m.index), closerFor(state)));
    const name = (m[1] ?? '').toLowerCase();
    if (state === undefined) state = name;
    else if (state === name && m[0].length === name.length + 2) state = undefined;
    const close = closerFor(state);
    pieces.push(close ? { out: m[0], src: m[0].length, close } : { out: m[0], src: m[0].length });
    last = m.index + m[0].length;
  }
  pieces.push(...charPieces(text.slice(last), closerFor(state)));
  return state;
}

const ALIAS_ENTITY: Readonly<Record<string, string>> = { '\\|': '&#124;', '\\[': '&#91;', '\\]': '&#93;' };
const URL_BREAKER = /[[\]|{}<>"\\^`]/g;

/** `[text|url]` as one piece: a cut never leaves half a link. The text has no line break (a link is one line). */
function linkPieces(text: string, href: string, pieces: Piece[]): void {
  const url = href.replace(URL_BREAKER, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const shown = text.replace(/\s*\n\s*/g, ' ').trim() || href.replace(/^mailto:/i, '');
  const escaped: Piece[] = [];
  escapedValuePieces(shown, false, escaped);
  const alias = escaped.map((p) => ALIAS_ENTITY[p.out] ?? p.out).join('');
  pieces.push({ out: `[${alias}|${url}]`, src: text.length || shown.length });
}

function rawValuePieces(text: string, macro: string, pieces: Piece[]): void {
  const close = closerFor(macro);
  const safe = text.replace(/\{(?=noformat|code)/gi, '{\u200B');
  pieces.push(...charPieces(safe, close));
}

function escapedValuePieces(text: string, atLineStart: boolean, pieces: Piece[]): void {
  let lineStart = atLineStart;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (lineStart) {
      LINE_START_BLOCK.lastIndex = i;
      const block = LINE_START_BLOCK.exec(text);
      if (block) {
        pieces.push({ out: `${block[0].slice(0, -1)}&#46;`, src: block[0].length });
        i += block[0].length;
        lineStart = false;
        continue;
      }
    }
    if ((c === 'h' || c === 'f' || c === 'm') && (i === 0 || !WORD_CHAR.test(text[i - 1] ?? ''))) {
      URL.lastIndex = i;
      const url = URL.exec(text);
      if (url) {
        pieces.push({ out: url[0], src: url[0].length });
        i += url[0].length;
        lineStart = false;
        continue;
      }
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
    pieces.push({ out: escapeChar(text, i, ch), src: ch.length });
    i += ch.length;
    // Jira tolerates indentation before block markup, so a line start lasts through blanks.
    if (c === '\n') lineStart = true;
    else if (c !== ' ' && c !== '\t') lineStart = false;
  }
}

function escapeChar(text: string, i: number, ch: string): string {
  if (ch === '\\') return '&#92;';
  if (ch === '&') {
    ENTITY_LIKE.lastIndex = i;
    return ENTITY_LIKE.test(text) ? '&#38;' : '&';
  }
  if (ch === ':' && /[PpDd]/.test(text[i + 1] ?? '')) return '&#58;';
  if (!SPECIAL.has(ch)) return ch;
  const inWord = INTRA_WORD_SAFE.has(ch) && LETTER_OR_DIGIT.test(text[i - 1] ?? '') && LETTER_OR_DIGIT.test(text[i + 1] ?? '');
  return inWord ? ch : `\\${ch}`;
}
