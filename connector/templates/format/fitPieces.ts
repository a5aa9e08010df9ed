/** One indivisible piece of formatted output (a character, an escape sequence, a URL, a macro tag). */
export interface Piece {
  out: string;
  /** Characters of the unformatted text this piece stands for (what the omission note counts). */
  src: number;
  /** Text that closes a construct still open after this piece (e.g. `\n{noformat}`), if we cut here. */
  close?: string;
}

/**
 * Join pieces, cutting at a piece boundary when the result would exceed `limit`
 * characters (UTF-16 units, as Jira counts). A cut never splits an escape sequence or a
 * surrogate pair, closes what is still open, and ends with `note(omitted)`.
 */
export function fitPieces(pieces: readonly Piece[], limit: number, note: (omitted: number) => string): string {
  let total = 0;
  let srcTotal = 0;
  for (const p of pieces) {
    total += p.out.length;
    srcTotal += p.src;
  }
  if (total <= limit) return pieces.map((p) => p.out).join('');
  // The note for the largest possible count is at least as long as the real one.
  const budget = limit - note(srcTotal).length;
  if (budget < 0) return note(srcTotal).slice(0, Math.max(0, limit));
  const kept: string[] = [];
  let used = 0;
  let srcKept = 0;
  let close = '';
  for (const p of pieces) {
    const pieceClose = p.close ?? '';
    if (used + p.out.length + pieceClose.length > budget) break;
    kept.push(p.out);
    used += p.out.length;
    srcKept += p.src;
    close = pieceClose;
  }
  return kept.join('') + close + note(srcTotal - srcKept);
}

/** Split text into code points so a cut never separates a surrogate pair. */
export function charPieces(text: string, close?: string): Piece[] {
  const out: Piece[] = [];
  for (const ch of text) out.push(close ? { out: ch, src: ch.length, close } : { out: ch, src: ch.length });
  return out;
}

export function truncationNote(omitted: number): string {
  return `[truncated by vulnbridge: ${omitted} characters omitted]`;
}
