import { describeError } from '../errors.js';
import { isFatalForOptionalWork } from '../http/failurePolicy.js';
import type { Finding, FindingGroup, FindingGroupSpan, FindingHead, TemplateContext, TemplateValue } from '../model/finding.js';
import type { PullExpected, PullResult, Source } from '../sources/types.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { State } from '../state/stateBundle.js';
import type { Staging } from '../state/staging.js';
import type { CycleCounts } from './cycleCounts.js';
import type { JobRuntime } from './jobRuntime.js';

/*
 * The cycle's first half: everything the scanner gives (a pull, pushed payloads, the
 * findings a complete listing no longer holds) goes into staging, then the lookups they
 * need are fetched. Nothing is applied until all of it succeeded.
 */

export type PullProgress = (p: { phase: 'pull'; page?: string; findings: number; expected?: PullExpected }) => void;

export async function pull(
  rt: JobRuntime,
  state: State,
  staging: Staging,
  counts: CycleCounts,
  signal: AbortSignal,
  started: Date,
  progress: PullProgress,
): Promise<PullResult> {
  const gen = rt.source.pull({
    cursors: state.cursors.get(rt.config.name),
    cycleStartedAt: started,
    signal,
    log: rt.log,
    progress: (e) => progress({ phase: 'pull', page: e.page, findings: e.totalFindings, ...(e.expected ? { expected: e.expected } : {}) }),
    // A finding whose source digest every lane recorded is staged from its head alone.
    ...(staging.takesKnown && !rt.source.pullLacks?.length
      ? {
          known: (heads: readonly FindingHead[], groups?: readonly FindingGroupSpan[]) => staging.addKnown(heads, groups),
          knownGroups: (groups: readonly FindingGroup[]) => staging.passGroups(groups),
        }
      : {}),
  });
  for (;;) {
    signal.throwIfAborted();
    const next = await gen.next();
    if (next.done) {
      staging.flushKnown();
      return next.value as PullResult;
    }
    const page = next.value;
    staging.add(completeFromLast(state, rt.config.name, page.findings, rt.source));
    for (const r of page.rejected ?? []) {
      counts.rejected++;
      rt.log.warn('skipped a malformed record from the scanner', { page: page.label, reason: r.reason, host: rt.source.host });
    }
    counts.skipped += page.skipped?.length ?? 0;
    progress({ phase: 'pull', page: page.label, findings: staging.count });
  }
}


/**
 * Stage the findings of pushed payloads (webhooks) waiting for this job, newest payload
 * first so the freshest copy of a finding wins; a copy this cycle's pull already staged
 * wins over all. A payload that cannot be read is counted as a failed attempt and set
 * aside after a few; the others go on. Returns the ids to drop once the cycle succeeds.
 */
export async function intakePushed(
  rt: JobRuntime,
  state: State,
  staging: Staging,
  counts: CycleCounts,
  signal: AbortSignal,
  mode: 'pull' | 'push',
): Promise<number[]> {
  const intake = rt.source.webhook as NonNullable<typeof rt.source.webhook>;
  const job = rt.config.name;
  const rows = state.inbox.waiting(job).reverse();
  const ids: number[] = [];
  for (const row of rows) {
    signal.throwIfAborted();
    let page;
    try {
      page = await intake.findings(JSON.parse(row.body) as unknown, { signal, log: rt.log });
    } catch (err) {
      if (isFatalForOptionalWork(err)) throw err;
      const message = describeError(err);
      rt.log.warn('a stored webhook payload could not be read; it is tried again next cycle', { inboxId: row.id, payload: row.description, error: message });
      state.inbox.failed([row.id], message);
      counts.rejected++;
      continue;
    }
    for (const r of page.rejected ?? []) {
      counts.rejected++;
      rt.log.warn('skipped a malformed record in a webhook payload', { inboxId: row.id, reason: r.reason });
    }
    staging.addUnstaged(completeFromLast(state, job, page.findings, rt.source));
    ids.push(row.id);
  }
  if (rows.length) rt.log.info('webhook payloads taken into the cycle', { payloads: ids.length, mode });
  return ids;
}

/**
 * Fields a finding's path does not carry keep their last known values (from whichever
 * path brought them) rather than being cleared: every empty field of a `partial` (pushed)
 * finding and its `pushLacks` fields, the empty `pullLacks` fields of any other. Without this a push and the next pull
 * overwrite each other, each round a ticket edit and an incident re-trigger.
 */
export function completeFromLast(
  state: State,
  job: string,
  findings: readonly Finding[],
  { pullLacks = [], pushLacks = [] }: Pick<Source, 'pullLacks' | 'pushLacks'>,
): Finding[] {
  const lacking = (f: Finding) => f.partial || pullLacks.some((k) => isEmptyValue(f.data[k] ?? null));
  const needing = findings.filter(lacking);
  if (needing.length === 0) return [...findings];
  const last = state.findings.lastData(job, needing.map((f) => f.key));
  return findings.map((f) => {
    const known = lacking(f) ? last.get(f.key) : undefined;
    if (!known) return f;
    if (f.partial) {
      const data: TemplateContext = { ...known };
      for (const [k, v] of Object.entries(f.data)) if (!isEmptyValue(v) && !(pushLacks.includes(k) && !isEmptyValue(known[k] ?? null))) data[k] = v;
      return { ...f, data };
    }
    const data: TemplateContext = { ...f.data };
    for (const k of pullLacks) if (isEmptyValue(data[k] ?? null) && k in known) data[k] = known[k] as TemplateValue;
    return { ...f, data };
  });
}

function isEmptyValue(v: TemplateValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}


/**
 * A complete listing of a scope (an Xray watch) no longer holds findings it held
 * before: they are gone, and go through the template as `goneStatus` (closing their
 * tickets). Only scopes the source listed completely, only findings last seen before
 * this cycle began (a finding pushed meanwhile is not "gone").
 */
export function resolveGone(rt: JobRuntime, state: State, staging: Staging, scopes: readonly string[], goneStatus: string, started: Date): void {
  for (const scope of scopes) {
    const n = staging.addUnstaged(state.findings.lastSeenBefore(rt.config.name, scope, started, goneStatus));
    if (n > 0) rt.log.info('findings no longer listed by the scanner: resolving them', { scope, findings: n, status: goneStatus });
  }
}


/** Fetches the stale lookups the staged (and passed-over) findings name; returns the entries it changed (`ns US id`). */
export async function enrich(rt: JobRuntime, staging: Staging, lookups: LookupCache, signal: AbortSignal, started: Date): Promise<Set<string>> {
  const wanted = new Map<string, string[]>();
  const changed = new Set<string>();
  for (const [ns, set] of staging.lookupIds) {
    const stale = lookups.stale(ns, set, rt.source.lookupTtlSec[ns] ?? 0, started.getTime());
    if (stale.length) wanted.set(ns, stale);
  }
  if (wanted.size === 0) return changed;
  let buffer: Array<{ ns: string; id: string; data: TemplateContext }> = [];
  // Which entries changed matters only to findings passed over as they were pulled.
  const changes = staging.passedOver > 0;
  const flush = () => {
    // Fetched at the cycle's time, which the next cycle's staleness is measured from (the same clock).
    for (const c of lookups.putMany(buffer, started.getTime(), changes)) changed.add(c);
    buffer = [];
  };
  try {
    await rt.source.enrich({
      signal,
      log: rt.log,
      wanted,
      put: (ns, id, data) => {
        buffer.push({ ns, id, data });
        if (buffer.length >= 500) flush();
      },
    });
  } finally {
    flush();
  }
  return changed;
}
