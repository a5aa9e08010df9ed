/** Xray CVSS strings are `<score>/<vector>`: `7.5/CVSS:3.1/AV:N/...`, `5.0/AV:N/AC:L/...` (§1.3). */
export interface Cvss {
  score: number;
  vector: string;
}

function parseCvss(text: string): Cvss | undefined {
  const slash = text.indexOf('/');
  const scoreText = (slash >= 0 ? text.slice(0, slash) : text).trim();
  if (scoreText === '') return undefined;
  const score = Number(scoreText);
  if (!Number.isFinite(score)) return undefined;
  return { score, vector: slash >= 0 ? text.slice(slash + 1).trim() : '' };
}

/** The highest score among the CVEs, with that CVE's vector. */
export function highestCvss(values: readonly string[]): Cvss | undefined {
  let best: Cvss | undefined;
  for (const v of values) {
    const c = parseCvss(v);
    if (c && (!best || c.score > best.score)) best = c;
  }
  return best;
}
