/**
 * A JQL string literal. Every value is quoted so reserved words (`AND`, `EMPTY`, `order`)
 * and characters (`-`, `(`, `"`) in labels and keys are taken literally; inside quotes
 * JQL escapes `"` and `\` with a backslash and knows \n, \r, \t.
 */
export function jqlString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/** Issues of the project carrying any of the labels; ordered by key so paging is stable. */
export function labelsJql(project: string, labels: readonly string[]): string {
  return `project = ${jqlString(project)} AND labels in (${labels.map(jqlString).join(', ')}) ORDER BY key ASC`;
}
