const RESERVED = /^(and|or|not|in|is|was|changed|empty|null|order|by|asc|desc)$/i;
const KEYWORDS = /\b(and|or|not|in|is|empty|null|order\s+by|asc|desc)\b/gi;

/**
 * JQL as Jira stores it, for comparing ours with a saved filter's: Jira rewrites the JQL it
 * saves (it drops quotes a plain word does not need, and spacing), so a raw comparison
 * would report drift on every run (api-notes/jira-reporting-sla-bulk.md Takeaway 5).
 * Quoted text is kept as is; outside it keywords are upper-cased and spacing made single.
 */
export function normalizeJql(jql: string): string {
  const parts = jql.split(/("(?:[^"\\]|\\.)*")/);
  return parts
    .map((p, i) => {
      if (i % 2 === 1) {
        const inner = p.slice(1, -1);
        return /^[A-Za-z][A-Za-z0-9_]*$/.test(inner) && !RESERVED.test(inner) ? inner : p;
      }
      return p
        .replace(/\s+/g, ' ')
        .replace(/\s*,\s*/g, ', ')
        .replace(/\(\s*/g, '(')
        .replace(/\s*\)/g, ')')
        .replace(KEYWORDS, (k) => k.toUpperCase().replace(/\s+/g, ' '));
    })
    .join('')
    .trim();
}
