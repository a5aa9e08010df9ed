/**
 * Finds where one element of a list ends, and the text of some of its children, without
 * an XML parser: `indexOf` over the text instead of saxes' character-by-character state
 * machine, which is most of the time a pull spends on a detection it passes over.
 *
 * It reads only a plain subset of XML: element tags (attributes allowed and kept as
 * written), text with the five predefined entities and character references, and CDATA
 * sections. Anything else (a comment, a processing instruction, a close tag spelled
 * otherwise than `</name>`, a carriage return or an unknown entity in a field's text)
 * answers `parser`: the caller hands the text to saxes, which reads it as always, or
 * reports the error it is. Well-formed text is delimited and its fields read as saxes
 * reads them (tests/sources/qualys-vmdr/rawElements.test.ts compares them on the real HLD
 * sample and on edge cases, in chunks down to one character). It does not check all of
 * well-formedness: an element it delimits is either parsed by saxes when it is built, or
 * passed over because its text is one saxes parsed before (its digest matched).
 */
export type ScanResult =
  /** The element ends at `end` (after its close tag); `fields` as `RawElement.fields`. */
  | { kind: 'element'; end: number; fields: Record<string, string> }
  /** The text ends before the element does: call again with more. */
  | { kind: 'more' }
  /** Not in the subset: let the parser read it. */
  | { kind: 'parser' };

const MORE: ScanResult = { kind: 'more' };
const PARSER: ScanResult = { kind: 'parser' };
const LT = 60;
const SLASH = 47;
const BANG = 33;
const GT = 62;

/**
 * Scans the element `<name>` whose open tag starts at `start` of `s` (the caller checked
 * that `s` holds `<name>` there). `fields`: the direct children whose text to give (every
 * one when undefined): trimmed text of a child without element children, `''` for a
 * child with children or a name seen twice, as `OrgJsonBuilder`'s raw capture gives them.
 */
export function scanElement(s: string, start: number, name: string, fields: ReadonlySet<string> | undefined): ScanResult {
  const out: Record<string, string> = {};
  // The open elements below `name` by where their names are in `s` (no string made per
  // tag): depth 1 is the open direct child. Reused: scanning is not re-entrant.
  let depth = 0;
  const at = NAME_AT;
  const length = NAME_LENGTH;
  let child = '';
  let childText = '';
  let childHasChildren = false;
  let wanted = false;
  let q = start + name.length + 2;
  for (;;) {
    const lt = s.indexOf('<', q);
    if (lt < 0) return MORE;
    if (wanted && depth === 1 && lt > q) {
      const text = decodeText(s, q, lt);
      if (text === undefined) return PARSER;
      childText += text;
    }
    if (lt + 1 >= s.length) return MORE;
    const c = s.charCodeAt(lt + 1);
    if (c === SLASH) {
      // `</name>` exactly; `</name >` and anything else is the parser's.
      const nameAt = lt + 2;
      const expected = depth === 0 ? name.length : length[depth - 1]!;
      if (nameAt + expected >= s.length) return MORE;
      const same = s.charCodeAt(nameAt + expected) === GT && (depth === 0 ? s.startsWith(name, nameAt) : sameName(s, nameAt, at[depth - 1]!, expected));
      if (!same) return PARSER;
      if (depth === 0) return { kind: 'element', end: nameAt + expected + 1, fields: out };
      depth--;
      if (depth === 0 && wanted) out[child] = child in out || childHasChildren ? '' : childText.trim();
      q = nameAt + expected + 1;
    } else if (c === BANG) {
      if (lt + 9 > s.length) return MORE;
      if (!s.startsWith('<![CDATA[', lt)) return PARSER;
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) return MORE;
      if (wanted && depth === 1) {
        const text = s.slice(lt + 9, end);
        if (text.includes('\r')) return PARSER;
        childText += text;
      }
      q = end + 3;
    } else {
      if (c === QUESTION) return PARSER;
      // The name, then `>` or `/>` right after it (most tags), or attributes to read past.
      let end = lt + 1;
      for (; end < s.length; end++) {
        const ch = s.charCodeAt(end);
        if (ch <= 32 || ch === GT || ch === SLASH) break;
        if (ch === LT) return PARSER;
      }
      if (end + 1 >= s.length) return MORE;
      if (end === lt + 1 || depth === MAX_DEPTH) return PARSER;
      const after = s.charCodeAt(end);
      const gt = after === GT ? end : after === SLASH ? (s.charCodeAt(end + 1) === GT ? end + 1 : -2) : tagEnd(s, end);
      if (gt === -1) return MORE;
      if (gt === -2) return PARSER;
      const selfClosing = s.charCodeAt(gt - 1) === SLASH;
      if (depth === 0) {
        // A name the fields ask for is the set's own string: no string is made for the others.
        const named = fields === undefined ? s.slice(lt + 1, end) : fieldAt(s, lt + 1, end - lt - 1, fields);
        wanted = named !== undefined;
        child = named ?? '';
        childText = '';
        childHasChildren = false;
        if (selfClosing && wanted) out[child] = '';
      } else if (depth === 1) childHasChildren = true;
      if (!selfClosing) {
        at[depth] = lt + 1;
        length[depth] = end - lt - 1;
        depth++;
      }
      q = gt + 1;
    }
  }
}

