import { formatJsonPath, type JsonPathSegment } from './jsonPath.js';

export interface JsonLocation {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (what editors show for BMP text). */
  column: number;
}

export class JsonSyntaxError extends Error {
  readonly location: JsonLocation;
  constructor(message: string, location: JsonLocation) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.location = location;
  }
}

export interface LocatedJson {
  value: unknown;
  /** Line of every path in the document: the key's line for object members. */
  lines: Record<string, number>;
  /** Keys that appear twice in one object (JSON.parse silently keeps the last one). */
  duplicateKeys: Array<{ path: string; line: number }>;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * A strict JSON parser that remembers where each value sits. V8's JSON.parse reports
 * some errors without a position (Node 20: `Unexpected token 'x', "..." is not valid
 * JSON`), and template problems are only actionable with a line number, so template
 * files are parsed here instead.
 */
export function parseJsonLocated(text: string): LocatedJson {
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;
  // Null prototype: paths come from the file and may spell `__proto__`.
  private readonly lines: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly duplicateKeys: Array<{ path: string; line: number }> = [];

  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) this.lineStarts.push(i + 1);
    // Editors on Windows save a BOM; it is not JSON but is not worth rejecting a file for.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): LocatedJson {
    this.skipSpace();
    const value = this.parseValue([]);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describeChar()} after the end of the document`);
    return { value, lines: this.lines, duplicateKeys: this.duplicateKeys };
  }

  private parseValue(path: JsonPathSegment[]): unknown {
    this.lines[formatJsonPath(path)] ??= this.location().line;
    const c = this.text[this.pos];
    if (c === '{') return this.parseObject(path);
    if (c === '[') return this.parseArray(path);
    if (c === '"') return this.parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    this.fail(`expected a value, found ${this.describeChar()}`);
  }

  private parseObject(path: JsonPathSegment[]): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return obj;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail(`expected a quoted key, found ${this.describeChar()}`);
      const keyLine = this.location().line;
      const key = this.parseString();
      const childPath = [...path, key];
      const pathText = formatJsonPath(childPath);
      if (Object.prototype.hasOwnProperty.call(obj, key)) this.duplicateKeys.push({ path: pathText, line: keyLine });
      this.lines[pathText] = keyLine;
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after key "${key}", found ${this.describeChar()}`);
      this.pos++;
      this.skipSpace();
      // defineProperty, not assignment: a hostile `"__proto__"` key must stay a plain key.
      Object.defineProperty(obj, key, { value: this.parseValue(childPath), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return obj;
      }
      if (c !== ',') this.fail(`expected ',' or '}' after the value of "${key}", found ${this.describeChar()}`);
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === '}') this.fail('trailing comma before \'}\' is not allowed in JSON');
    }
  }

  private parseArray(path: JsonPathSegment[]): unknown[] {
    const arr: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.parseValue([...path, arr.length]));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return arr;
      }
      if (c !== ',') this.fail(`expected ',' or ']' in the list, found ${this.describeChar()}`);
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before \']\' is not allowed in JSON');
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) {
        this.pos = start;
        this.fail('unterminated string');
      }
      if (code === 0x22) break;
      if (code < 0x20) this.fail('raw line break or control character inside a string (write it as \\n or \\uXXXX)');
      if (code === 0x5c) {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('bad \\u escape (needs 4 hex digits)');
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) this.fail(`bad escape \\${next ?? ''} in string`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    // The slice is now known to be a well-formed JSON string literal.
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail(`bad number, found ${this.describeChar()}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
        continue;
      }
      if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
        this.fail('comments are not allowed in JSON');
      }
      return;
    }
  }

  private describeChar(): string {
    if (this.pos >= this.text.length) return 'the end of the file';
    const c = this.text[this.pos] ?? '';
    return c.trim() === '' ? `character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
  }

  private location(): JsonLocation {
    // Binary search over precomputed line starts: location() runs once per value.
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= this.pos) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: this.pos - (starts[lo] ?? 0) + 1 };
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.location());
  }
}
