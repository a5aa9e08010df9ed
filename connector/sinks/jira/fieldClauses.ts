import type { JqlFieldNames } from '../types.js';
import type { JiraField } from './wire.js';

/**
 * Custom fields by display name as JQL names them: `cf[10010]`, which stays right when a
 * field is renamed or another app adds one of the same name. A name no custom field has
 * is `missing`; a name several have is `ambiguous` (JQL by name would search them all).
 */
export function jqlFieldNames(fields: readonly JiraField[], names: readonly string[]): JqlFieldNames {
  const out: JqlFieldNames = { clauses: new Map(), missing: [], ambiguous: [] };
  for (const name of names) {
    const named = fields.filter((f) => f.custom && f.name === name);
    if (named.length === 0) out.missing.push(name);
    else if (named.length > 1) out.ambiguous.push(name);
    else out.clauses.set(name, `cf[${(named[0] as JiraField).id.replace(/^customfield_/, '')}]`);
  }
  return out;
}