/** The member of `fields` spelled at `s[from, from + n)`, if any. */
function fieldAt(s: string, from: number, n: number, fields: ReadonlySet<string>): string | undefined {
  let list = FIELD_LISTS.get(fields);
  if (!list) FIELD_LISTS.set(fields, (list = [...fields]));
  for (const f of list) if (f.length === n && s.startsWith(f, from)) return f;
  return undefined;
}

const FIELD_LISTS = new WeakMap<ReadonlySet<string>, string[]>();

/** Deeper than any Qualys record nests: the parser reads it. */
const MAX_DEPTH = 64;
const NAME_AT = new Int32Array(MAX_DEPTH);
const NAME_LENGTH = new Int32Array(MAX_DEPTH);
const QUESTION = 63;

/**
 * A close tag names the open element: same length, first and last character. Comparing
 * every character cost a third of the scan; a close tag that still differs is malformed,
 * and the parser rejects it when the element is built (a passed-over element's text is
 * text the parser read before).
 */
function sameName(s: string, a: number, b: number, n: number): boolean {
  return s.charCodeAt(a) === s.charCodeAt(b) && s.charCodeAt(a + n - 1) === s.charCodeAt(b + n - 1);
}

/** The `>` closing the tag opened at `lt` (quoted attribute values may hold one): -1 when the text ends first, -2 when it is not a tag. */
function tagEnd(s: string, lt: number): number {
  let quote = 0;
  for (let i = lt + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === GT) return i;
    else if (c === 34 || c === 39) quote = c;
    else if (c === LT) return -2;
  }
  return -1;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text between tags as the parser gives it, or undefined when only the parser can say (a CR, an unknown entity). */
function decodeText(s: string, from: number, to: number): string | undefined {
  const raw = s.slice(from, to);
  if (raw.includes('\r')) return undefined;
  if (!raw.includes('&')) return raw;
  let bad = false;
  const text = raw.replace(/&([^;&]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) bad = true;
    else if (ref.startsWith('#x')) return codePoint(ref.slice(2), 16, () => (bad = true));
    else if (ref.startsWith('#')) return codePoint(ref.slice(1), 10, () => (bad = true));
    else if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref]!;
    else bad = true;
    return m;
  });
  return bad ? undefined : text;
}

function codePoint(digits: string, radix: number, fail: () => void): string {
  const n = digits !== '' && /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, radix) : NaN;
  // Only what XML allows as a character reference; anything else is the parser's error to report.
  if (!(n === 0x9 || n === 0xa || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff)) || (radix === 10 && !/^[0-9]+$/.test(digits))) {
    fail();
    return '';
  }
  return String.fromCodePoint(n);
}
