import type { RichText } from '../../../templates/types.js';
import type { AdfDoc, AdfInline, AdfParagraph, AdfText } from './adfDoc.js';
import { cleanText, JIRA_TEXT_LIMIT } from '../../../templates/format/cleanText.js';
import { truncationNote } from '../../../templates/format/fitPieces.js';
import { linkOf, segmentPlainText } from '../../../templates/format/linkHref.js';
import { fitPlain, toPlain } from '../../../templates/format/toPlain.js';

export type { AdfDoc } from './adfDoc.js';

/** A stretch of text, linked or not: what a paragraph's text nodes are cut from. */
interface Run {
  text: string;
  href?: string;
}

/**
 * Rich text as an ADF document for Jira Cloud (REST v3 requires ADF for description,
 * comments and text-area fields). ADF has no markup to escape: every text node is literal,
 * so template wiki markup shows as typed. Blank lines separate paragraphs, single newlines
 * become hardBreak nodes; a link segment with an http, https or mailto URL becomes text
 * with a `link` mark (.../document/marks/link), any other stays text (`text [url]`).
 * Total text is at most `limit` characters (the Cloud limit is 32,767, JRACLOUD-68949),
 * cut with a closing note paragraph. `countJson` applies the limit to the serialized
 * JSON instead, for callers that want the safe side.
 */
export function toAdf(rich: RichText, limit = JIRA_TEXT_LIMIT, opts: { countJson?: boolean } = {}): AdfDoc {
  const runs = rich.some((s) => s.href !== undefined) ? runsOf(rich) : [];
  if (!runs.some((r) => r.href !== undefined)) return plainToAdf(toPlain(rich), limit, opts);
  return fitToLimit((budget) => adfOfRuns(fitRuns(runs, budget)), limit, opts);
}

/** `toAdf` of rich text without links, from the text `toPlain(rich)` gives, for callers that already have it. */
export function plainToAdf(plain: string, limit = JIRA_TEXT_LIMIT, opts: { countJson?: boolean } = {}): AdfDoc {
  return fitToLimit((budget) => adfOfRuns([{ text: fitPlain(plain, budget) }]), limit, opts);
}

function fitToLimit(build: (budget: number) => AdfDoc, limit: number, opts: { countJson?: boolean }): AdfDoc {
  let doc = build(limit);
  if (!opts.countJson) return doc;
  // Most documents are far below the limit even serialized: skip serializing them.
  if (jsonSizeBound(doc) <= limit) return doc;
  // Conservative reading of the limit (inference, not documented by Atlassian): count the
  // serialized document. Shrink the text budget in proportion to the overshoot until it fits.
  let budget = limit;
  for (let size = JSON.stringify(doc).length; size > limit && budget > 0; size = JSON.stringify(doc).length) {
    budget = Math.max(0, Math.min(budget - 1, Math.floor((budget * limit) / size)));
    doc = build(budget);
  }
  return doc;
}

/** Segments as runs: cleaned, unlinkable links as their plain text, neighbours without a link merged. */
function runsOf(rich: RichText): Run[] {
  const runs: Run[] = [];
  for (const seg of rich) {
    const link = seg.value ? linkOf(seg) : undefined;
    const text = link ? link.text || link.href.replace(/^mailto:/i, '') : cleanText(segmentPlainText(seg));
    if (text === '') continue;
    const last = runs[runs.length - 1];
    if (link) runs.push({ text, href: link.href });
    else if (last && last.href === undefined) last.text += text;
    else runs.push({ text });
  }
  return runs;
}

/**
 * At most `limit` characters of text, as `fitPlain` cuts plain text: at a code point,
 * with `\n\n` and the truncation note counted in (links keep their mark where cut).
 */
function fitRuns(runs: readonly Run[], limit: number): Run[] {
  let total = 0;
  for (const r of runs) total += r.text.length;
  if (total <= limit) return [...runs];
  const note = (n: number): string => `\n\n${truncationNote(n)}`;
  const budget = limit - note(total).length;
  if (budget < 0) return [{ text: note(total).slice(0, Math.max(0, limit)) }];
  const out: Run[] = [];
  let used = 0;
  for (const r of runs) {
    if (used + r.text.length <= budget) {
      out.push(r);
      used += r.text.length;
      continue;
    }
    let text = '';
    for (const ch of r.text) {
      if (used + text.length + ch.length > budget) break;
      text += ch;
    }
    if (text) out.push(r.href === undefined ? { text } : { text, href: r.href });
    used += text.length;
    break;
  }
  out.push({ text: note(total - used) });
  return out;
}

/**
 * At least `JSON.stringify(doc).length`. The text went through cleanText, so each of its
 * UTF-16 units serializes to at most 2 (`"`, `\`, tab; other controls and lone
 * surrogates are gone, newlines split nodes); so does a link's URL (safeHref admits no
 * controls). Wrappers: `{"type":"doc","version":1,"content":[]}` is 39, a paragraph 33 +
 * comma, a text node 25 + comma, a hardBreak 20 + comma, a link mark 45.
 */
function jsonSizeBound(doc: AdfDoc): number {
  let size = 40;
  for (const p of doc.content) {
    size += 35;
    for (const node of p.content) {
      if (node.type !== 'text') size += 22;
      else size += 27 + 2 * node.text.length + (node.marks ? 47 + 2 * (node.marks[0]?.attrs.href.length ?? 0) : 0);
    }
  }
  return size;
}

/** Lines (split at newlines, links kept) grouped into paragraphs at blank lines. */
function adfOfRuns(runs: readonly Run[]): AdfDoc {
  const content: AdfParagraph[] = [];
  let lines: Run[][] = [];
  let line: Run[] = [];
  const endLine = (): void => {
    if (blank(line)) {
      if (lines.length) content.push(paragraph(lines));
      lines = [];
    } else lines.push(line);
    line = [];
  };
  // Each run's text cut at its newlines by indexOf, not split + forEach: one call per
  // ticket field, a few hundred parts each, and the arrays and callbacks were garbage.
  for (const run of runs) {
    const { text, href } = run;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const part = nl === -1 ? text.slice(start) : text.slice(start, nl);
      if (part !== '') line.push(href === undefined ? { text: part } : { text: part, href });
      if (nl === -1) break;
      endLine();
      start = nl + 1;
    }
  }
  endLine();
  if (lines.length) content.push(paragraph(lines));
  return { type: 'doc', version: 1, content };
}

/** A line with no text but whitespace (a blank line: a paragraph break). */
function blank(line: readonly Run[]): boolean {
  for (const r of line) if (r.text.trim() !== '') return false;
  return true;
}

function paragraph(lines: readonly Run[][]): AdfParagraph {
  const inline: AdfInline[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) inline.push({ type: 'hardBreak' });
    for (const run of lines[i] as Run[]) inline.push(textNode(run));
  }
  return { type: 'paragraph', content: inline };
}

function textNode(run: Run): AdfText {
  if (run.href === undefined) return { type: 'text', text: run.text };
  return { type: 'text', text: run.text, marks: [{ type: 'link', attrs: { href: run.href } }] };
}
