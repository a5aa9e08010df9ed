import type { Finding, TemplateContext, TemplateValue } from '../model/finding.js';
import type { LookupCache } from '../state/lookupCache.js';

/**
 * The template context of a finding: its own data, the lookups it names merged in
 * (KB under `VULN`, host scores at the top level), and the job's `PROJECT_KEY`.
 * The finding's own values win over a lookup's, also inside `into` (a finding's
 * `VULN.CVSS_V3_BASE` over the KB entry's); empty own values do not hide the lookup's.
 */
export function buildContext(f: Finding, lookups: LookupCache, projectKey: string): TemplateContext {
  // A key loop, not a spread: V8 turns a spread of a JSON.parse'd object into a slow
  // dictionary-mode object, and this runs once per finding.
  const ctx: TemplateContext = {};
  for (const k in f.data) ctx[k] = f.data[k];
  for (const ref of f.lookups ?? []) {
    const data = lookups.get(ref.ns, ref.id) ?? {};
    if (ref.into) {
      // The finding's own values under the same name (WAS: its cvssV3) win over the lookup's.
      const own = f.data[ref.into];
      ctx[ref.into] = isObject(own) ? overlay(data, own) : data;
    } else {
      for (const k in data) if (!(k in ctx)) ctx[k] = data[k] as TemplateValue;
    }
  }
  ctx.PROJECT_KEY = projectKey;
  return ctx;
}

function isObject(v: TemplateValue | undefined): v is { [key: string]: TemplateValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function overlay(under: TemplateContext, over: TemplateContext): TemplateContext {
  const out: TemplateContext = {};
  for (const k in under) out[k] = under[k];
  for (const k in over) {
    const v = over[k];
    if (v !== null && v !== '') out[k] = v;
  }
  return out;
}
