/**
 * Finds where one element of a list ends, and the text of some of its children, without
 * an XML parser: `indexOf` over the text instead of saxes' character-by-character state
 * machine, which is most of the time a pull spends on a detection it passes over.
 *
 * It reads only a plain subset of XML: element tags (attributes allowed and kept as
 * written), text with the five predefined entities and character references, and CDATA
 * sections. Anything else (a comment, a processing instruction, a close tag that does not
 * match, a carriage return or an unknown entity in a child's text, an open tag with
 * attributes on the element itself) answers `parser`: the caller hands the text to saxes,
 * which reads it as always, or reports the error it is. So what this accepts, saxes reads
 * the same way (tests/sources/qualys-vmdr/rawElements.test.ts compares them on the real
 * HLD sample and on edge cases, in chunks down to one character).
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
  /** Names of the open elements below `name`: names[0] is the open direct child. */
  const names: string[] = [];
  let child = '';
  let childText = '';
  let childHasChildren = false;
  let wanted = false;
  let q = start + name.length + 2;
  for (;;) {
    const lt = s.indexOf('<', q);
    if (lt < 0) return MORE;
    if (wanted && names.length === 1 && lt > q) {
      const text = decodeText(s, q, lt);
      if (text === undefined) return PARSER;
      childText += text;
    }
    if (lt + 1 >= s.length) return MORE;
    const c = s.charCodeAt(lt + 1);
    if (c === SLASH) {
      const gt = s.indexOf('>', lt);
      if (gt < 0) return MORE;
      const closing = s.slice(lt + 2, gt);
      if (names.length === 0) return closing === name ? { kind: 'element', end: gt + 1, fields: out } : PARSER;
      if (closing !== names.pop()) return PARSER;
      if (names.length === 0 && wanted) out[child] = child in out || childHasChildren ? '' : childText.trim();
      q = gt + 1;
    } else if (c === BANG) {
      if (lt + 9 > s.length) return MORE;
      if (!s.startsWith('<![CDATA[', lt)) return PARSER;
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) return MORE;
      if (wanted && names.length === 1) {
        const text = s.slice(lt + 9, end);
        if (text.includes('\r')) return PARSER;
        childText += text;
      }
      q = end + 3;
    } else {
      const gt = tagEnd(s, lt);
      if (gt === -1) return MORE;
      if (gt === -2) return PARSER;
      const selfClosing = s.charCodeAt(gt - 1) === SLASH;
      const tagName = s.slice(lt + 1, nameEnd(s, lt + 1, selfClosing ? gt - 1 : gt));
      if (tagName === '' || c === 63 /* ? */) return PARSER;
      if (names.length === 0) {
        child = tagName;
        childText = '';
        childHasChildren = false;
        wanted = !fields || fields.has(tagName);
        if (selfClosing && wanted) out[child] = '';
      } else if (names.length === 1) childHasChildren = true;
      if (!selfClosing) names.push(tagName);
      q = gt + 1;
    }
  }
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

/** Where a tag's name ends: at whitespace or `end`. */
function nameEnd(s: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) <= 32) return i;
  return end;
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
