/** One part of a multipart/form-data body. */
export interface FormPart {
  name?: string;
  filename?: string;
  contentType?: string;
  content: Buffer;
}

/**
 * The parts of a multipart/form-data body (RFC 7578), enough for what Jira's attachment
 * upload receives: undefined when the Content-Type has no boundary or the body does not
 * follow it.
 */
export function parseMultipart(contentType: string, body: Buffer): FormPart[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    at += delimiter.length;
    // `--` after a delimiter closes the body.
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    const headersEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(delimiter, at);
    if (headersEnd < 0 || next < 0 || headersEnd > next) return undefined;
    const headers = body.subarray(at, headersEnd).toString('utf8');
    // The part's content ends with the CRLF that precedes the next delimiter.
    const content = body.subarray(headersEnd + 4, next - 2);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const part: FormPart = { content };
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
    if (name !== undefined) part.name = name;
    if (filename !== undefined) part.filename = filename;
    if (type) part.contentType = type.trim();
    parts.push(part);
    at = next;
  }
}
