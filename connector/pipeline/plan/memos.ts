/*
 * Keys of a ticket's fieldHashes that are our memos, not Jira fields: never diffed or
 * cleared. They ride along in the same row so a ticket's whole memory is one write.
 */
export const MEMO = '@';
export const ATTACHMENT_MEMO = '@attachment';
export const KEEP_MEMO = '@keep';
/**
 * A status move sent (or about to be) but not yet recorded: its target. A crash between the
 * transition and our record of it leaves it, and the next cycle looks before moving again.
 */
export const MOVING_MEMO = '@moving';

export function memosOf(hashes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(hashes).filter(([k]) => k.startsWith(MEMO)));
}

export function withMemo(hashes: Readonly<Record<string, string>>, key: string, value: string | undefined): Record<string, string> {
  const out = { ...hashes };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}
