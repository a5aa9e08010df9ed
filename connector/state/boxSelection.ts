/** Which events (outbox) or payloads (inbox) an operator command names: ids, or a job's, or all; only in these states. */
export interface BoxSelection {
  ids?: readonly number[];
  job?: string;
  states: ReadonlyArray<'waiting' | 'set aside'>;
}

/** The WHERE terms (ANDed) and their arguments for a selection's ids and job over table alias `t`. */
export function selectionTerms(sel: BoxSelection, t: string): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (sel.ids) {
    where.push(`${t}.id IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(sel.ids));
  }
  if (sel.job !== undefined) {
    where.push(`${t}.job = ?`);
    args.push(sel.job);
  }
  return { where, args };
}
