import { TemplateError } from '../errors.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { State } from '../state/stateBundle.js';
import type { StagedFinding } from '../state/staging.js';
import { decideOperation } from '../templates/render.js';
import { buildContext } from './buildContext.js';
import type { CycleCounts } from './cycleCounts.js';
import type { JobRuntime } from './jobRuntime.js';
import type { StepListener } from './planStep.js';

/** Route each finding of a page: the lanes it goes to, by key; unmatched findings are counted (and shown in a dry run). */
export function routePage(
  rt: JobRuntime,
  page: readonly StagedFinding[],
  lookups: LookupCache,
  counts: CycleCounts,
  onStep: StepListener,
  dryRun: boolean,
): Map<string, ReadonlySet<string>> {
  const { lanes } = rt;
  const router = lanes.router as NonNullable<typeof lanes.router>;
  const out = new Map<string, ReadonlySet<string>>();
  for (const f of page) {
    const match = router.route(buildContext(f, lookups, rt.config.project));
    if (!match) counts.unrouted++;
    out.set(f.key, match ? lanes.lanesOf(match) : new Set());
    if (dryRun) onStep({ op: 'route', findingKey: f.key, ...(match ? { rule: match.rule, actions: lanes.describe(match) } : { actions: [] }) });
  }
  return out;
}

/** No Jira lane records the job's findings (routes send them to incident tools only): record them here. */
export function recordFindings(rt: JobRuntime, state: State, page: readonly StagedFinding[], lookups: LookupCache, keepData: boolean, now: () => Date): void {
  const rows = [];
  for (const f of page) {
    try {
      const d = decideOperation(rt.scheme, buildContext(f, lookups, rt.config.project), f.ignored);
      rows.push({ fkey: f.key, parentKey: f.parentKey, status: d.key, operation: d.op, ...(keepData ? { finding: f } : {}) });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
    }
  }
  state.findings.record(rt.config.name, rows, now());
}
