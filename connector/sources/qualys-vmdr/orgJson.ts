import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { scanElement } from './elementScanner.js';

/** The shape org.json's `XML.toJSONObject` gives, which the Qualys templates are written against. */
export type OrgJsonValue = string | OrgJsonObject | OrgJsonValue[];
export interface OrgJsonObject {
  [key: string]: OrgJsonValue;
}

/**
 * Elements that can repeat under their parent. They are ALWAYS arrays, even with one
 * member, so a template or our own code never has to handle "object or array"
 * (qualysdk does it by hand: `qualysdk/vmdr/base/helpers.py` "if it is just one, put it
 * inside a list"). Names from the HLD, KnowledgeBase and Host List DTDs (qualys.md §1, §2).
 * `ID` is deliberately absent: it is the host id / CVE id, a single value where we read it.
 */
const QUALYS_ARRAY_ELEMENTS: ReadonlySet<string> = new Set([
  'HOST',
  'DETECTION',
  'TAG',
  'CVE',
  'QDS_FACTOR',
  'SOFTWARE',
  'THREAT_INTEL',
  'VULN',
  'CLOUD_TAG',
  'ATTRIBUTE',
  'ITEM',
  'VENDOR_REFERENCE',
  'BUGTRAQ',
  'COMPLIANCE',
  'EXPLT_SRC',
  'EXPLT',
  'MW_SRC',
  'MW_INFO',
  'AUTH_TYPE',
  'CHANGE_LOG_INFO',
  'PCI_REASON',
  'VULN_COUNT',
  'PARAM',
]);

export interface OrgJsonFrame {
  readonly name: string;
  obj: OrgJsonObject;
  text: string;
  hasChildren: boolean;
  hasAttributes: boolean;
}

/**
 * Stands in for `obj` while an element has neither attributes nor children (most
 * elements: `<QID>38170</QID>`); it is never returned or written to. A real object is
 * made when the first attribute or child appears, so open ancestors always have one.
 */
const NO_OBJ: OrgJsonObject = Object.freeze({}) as OrgJsonObject;

/**
 * Called when an element closes, with its finished value and the still-open ancestors
 * (`stack[stack.length - 1]` is the parent). Return `true` to take the element: it is
 * then NOT attached to its parent, which is how streaming callers keep memory flat.
 * Frames are reused once their element closes: read them during the call, do not keep them.
 */
export type OnElement = (name: string, value: OrgJsonValue, stack: readonly OrgJsonFrame[]) => boolean;

/**
 * An element taken as text rather than built (`OrgJsonBuilderOptions.raw`): the element
 * exactly as the stream spelled it (`openTag + body`: its open tag written back, then its
 * content and close tag as sent), and the trimmed text of each of its children that has
 * no element children (`<QID>38170</QID>` → `QID: '38170'`; a name seen twice or a child
 * with children of its own reads `''`, as `textOf` reads the built value).
 */
export interface RawElement {
  name: string;
  openTag: string;
  /** A slice of the stream, not a copy. */
  body: string;
  fields: Readonly<Record<string, string>>;
}

/** The element's whole text, to parse (`parseElements`) for the value the builder would have made. */
export const rawXml = (e: RawElement): string => e.openTag + e.body;

export interface OrgJsonBuilderOptions {
  arrays?: ReadonlySet<string>;
  onElement?: OnElement;
  onRootOpen?: (name: string) => void;
  /**
   * Elements to take as text, not objects: `wants` is asked as each element opens (with
   * its still-open ancestors), `take` gets it when it closes. Nothing inside such an
   * element is built, which is what makes passing over known records cheap; parse
   * `rawXml(element)` (parseElements) for the value the builder would have made.
   */
  raw?: RawCaptureOptions;
}

/** `OrgJsonBuilderOptions.raw`. */
export interface RawCaptureOptions {
  wants: (name: string, stack: readonly OrgJsonFrame[]) => boolean;
  take: (element: RawElement, stack: readonly OrgJsonFrame[]) => void;
  /** The children whose text `fields` gives (all of them if absent). */
  fields?: ReadonlySet<string>;
  /**
   * The elements taken are the children of `list`, spelled `<element>`: when `<list>`
   * opens, its children are delimited by `scanElement` instead of the parser (several
   * times faster), each still asked `wants`. The parser takes over again at `</list>`,
   * and for the rest of the list at anything the scanner does not read.
   */
  scan?: ScanOption;
}

