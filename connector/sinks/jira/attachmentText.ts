/** Jira's attachment limit is set per site (often 10 MB on Cloud); we send far less by default. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 1024 * 1024;

/**
 * The attachment's bytes, at most `maxBytes` (UTF-8). A longer text is cut at a character
 * boundary and ends with a note saying how much was left out, so a reader of the ticket
 * knows the file is incomplete.
 */
export function capAttachment(text: string, maxBytes: number): Buffer {
  const full = Buffer.from(text, 'utf8');
  if (full.length <= maxBytes) return full;
  const note = (kept: number) => Buffer.from(`\n\n[vulnbridge: cut to ${kept} of ${full.length} bytes; the scanner holds the full result]\n`, 'utf8');
  // The note's own length depends on the kept count's digits: size it for the largest.
  let keep = Math.max(0, maxBytes - note(maxBytes).length);
  // Do not cut a multi-byte character in half: back up to the start of one.
  while (keep > 0 && ((full[keep] as number) & 0xc0) === 0x80) keep--;
  return Buffer.concat([full.subarray(0, keep), note(keep)]);
}
