import { listItems, objectOf, textOf, type Json } from './serviceResponse.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Control characters other than tab, newline and carriage return: binary, not text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

/**
 * The text of a payload field. Qualys base64-encodes some of them (request headers and
 * bodies in XML, qualys.md §3) and not others (the JSON sample's responses are plain),
 * so a value is decoded only when it is canonical base64 of readable UTF-8: "redacted"
 * is valid base64 too, but decodes to binary and is kept as is.
 */
export function decodeIfBase64(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 8 || !BASE64.test(compact)) return value;
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.toString('base64') !== compact) return value;
  const text = bytes.toString('utf8');
  return CONTROL.test(text) ? value : text;
}

/**
 * RESULT: what the scanner saw, from every payload of every Result (`resultList.list[]
 * .Result.payloads.list[].PayloadInstance`): the payload sent (unless "N/A") and the
 * response found, decoded; sections separated by a blank line.
 */
export function resultText(resultList: Json | undefined): string {
  const sections: string[] = [];
  for (const result of listItems(resultList, 'Result')) {
    for (const instance of listItems(objectOf(result)?.payloads, 'PayloadInstance')) {
      const pi = objectOf(instance);
      if (!pi) continue;
      const payload = decodeIfBase64(textOf(pi.payload));
      const response = decodeIfBase64(typeof pi.response === 'string' ? pi.response : textOf(pi.response));
      const lines: string[] = [];
      if (payload && payload !== 'N/A') lines.push(`Payload: ${payload}`);
      if (response.trim()) lines.push(response.replace(/\s+$/, ''));
      if (lines.length) sections.push(lines.join('\n'));
    }
  }
  return sections.join('\n\n');
}

/**
 * At most `maxBytes` UTF-8 bytes, cut on a character boundary, with a note saying how
 * much was left out (a whole HTML page per payload would swamp a Jira field).
 */
export function capText(text: string, maxBytes: number): string {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const note = (kept: number): string => `\n[truncated: ${kept} of ${total} bytes shown]`;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(note(total), 'utf8'));
  const buf = Buffer.from(text, 'utf8');
  let end = budget;
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + note(end);
}