/**
 * `list` and `element` as above. With `takeList`, each `<list>` whose `<element>` children
 * `wants` would take has its content first taken whole, as text (a slice of the stream),
 * when its `</list>` is found: no child is read or delimited (`listElements` does that
 * later, if asked). A list whose end the stream does not show within SCAN_HOLD_MAX, or
 * that holds a comment (any `<!` markup but CDATA), is read child by child as without it.
 */
export type ScanOption = { list: string; element: string; takeList?: (content: string, stack: readonly OrgJsonFrame[]) => void; record?: WholeRecordOption };

/**
 * Records taken whole, before the parser reads any of them: each `<element>` child of a
 * `<parent>` (open tag to close tag, as sent) goes to `take` as one slice of the stream
 * once its `</element>` is found (the first outside CDATA). `take` answers `false` to
 * have it read as usual; so is one whose end the stream does not show within
 * SCAN_HOLD_MAX, one that holds a comment, or one the parser would not open just there.
 * What is taken is not checked for well-formedness: the caller parses what it keeps.
 */
export interface WholeRecordOption {
  parent: string;
  element: string;
  take: (xml: string, stack: readonly OrgJsonFrame[]) => boolean;
}

/** The most text (characters) of one unfinished element the scanner holds for the next chunk. */
const SCAN_HOLD_MAX = 1 << 20;

/** What the builder keeps of an element it takes raw, while it is open. */
interface RawCapture {
  name: string;
  /** The open tag as written back (its attributes escaped), and where its content starts in the stream. */
  openTag: string;
  start: number;
  /** Open elements below the raw one: 1 = a direct child. */
  depth: number;
  fields: Record<string, string>;
  child: string;
  childText: string;
  childHasChildren: boolean;
  /** The child open now is one `fields` gives (its text is kept). */
  childWanted: boolean;
}

/** Hot path (called for every text node): cheaper than a regex. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 32) return false;
  return true;
}

/**
 * Streams XML (saxes) into org.json-compatible values: attributes become plain keys,
 * element text goes under `content` when the element also has attributes or children
 * (`<QDS severity="LOW">35</QDS>` → `{content:'35', severity:'LOW'}`), a text-only
 * element becomes its trimmed text (real payloads pad CDATA with newlines and
 * indentation), an empty one becomes `''`. Unlike org.json, strings stay strings: no
 * numeric coercion (IDs with leading zeros, `7.10` vs `7.1`).
 */
export class OrgJsonBuilder {
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  /** Open elements; `stack.length` is the depth. */
  private readonly stack: OrgJsonFrame[] = [];
  /**
   * Frames by depth, reused from one element to the next: a detection is ~35 elements,
   * and a frame per element per detection was a large share of the garbage of a pull.
   */
  private readonly frames: OrgJsonFrame[] = [];
  private readonly root: OrgJsonObject = {};
  private readonly arrays: ReadonlySet<string>;
  private rootName_: string | undefined;

  /** The raw element open now, if any. */
  private capture: RawCapture | undefined;
  /** The stream from `bufferStart` on, kept only while a raw element may need it. */
  private buffer = '';
  private bufferStart = 0;

  /** With `raw.scan`: text written, not yet given to the parser or scanned. */
  private pending = '';
  /** With `raw.scan`: the scanner reads the open list's children. */
  private scanning = false;
  /** Where the last `raw.scan.list` element's content starts (parser position). */
  private listOpenedAt = -1;
  /** With `raw.scan.takeList`: the open list is taken whole (until it turns out it cannot be). */
  private listWhole = false;
  private readonly bangMemo = { s: '', from: 0, at: -1 };
  /** The close tag of what is held whole for the next chunk (a list or a record), `''` if nothing. */
  private holding = '';
  /** Where (parser position) the last open or close tag the parser read ends. */
  private lastTagEnd = -1;
  /** The fed length at which a `raw.scan.record` was last found to start where the parser would open it. */
  private recordBoundaryAt = -1;

  constructor(private readonly opts: OrgJsonBuilderOptions = {}) {
    this.arrays = opts.arrays ?? QUALYS_ARRAY_ELEMENTS;
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('text', (text) => this.text(text));
    this.parser.on('cdata', (text) => this.text(text));
    this.parser.on('closetag', (tag) => this.close(tag));
    // saxes throws from write()/close() when no error handler is set; that is what we want.
  }

  get rootName(): string | undefined {
    return this.rootName_;
  }

