import { linkAsText } from '../../model/richValue.js';
import type { RichSegment } from '../types.js';
import { cleanText } from './cleanText.js';

const LINK_SCHEME = /^(?:https?:\/\/|mailto:)/i;
/** Whitespace and controls: a URL with them was mangled on its way, and they break wiki links. */
const BAD_URL_CHAR = /[\s\u0000-\u001F\u007F]/;

/**
 * The URL of a link segment if it may become a link in Jira: http, https and mailto
 * only, so a `javascript:`, `data:` or `file:` URL in scanner text can never be clicked
 * (it stays inert text). http(s) URLs must parse and name a host.
 */
export function safeHref(href: string | undefined): string | undefined {
  if (href === undefined) return undefined;
  const url = href.trim();
  if (!LINK_SCHEME.test(url) || BAD_URL_CHAR.test(url)) return undefined;
  if (/^mailto:/i.test(url)) return url.length > 'mailto:'.length ? url : undefined;
  try {
    return new URL(url).host ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A segment's text as plain text: a link as `text [url]` (model/richValue.ts), like the source's plain text. */
export function segmentPlainText(seg: RichSegment): string {
  return seg.href === undefined ? seg.text : linkAsText(seg.text, seg.href);
}

/** A link segment whose URL may become a link, cleaned: `{text, href}`; undefined for anything else. */
export function linkOf(seg: RichSegment): { text: string; href: string } | undefined {
  const href = safeHref(seg.href);
  if (href === undefined) return undefined;
  return { text: cleanText(seg.text), href };
}
