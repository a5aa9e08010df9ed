import { qualysTime } from './generateVmdrData.js';
import { esc } from './xmlWriter.js';

/** Qualys error body, shaped like the 409 samples in reference/samples/qualys/. */
export function simpleReturnXml(now: Date, text: string, code?: string, items: Record<string, string | number> = {}): string {
  const itemXml = Object.entries(items)
    .map(([k, v]) => `  <ITEM>\n  <KEY>${esc(k)}</KEY>\n  <VALUE>${esc(String(v))}</VALUE>\n  </ITEM>\n`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" ?>\n' +
    '<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">\n' +
    '<SIMPLE_RETURN>\n  <RESPONSE>\n' +
    `  <DATETIME>${qualysTime(now.getTime())}</DATETIME>\n` +
    (code ? `  <CODE>${esc(code)}</CODE>\n` : '') +
    `  <TEXT>${esc(text)}</TEXT>\n` +
    (itemXml ? `  <ITEM_LIST>\n${itemXml}  </ITEM_LIST>\n` : '') +
    '  </RESPONSE>\n</SIMPLE_RETURN>\n'
  );
}
