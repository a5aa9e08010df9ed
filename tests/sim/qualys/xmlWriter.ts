import type { ServerResponse } from 'node:http';

/** Most values (ids, dates, numbers) need no escaping: test once instead of four replaces per element. */
const NEEDS_ESCAPE = /[&<>"]/;

export function esc(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** CDATA as Qualys writes it; a `]]>` inside the text is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** `<NAME>text</NAME>` with escaped text. */
export function el(name: string, text: string | number, indent: string): string {
  return `${indent}<${name}>${esc(String(text))}</${name}>\n`;
}

/** `<NAME><![CDATA[text]]></NAME>`; `padded` puts the CDATA on its own line like real payloads do. */
export function cel(name: string, text: string, indent: string, padded = false): string {
  return padded
    ? `${indent}<${name}>\n${indent}  ${cdata(text)}\n${indent}</${name}>\n`
    : `${indent}<${name}>${cdata(text)}</${name}>\n`;
}

export interface WriterFaults {
  /** End the response (cleanly) after this many bytes of body: a truncated document. */
  truncateAfterBytes?: number;
  /** Destroy the connection after this many bytes of body. */
  resetAfterBytes?: number;
}

/**
 * Streams a response body in ~64 KB writes, honouring backpressure, so a page of any
 * size is never held as one string. `push` returns false once the response should stop
 * (client gone or an injected truncation reached).
 */
export class XmlStreamWriter {
  private buf: string[] = [];
  private bufLen = 0;
  private sent = 0;
  private stopped = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly faults: WriterFaults = {},
    private readonly flushAt = 64 * 1024,
  ) {
    res.on('close', () => {
      this.stopped = true;
    });
  }

  get alive(): boolean {
    return !this.stopped;
  }

  async push(text: string): Promise<boolean> {
    if (this.stopped) return false;
    this.buf.push(text);
    this.bufLen += text.length;
    if (this.bufLen >= this.flushAt) await this.flush();
    return !this.stopped;
  }

  async end(): Promise<void> {
    await this.flush();
    if (!this.stopped) this.res.end();
    this.stopped = true;
  }

  private async flush(): Promise<void> {
    if (this.stopped || this.bufLen === 0) return;
    let chunk = Buffer.from(this.buf.join(''), 'utf8');
    this.buf = [];
    this.bufLen = 0;
    const cut = this.faults.truncateAfterBytes ?? this.faults.resetAfterBytes;
    if (cut !== undefined && this.sent + chunk.length >= cut) {
      chunk = chunk.subarray(0, Math.max(0, cut - this.sent));
      this.res.write(chunk);
      this.stopped = true;
      if (this.faults.resetAfterBytes !== undefined) setImmediate(() => this.res.socket?.destroy());
      else this.res.end();
      return;
    }
    this.sent += chunk.length;
    if (!this.res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
  }
}
