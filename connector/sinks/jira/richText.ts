import type { RichText } from '../../templates/types.js';
import { plainToAdf as adfOfPlain, toAdf as adfOf, type AdfDoc } from './format/toAdf.js';

/**
 * The one import point for rich-text formatting in the Jira sink: Jira's own markup (ADF,
 * wiki) lives here; plain text is the template engine's. Scanner values are escaped and
 * Jira's limits respected with a truncation note.
 */
export { toPlain } from '../../templates/format/toPlain.js';
export { toWiki } from './format/toWiki.js';
export type { AdfDoc };

/**
 * ADF for Cloud. The 32,767 limit (JRACLOUD-68949) is applied to the serialized document:
 * Atlassian does not say whether it counts text or stored JSON, so take the safe side
 * (inference; the simulator enforces the same reading).
 */
export function toAdf(rich: RichText, limit?: number): AdfDoc {
  return adfOf(rich, limit, { countJson: true });
}

/**
 * `toAdf(rich, limit)` given `toPlain(rich)`, which the caller already made (to see
 * whether it is empty): rich text with links needs the segments, the rest is built from
 * the plain text.
 */
export function richToAdf(rich: RichText, plain: string, limit?: number): AdfDoc {
  if (rich.some((s) => s.href !== undefined)) return adfOf(rich, limit, { countJson: true });
  return adfOfPlain(plain, limit, { countJson: true });
}