  write(chunk: string): void {
    const raw = this.opts.raw;
    if (!raw) this.parser.write(chunk);
    else if (!raw.scan) this.feed(chunk);
    else this.writeScanned(raw.scan, chunk);
  }

  /**
   * `raw.scan`: what the last chunk left unfinished (an element's start, or the tail held
   * back from the parser) is joined with only as much of this chunk as completes it, then
   * the chunk itself is read: joining it whole made a copy of all the text of a pull.
   */
  private writeScanned(scan: ScanOption, chunk: string): void {
    let left = this.pending;
    let from = 0;
    this.pending = '';
    // What is held whole (a list or a record) most likely ends at the first close tag in this
    // chunk: joined up to there at once, not grown in steps, each of which copies the held part again.
    const heldEnds = this.holding !== '' ? chunk.indexOf(this.holding) : -1;
    const head0 = heldEnds >= 0 ? heldEnds + this.holding.length : 2048;
    this.holding = '';
    for (let head = head0; left !== ''; head *= 4) {
      const whole = head >= chunk.length;
      const joined = left + (whole ? chunk : chunk.slice(0, head));
      const stop = this.drain(scan, joined, 0, false, left.length);
      if (stop >= left.length) {
        from = stop - left.length;
        break;
      }
      if (whole) {
        this.pending = joined.slice(stop);
        return;
      }
      left = left.slice(stop);
    }
    this.pending = chunk.slice(this.drain(scan, chunk, from, false, chunk.length));
  }

