import { hash } from 'node:crypto';
import type { LookupCache } from '../state/lookupCache.js';
import type { State } from '../state/stateBundle.js';
import type { DigestCheck } from '../state/staging.js';
import type { JiraLane } from './lanes.js';
import type { JobRuntime } from './jobRuntime.js';

/**
 * Bump when the planner or the renderer would make a different ticket from the same
 * inputs (a new field, another label rule): every digest recorded before no longer
 * matches, and the next cycle plans every finding once. 2: a digest is recorded with the
 * finding's head (a finding passed over as it is pulled may have to be staged from it).
 */
export const DIGEST_FORMAT = 2;

/**
 * Whether a cycle may pass over unchanged findings by their digest: real (not dry)
 * cycles of flat schemes whose findings go to Jira lanes only. Linked schemes settle a
 * parent from all its children; incident lanes keep their own state; sources that
 * resolve by absence or take pushes keep each finding's last data and sighting.
 */
export function digestsApply(rt: JobRuntime, dryRun: boolean, keepData: boolean): boolean {
  const { jira, incidents } = rt.lanes;
  return !dryRun && !keepData && incidents.length === 0 && jira.length > 0 && jira.every((l) => l.scheme.kind !== 'linked');
}

/**
 * What decides that a finding's tickets are unchanged, before anything of it is built:
 *
 * - its own digest (identity, status, ignored, data, the lookups it names: staging);
 * - the version (a digest of the stored entry) of each lookup it names: its KnowledgeBase
 *   entry, its host's TruRisk scores;
 * - per lane, everything else a ticket can change with: the template (the whole loaded
 *   scheme), the SLA policy and the KEV catalog it reads, the routing rules, the job's
 *   project, source and sink config, the fields the sink lacks, and DIGEST_FORMAT.
 *
 * Time is not in it: SLA breaches of tickets no planned finding touched are the SLA
 * sweep's, every cycle.
 */
export function digestCheck(rt: JobRuntime, state: State, lookups: LookupCache): DigestCheck {
  // Read as the findings are checked (bounded), not a map of every entry they name (one per host).
  const version = lookups.versionReader();
  const kev = rt.lanes.jira.some((l) => l.sla) ? state.kev.version() : '';
  return {
    laneJobs: rt.lanes.jira.map((l) => l.ticketJob),
    laneParts: rt.lanes.jira.map((l) => lanePart(rt, l, kev)),
    digestOf: (own, refs) => {
      let out = own;
      for (const r of refs) out += `.${version(r.ns, r.id)}`;
      return out;
    },
    version,
  };
}

function lanePart(rt: JobRuntime, lane: JiraLane, kev: string): string {
  const c = rt.config;
  const inputs = {
    format: DIGEST_FORMAT,
    job: { name: c.name, project: c.project, templatePath: c.templatePath, routes: c.routes, sla: c.sla, kev: c.kev },
    source: { type: rt.source.type, config: c.source?.config },
    sink: c.sink?.config,
    lane: { id: lane.id, ticketJob: lane.ticketJob, project: lane.project, scheme: lane.scheme, sla: lane.sla },
    kev: lane.sla ? kev : '',
    skippedFields: rt.sink.skippedFields?.(lane.project) ?? [],
  };
  return hash('sha1', canonical(inputs), 'base64').slice(0, 16);
}

/** JSON of config values, with the shapes JSON drops (maps, sets, patterns) spelled out. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Map) return { map: [...v] };
    if (v instanceof Set) return { set: [...v] };
    if (v instanceof RegExp) return { re: String(v) };
    if (typeof v === 'function') return { fn: v.name };
    if (typeof v === 'bigint') return String(v);
    return v;
  });
}
