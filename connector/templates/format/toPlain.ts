import type { RichText } from '../types.js';
import { cleanText } from './cleanText.js';
import { charPieces, fitPieces, truncationNote } from './fitPieces.js';
import { segmentPlainText } from './linkHref.js';

/**
 * Rich text as plain text (no markup, nothing escaped; a link as `text [url]`),
 * optionally cut to `limit` characters with a note.
 */
export function toPlain(rich: RichText, limit = Number.POSITIVE_INFINITY): string {
  return fitPlain(cleanText(rich.map(segmentPlainText).join('')), limit);
}

/** `toPlain(rich, limit)` from `toPlain(rich)`: callers that need both clean the text once. */
export function fitPlain(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return fitPieces(charPieces(text), limit, (n) => `\n\n${truncationNote(n)}`);
}