  /** To the parser, keeping what an open raw element still needs: the stream from its content's start. */
  private feed(text: string): void {
    this.buffer += text;
    this.parser.write(text);
    const keepFrom = this.capture ? this.capture.start : this.bufferStart + this.buffer.length;
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
      this.bufferStart = keepFrom;
    }
  }

  /**
   * `raw.scan`: the parser reads up to each `<list>`; once it has opened one, the
   * scanner takes its `<element>` children until `</list>`. Blanks between them are
   * dropped, as the builder drops them. Reads `s` from `pos` until it has passed
   * `stopAt` or needs more text; returns where it stopped. `final`: no more text comes.
   */
  private drain(scan: ScanOption, s: string, pos: number, final: boolean, stopAt: number): number {
    const listTag = `<${scan.list}>`;
    const listEnd = `</${scan.list}`;
    const elementTag = `<${scan.element}>`;
    const record = scan.record;
    const recordTag = record ? `<${record.element}>` : '';
    const recordClose = record ? `</${record.element}>` : '';
    while (pos < s.length && pos < stopAt) {
      if (!this.scanning) {
        const at = s.indexOf(listTag, pos);
        const recordAt = record ? s.indexOf(recordTag, pos) : -1;
        if (record && recordAt >= 0 && (at < 0 || recordAt < at)) {
          this.feed(s.slice(pos, recordAt));
          pos = recordAt;
          const end = this.atRecordBoundary(record, s, recordAt) ? this.contentEndAt(s, recordAt + recordTag.length, recordClose) : NOT_WHOLE;
          if (end >= 0) {
            const close = end + recordClose.length;
            if (record.take(s.slice(recordAt, close), this.stack)) {
              withChildren(this.stack[this.stack.length - 1]!);
              pos = close;
              // For the next record's check, where this one was is where the parser last read a tag.
              this.lastTagEnd = this.bufferStart + this.buffer.length;
              continue;
            }
          } else if (end === NEEDS_MORE && !final && s.length - recordAt <= SCAN_HOLD_MAX) {
            this.holding = recordClose;
            break;
          }
          // Read as usual: the parser opens it.
          this.feed(recordTag);
          pos += recordTag.length;
          continue;
        }
        // Held back: the start of a `<list>` the next chunk completes.
        const upTo = at >= 0 ? at + listTag.length : final ? s.length : Math.max(pos, s.length - listTag.length + 1);
        this.feed(s.slice(pos, upTo));
        pos = upTo;
        // A real open tag, not those characters in a CDATA section or a comment: the parser opened the list just there.
        if (at >= 0) this.scanning = this.listOpenedAt === this.bufferStart + this.buffer.length && !this.capture;
        else break;
        // Taken whole only where its children would be taken (`wants`, asked of the list's frame).
        this.listWhole = this.scanning && scan.takeList !== undefined && this.opts.raw?.wants(scan.element, this.stack) === true;
        continue;
      }
      if (this.listWhole) {
        const end = this.contentEndAt(s, pos, listEnd);
        if (end >= 0) {
          const content = s.slice(pos, end);
          if (!isBlank(content)) withChildren(this.stack[this.stack.length - 1]!);
          (scan.takeList as NonNullable<ScanOption['takeList']>)(content, this.stack);
          pos = end;
          this.listWhole = false;
          this.scanning = false;
          continue;
        }
        // Held for the next chunk, as an unfinished element is.
        if (end === NEEDS_MORE && !final && s.length - pos <= SCAN_HOLD_MAX) {
          this.holding = `${listEnd}>`;
          break;
        }
        this.listWhole = false;
      }
      while (pos < s.length && s.charCodeAt(pos) <= 32) pos++;
      if (pos === s.length) break;
      if (s.startsWith(listEnd, pos)) {
        this.scanning = false;
        continue;
      }
      if (s.startsWith(elementTag, pos) && this.opts.raw?.wants(scan.element, this.stack)) {
        const r = scanElement(s, pos, scan.element, this.opts.raw.fields);
        // An element longer than that is left to the parser, which reads it once, rather than scanned again per chunk.
        if (r.kind === 'more' && !final && s.length - pos <= SCAN_HOLD_MAX) break;
        if (r.kind === 'element') {
          withChildren(this.stack[this.stack.length - 1]!);
          this.opts.raw.take({ name: scan.element, openTag: elementTag, body: s.slice(pos + elementTag.length, r.end), fields: r.fields }, this.stack);
          pos = r.end;
          continue;
        }
      } else if (!final && s.length - pos < listEnd.length && (elementTag.startsWith(s.slice(pos)) || listEnd.startsWith(s.slice(pos)))) break;
      // Not read by the scanner: the parser reads the rest of this list, from here.
      this.scanning = false;
    }
    return pos;
  }

  /**
   * Where the element (a list or a record) whose content starts at `from` closes (the index
   * of its close tag): the first one outside CDATA sections (in well-formed XML `<` stands
   * for nothing else in text or attribute values). `NEEDS_MORE`, or `NOT_WHOLE` for a
   * comment or a DOCTYPE-like `<!` before it (a comment may hold anything).
   */
  private contentEndAt(s: string, from: number, closeTag: string): number {
    let end = s.indexOf(closeTag, from);
    for (let q = from; ; ) {
      const bang = this.nextBang(s, q);
      if (bang < 0 || (end >= 0 && bang > end)) break;
      if (!s.startsWith(CDATA_OPEN, bang)) return s.length - bang < CDATA_OPEN.length && CDATA_OPEN.startsWith(s.slice(bang)) ? NEEDS_MORE : NOT_WHOLE;
      const closes = s.indexOf(']]>', bang + 9);
      if (closes < 0) return NEEDS_MORE;
      q = closes + 3;
      if (end >= 0 && end < q) end = s.indexOf(closeTag, q);
    }
    return end < 0 ? NEEDS_MORE : end;
  }

  /**
   * Whether the parser, fed up to `at` of `s`, is between the children of a `record.parent`
   * there, so `<element>` at `at` is an open tag it would read (not text of a CDATA
   * section or a comment): only blanks were fed since the last tag it read.
   */
  private atRecordBoundary(record: WholeRecordOption, s: string, at: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top || top.name !== record.parent || this.capture) return false;
    const fed = this.bufferStart + this.buffer.length;
    // A record held for the next chunk was checked when it was found.
    if (fed === this.recordBoundaryAt) return true;
    const gap = fed - this.lastTagEnd;
    if (this.lastTagEnd < 0 || gap < 0 || gap > at) return false;
    for (let i = at - gap; i < at; i++) if (s.charCodeAt(i) > 32) return false;
    this.recordBoundaryAt = fed;
    return true;
  }

  /**
   * `s.indexOf('<!', q)`, remembered: a list with no CDATA section would otherwise search
   * on to the end of the chunk for each list (lists come in increasing `q` over one `s`).
   */
  private nextBang(s: string, q: number): number {
    const m = this.bangMemo;
    if (m.s === s && q >= m.from && (m.at < 0 || q <= m.at)) return m.at;
    m.s = s;
    m.from = q;
    m.at = s.indexOf('<!', q);
    return m.at;
  }

  /**
   * Parts of a page read apart (elements taken as text, a list's content, a host): `parts`
   * as the children of a `<wrapper>` of their own, then the end. Throws on malformed XML.
   */
  readWithin(wrapper: string, parts: string | readonly string[]): OrgJsonObject {
    this.write(`<${wrapper}>`);
    for (const part of typeof parts === 'string' ? [parts] : parts) this.write(part);
    this.write(`</${wrapper}>`);
    return this.end();
  }

  /** Ends the document; throws when it is incomplete (a truncated response). */
  end(): OrgJsonObject {
    const scan = this.opts.raw?.scan;
    if (scan) {
      const rest = this.pending;
      this.pending = '';
      // An unfinished element the scanner held: the parser reports it.
      this.feed(rest.slice(this.drain(scan, rest, 0, true, rest.length)));
    }
    this.parser.close();
    if (this.rootName_ === undefined) throw new Error('the response contains no XML element');
    return this.root;
  }

  private open(tag: SaxesTagPlain): void {
    this.lastTagEnd = this.parser.position;
    const capture = this.capture;
    if (capture) {
      if (++capture.depth === 1) {
        capture.child = tag.name;
        capture.childText = '';
        capture.childHasChildren = false;
        const wanted = this.opts.raw?.fields;
        capture.childWanted = !wanted || wanted.has(tag.name);
      } else if (capture.depth === 2) capture.childHasChildren = true;
      return;
    }
    const depth = this.stack.length;
    const parent = depth > 0 ? this.stack[depth - 1] : undefined;
    if (parent) {
      withChildren(parent);
      if (parent.text !== '' && isBlank(parent.text)) parent.text = '';
      if (this.opts.raw?.wants(tag.name, this.stack)) {
        this.capture = { name: tag.name, openTag: openTagText(tag), start: this.parser.position, depth: 0, fields: {}, child: '', childText: '', childHasChildren: false, childWanted: false };
        return;
      }
    } else if (this.rootName_ === undefined) {
      this.rootName_ = tag.name;
      this.opts.onRootOpen?.(tag.name);
    }
    let obj = NO_OBJ;
    let hasAttributes = false;
    const attributes = tag.attributes;
    for (const k in attributes) {
      if (obj === NO_OBJ) obj = {};
      obj[k] = attributes[k]!;
      hasAttributes = true;
    }
    let frame = this.frames[depth];
    if (frame) {
      (frame as { name: string }).name = tag.name;
      frame.obj = obj;
      frame.text = '';
      frame.hasChildren = false;
      frame.hasAttributes = hasAttributes;
    } else {
      frame = { name: tag.name, obj, text: '', hasChildren: false, hasAttributes };
      this.frames[depth] = frame;
    }
    this.stack.push(frame);
    if (tag.name === this.opts.raw?.scan?.list && !tag.isSelfClosing) this.listOpenedAt = this.parser.position;
  }

  private text(text: string): void {
    const capture = this.capture;
    if (capture) {
      if (capture.depth === 1 && capture.childWanted) capture.childText += text;
      return;
    }
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return;
    // Indentation between child elements is not content; dropping it keeps a
    // DETECTION_LIST with thousands of children from growing a whitespace string.
    // Leading blanks (the padding before a CDATA section) would be trimmed anyway.
    if ((frame.hasChildren || frame.text === '') && isBlank(text)) return;
    frame.text += text;
  }

  /** The raw element ends here (after its close tag): hand it out whole. */
  private closeRaw(): void {
    const capture = this.capture as RawCapture;
    this.capture = undefined;
    const body = capture.openTag.endsWith('/>') ? '' : this.buffer.slice(capture.start - this.bufferStart, this.parser.position - this.bufferStart);
    this.opts.raw?.take({ name: capture.name, openTag: capture.openTag, body, fields: capture.fields }, this.stack);
  }

  private close(_tag: SaxesTagPlain): void {
    this.lastTagEnd = this.parser.position;
    const capture = this.capture;
    if (capture) {
      if (capture.depth === 0) {
        this.closeRaw();
        return;
      }
      if (capture.depth-- === 1 && capture.childWanted) {
        const { fields, child } = capture;
        fields[child] = child in fields || capture.childHasChildren ? '' : capture.childText.trim();
      }
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    const value = finish(frame);
    // The frame is reused by the next element at this depth: let go of the value.
    frame.obj = NO_OBJ;
    if (this.opts.onElement?.(frame.name, value, this.stack)) return;
    const parent = this.stack[this.stack.length - 1];
    if (parent) attach(parent.obj, frame.name, value, this.arrays);
    else this.root[frame.name] = value;
  }
}

