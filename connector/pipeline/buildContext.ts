import type { Finding, TemplateContext } from '../model/finding.js';
import type { LookupCache } from '../state/lookupCache.js';

/**
 * The template context of a finding: its own data, the lookups it names merged in
 * (KB under `VULN`, host scores at the top level), and the job's `PROJECT_KEY`.
 * The finding's own values win over a lookup's.
 */
export function buildContext(f: Finding, lookups: LookupCache, projectKey: string): TemplateContext {
  // A key loop, not a spread: V8 turns a spread of a JSON.parse'd object into a slow
  // dictionary-mode object, and this runs once per finding.
  const ctx: TemplateContext = {};
  for (const k in f.data) ctx[k] = f.data[k];
  for (const ref of f.lookups ?? []) {
    const data = lookups.get(ref.ns, ref.id) ?? {};
    if (ref.into) {
      ctx[ref.into] = data;
    } else {
      for (const [k, v] of Object.entries(data)) if (!(k in ctx)) ctx[k] = v;
    }
  }
  ctx.PROJECT_KEY = projectKey;
  return ctx;
}
