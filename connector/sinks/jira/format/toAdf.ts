import type { RichText } from '../../../templates/types.js';
import type { AdfDoc, AdfInline, AdfParagraph } from './adfDoc.js';
import { JIRA_TEXT_LIMIT } from '../../../templates/format/cleanText.js';
import { fitPlain, toPlain } from '../../../templates/format/toPlain.js';

export type { AdfDoc } from './adfDoc.js';

/**
 * Rich text as an ADF document for Jira Cloud (REST v3 requires ADF for description,
 * comments and text-area fields). ADF has no markup to escape: every text node is literal,
 * so template wiki markup shows as typed. Blank lines separate paragraphs, single newlines
 * become hardBreak nodes. Total text is at most `limit` characters (the Cloud limit is
 * 32,767, JRACLOUD-68949), cut with a closing note paragraph. `countJson` applies the
 * limit to the serialized JSON instead, for callers that want the safe side.
 */
export function toAdf(rich: RichText, limit = JIRA_TEXT_LIMIT, opts: { countJson?: boolean } = {}): AdfDoc {
  return plainToAdf(toPlain(rich), limit, opts);
}

/** `toAdf` from the text `toPlain(rich)` gives, for callers that already have it. */
export function plainToAdf(plain: string, limit = JIRA_TEXT_LIMIT, opts: { countJson?: boolean } = {}): AdfDoc {
  let doc = adfOf(fitPlain(plain, limit));
  if (!opts.countJson) return doc;
  // Most documents are far below the limit even serialized: skip serializing them.
  if (jsonSizeBound(doc) <= limit) return doc;
  // Conservative reading of the limit (inference, not documented by Atlassian): count the
  // serialized document. Shrink the text budget in proportion to the overshoot until it fits.
  let budget = limit;
  for (let size = JSON.stringify(doc).length; size > limit && budget > 0; size = JSON.stringify(doc).length) {
    budget = Math.max(0, Math.min(budget - 1, Math.floor((budget * limit) / size)));
    doc = adfOf(fitPlain(plain, budget));
  }
  return doc;
}

/**
 * At least `JSON.stringify(doc).length`. The text went through cleanText, so each of its
 * UTF-16 units serializes to at most 2 (`"`, `\`, tab; other controls and lone
 * surrogates are gone, newlines split nodes). Wrappers: `{"type":"doc","version":1,"content":[]}`
 * is 39, a paragraph 33 + comma, a text node 25 + comma, a hardBreak 20 + comma.
 */
function jsonSizeBound(doc: AdfDoc): number {
  let size = 40;
  for (const p of doc.content) {
    size += 35;
    for (const node of p.content) size += node.type === 'text' ? 27 + 2 * node.text.length : 22;
  }
  return size;
}

function adfOf(text: string): AdfDoc {
  const content: AdfParagraph[] = [];
  let lines: string[] = [];
  const flush = (): void => {
    if (lines.length) content.push(paragraph(lines));
    lines = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') flush();
    else lines.push(line);
  }
  flush();
  return { type: 'doc', version: 1, content };
}

function paragraph(lines: readonly string[]): AdfParagraph {
  const inline: AdfInline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) inline.push({ type: 'hardBreak' });
    inline.push({ type: 'text', text: line });
  });
  return { type: 'paragraph', content: inline };
}