/** The element of `frame` has a child (read or taken): it gets a real object, its text between children is no content. */
function withChildren(frame: OrgJsonFrame): void {
  if (frame.hasChildren) return;
  frame.hasChildren = true;
  if (frame.obj === NO_OBJ) frame.obj = {};
}

/** `<NAME a="1">` as the builder would read it back: attribute values escaped. */
function openTagText(tag: SaxesTagPlain): string {
  let out = `<${tag.name}`;
  const attributes = tag.attributes;
  for (const k in attributes) out += ` ${k}="${escapeAttribute(attributes[k]!)}"`;
  return tag.isSelfClosing ? `${out}/>` : `${out}>`;
}

function escapeAttribute(v: string): string {
  return v.replace(/[&<"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&quot;'));
}

function finish(frame: OrgJsonFrame): OrgJsonValue {
  const text = frame.text.trim();
  if (!frame.hasChildren && !frame.hasAttributes) return text;
  if (text !== '') frame.obj.content = text;
  return frame.obj;
}

function attach(target: OrgJsonObject, name: string, value: OrgJsonValue, arrays: ReadonlySet<string>): void {
  const existing = target[name];
  if (arrays.has(name)) {
    if (Array.isArray(existing)) existing.push(value);
    else target[name] = [value];
    return;
  }
  // org.json's `accumulate`: a name seen twice becomes an array.
  if (existing === undefined) target[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[name] = [existing, value];
}

/**
 * The values the streaming builder makes of elements taken as text (`rawXml`), in order:
 * parsed together as children of one wrapper, one parser for a batch rather than one per
 * element. An element without content gives `''`, as the builder gives it.
 */
export function parseElements(xmls: readonly string[]): OrgJsonValue[] {
  const out: OrgJsonValue[] = [];
  if (xmls.length === 0) return out;
  new OrgJsonBuilder({ onElement: (_name, value, stack) => stack.length === 1 && (out.push(value), true) }).readWithin('ELEMENTS', xmls);
  return out;
}

const CDATA_OPEN = '<![CDATA[';
/** `contentEndAt`: the text ends before the element does. */
const NEEDS_MORE = -1;
/** `contentEndAt`: a comment (or other `<!` markup) comes first; the element is read by the parser, not taken whole. */
const NOT_WHOLE = -2;

/**
 * The `element` children of a list's content taken whole (`ScanOption.takeList`), as the
 * builder would have taken them child by child: by the scanner, or by the parser where the
 * scanner does not read the text. Throws on malformed XML.
 */
export function listElements(content: string, list: string, element: string, fields?: ReadonlySet<string>): RawElement[] {
  const out: RawElement[] = [];
  const tag = `<${element}>`;
  let pos = 0;
  for (;;) {
    while (pos < content.length && content.charCodeAt(pos) <= 32) pos++;
    if (pos === content.length) return out;
    if (!content.startsWith(tag, pos)) break;
    const r = scanElement(content, pos, element, fields);
    if (r.kind !== 'element') break;
    out.push({ name: element, openTag: tag, body: content.slice(pos + tag.length, r.end), fields: r.fields });
    pos = r.end;
  }
  // The rest as the parser reads it.
  new OrgJsonBuilder({
    raw: {
      wants: (name, stack) => name === element && stack[stack.length - 1]?.name === list && stack.length === 1,
      take: (e) => out.push(e),
      ...(fields ? { fields } : {}),
    },
  }).readWithin(list, content.slice(pos));
  return out;
}

/** Parse a small, complete XML document (error bodies, fixtures) into an org.json object. */
export function parseOrgJson(xml: string): { rootName: string; value: OrgJsonObject } {
  const builder = new OrgJsonBuilder();
  builder.write(xml);
  const root = builder.end();
  const rootName = builder.rootName ?? '';
  const value = root[rootName];
  return { rootName, value: typeof value === 'object' && !Array.isArray(value) ? value : {} };
}

/** `x`, `{content:x}` → x; anything else → ''. For elements that may carry attributes. */
export function textOf(value: OrgJsonValue | undefined): string {
  if (typeof value === 'string') return value;
  if (value && !Array.isArray(value) && typeof value.content === 'string') return value.content;
  return '';
}

export function objectOf(value: OrgJsonValue | undefined): OrgJsonObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function arrayOf(value: OrgJsonValue | undefined): OrgJsonValue[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
