/**
 * Names close to `name` among `candidates`, best first, for "did you mean" hints: Jira
 * field and status names differ from templates in case, spacing and punctuation
 * (`Image SHA:` vs `Image SHA`).
 */
export function closeMatches(name: string, candidates: Iterable<string>, max = 3): string[] {
  const want = normalize(name);
  if (!want) return [];
  const scored: Array<{ c: string; d: number }> = [];
  for (const c of new Set(candidates)) {
    const have = normalize(c);
    if (!have) continue;
    const d = have === want ? 0 : contains(have, want) ? 1 : distance(want, have) + 1;
    if (d <= Math.max(3, Math.floor(want.length / 4))) scored.push({ c, d });
  }
  return scored
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((s) => s.c);
}

/** One name inside the other, where the shorter is not a mere fragment (`os` in `hostid`). */
function contains(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length * 2 >= long.length && long.includes(short);
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Levenshtein distance (two rows). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
