import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, VulnbridgeError } from '../errors.js';
import { isCancelled, rateLimitedUntil } from '../http/failurePolicy.js';
import type { PullExpected, PullResult } from '../sources/types.js';
import { LookupCache } from '../state/lookupCache.js';
import type { RateLimitHold } from '../state/rateLimits.js';
import { openState } from '../state/openState.js';
import type { State } from '../state/stateBundle.js';
import { FindingDigests } from '../state/findingDigests.js';
import { Staging, type CheckedPage, type StagedFinding } from '../state/staging.js';
import { digestCheck, digestsApply } from './findingDigest.js';
import { IncidentWork } from './incidentWork.js';
import { COUNT_COLUMNS, zeroCounts, type CycleCounts } from './cycleCounts.js';
import { prepareJob, type JobRuntime } from './jobRuntime.js';
import { jobLabel } from './markers.js';
import type { StepListener } from './planStep.js';
import { reconcileDue, reconcileTickets } from './reconcileTickets.js';
import { recordFindings, routePage } from './routeFindings.js';
import { enrich, intakePushed, pull, resolveGone } from './stageFindings.js';
import { TicketLane } from './ticketLane.js';
import { refreshKev } from './kevCatalog.js';
import { sweepSla } from './slaSweep.js';
import type { LaneSla } from '../templates/sla/laneSla.js';

/**
 * Findings planned together: enough for full bulk-create batches, few enough that the
 * rendered tickets of one page stay a small part of the memory budget.
 */
const PAGE_SIZE = 500;

export interface CycleProgress {
  job: string;
  /** `plan`: a dry run's pages; `apply`: pages planned and applied. */
  phase: 'prepare' | 'pull' | 'enrich' | 'plan' | 'apply';
  page?: string;
  findings: number;
  /** The size of the work, when known: the scanner's total (pull), the staged findings (plan, apply). */
  expected?: PullExpected;
}

export interface CycleOptions {
  /**
   * `pull` (the schedule): pull from the scanner, plus any pushed payloads waiting.
   * `push` (a webhook arrived): only the pushed payloads waiting; cursors stay.
   */
  mode?: 'pull' | 'push';
  dryRun?: boolean;
  signal?: AbortSignal;
  onStep?: StepListener;
  onProgress?: (p: CycleProgress) => void;
  now?: () => Date;
}

export interface CycleReport {
  job: string;
  runId?: number;
  dryRun: boolean;
  result: 'ok' | 'partial' | 'failed';
  counts: CycleCounts;
  error?: string;
  /** The failure's stable code (errors.ts), e.g. AUTH_FAILED for a vendor's 401/403: what metrics count failures by. */
  errorCode?: string;
  jql: string;
  searchUrl: string;
  /** Jira write calls made and the fewest that could have done the same work. */
  writes: number;
  minimumWrites: number;
  reads: number;
  startedAt: string;
  durationMs: number;
}

/**
 * One cycle of a job: pull everything into staging (nothing is applied unless the pull
 * completes), enrich through the lookup cache, check the sink, then plan and apply page
 * by page. The cursor moves only when the cycle completes; Jira rejections of single
 * tickets are recorded and retried next cycle without holding the cursor back.
 */
export async function runCycle(rt: JobRuntime, state: State, opts: CycleOptions = {}): Promise<CycleReport> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const dryRun = opts.dryRun ?? false;
  const job = rt.config.name;
  const counts = zeroCounts();
  const timeout = AbortSignal.timeout(rt.config.timeoutMinutes * 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const progress = (p: Omit<CycleProgress, 'job'>) => opts.onProgress?.({ job, ...p });
  const callsBefore = rt.sink.calls();

  // A dry run caches lookups in a scratch database and never writes the state (staging is a TEMP table).
  const scratchDir = dryRun ? mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-dry-run-')) : undefined;
  const scratch = scratchDir ? openState(scratchDir, 'dry-run.db', { scratch: true }) : undefined;
  const runId = dryRun ? undefined : state.runs.start(job, started);
  const mode = opts.mode ?? 'pull';
  // Sources that resolve by absence or take pushes keep each finding's scope and data.
  const keepData = !!(rt.source.resolvesByAbsence || rt.source.webhook);
  // Unchanged findings are passed over by their digest before anything of them is built (findingDigest.ts).
  const useDigests = digestsApply(rt, dryRun, keepData);
  // Planned in parent order, a page's new tickets, finding-log and digest rows have neighbouring keys:
  // each transaction writes a few pages of each index, not one page per row. A dry run writes
  // nothing, and plans in lookup order (each KB entry parsed once, not once per host).
  const order = rt.scheme.kind === 'linked' || useDigests ? 'parent' : 'lookup';
  const staging = new Staging(scratch ?? state.db, runId ?? 0, order, keepData, useDigests && rt.lanes.jira.map((l) => l.ticketJob));
  const lookups = dryRun ? new LookupCache(state.db, scratch) : state.lookups;

  const finish = (result: CycleReport['result'], error?: string): CycleReport => {
    const calls = rt.sink.calls();
    const jql = `project = "${rt.config.project}" AND labels = "${jobLabel(job)}" ORDER BY updated DESC`;
    return {
      job,
      runId,
      dryRun,
      result,
      counts,
      error,
      jql,
      searchUrl: rt.sink.searchUrl(jql),
      writes: calls.writes - callsBefore.writes,
      minimumWrites: minimumWrites(counts, rt.sink.createBatchLimit),
      reads: calls.reads - callsBefore.reads,
      startedAt: started.toISOString(),
      durationMs: now().getTime() - started.getTime(),
    };
  };

  // The scanner's failure whose rate limit (if any) is recorded: only its calls, not Jira's.
  let sourceFailure: unknown;
  const fromSource = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (err) {
      sourceFailure = err;
      throw err;
    }
  };

  try {
    // The scanner said when it allows the next call: no pull before then (it would only be refused again).
    const hold = mode === 'pull' ? state.rateLimits.active(job, started) : undefined;
    if (hold) {
      const message = holdMessage(hold);
      rt.log.warn('cycle skipped: the scanner rate-limited this job', { host: hold.host, until: hold.until });
      if (!dryRun) state.runs.finish(runId as number, 'failed', { ...counts }, message, now());
      return finish('failed', message);
    }

    // Check the sink first: wrong credentials or an unknown project should not cost a
    // full scanner pull before they are reported.
    progress({ phase: 'prepare', findings: 0 });
    if (!rt.prepared) await prepareJob(rt, signal);
    warnSkippedFields(rt);

    if (mode === 'pull' && !dryRun && reconcileDue(state, job, rt.config.reconcileHours, started)) {
      await reconcileTickets({ job, lanes: rt.lanes.jira, sink: rt.sink, state, log: rt.log, onStep: opts.onStep ?? (() => {}), signal, now: started });
    }
    // Before the pull: the KEV catalog is part of what a finding's tickets depend on, and
    // findings are passed over by their digest as they are pulled.
    if (rt.config.kev && !dryRun) await refreshKev(rt.config.kev, state.kev, rt.log, started, signal);
    if (useDigests) staging.passOver(digestCheck(rt, state, lookups));
    const pulled: PullResult =
      mode === 'pull' ? await fromSource(pull(rt, state, staging, counts, signal, started, progress)) : { nextCursors: state.cursors.get(job) };
    const inboxIds = rt.source.webhook ? await intakePushed(rt, state, staging, counts, signal, mode) : [];
    if (mode === 'pull' && rt.source.resolvesByAbsence) resolveGone(rt, state, staging, pulled.completeScopes ?? [], rt.source.resolvesByAbsence.status, started);
    const hadPending = !dryRun && state.pending.any(job);
    if (hadPending) staging.addPending(job);

    progress({ phase: 'enrich', findings: staging.count });
    const changed = await fromSource(enrich(rt, staging, lookups, signal, started));
    // Findings passed over by the versions stored before the enrichment, that name an entry it changed.
    const restaged = staging.restagePassed(changed);
    if (restaged > 0) rt.log.debug('findings passed over while pulling are planned after all: an entry they name changed', { findings: restaged });
    // Nothing is staged after this and nothing else asks which entries the findings name (one per host).
    staging.forgetLookupIds();

    const onStep = opts.onStep ?? (() => {});
    const { lanes } = rt;
    const check = useDigests ? digestCheck(rt, state, lookups) : undefined;
    const digests = check ? new FindingDigests(state.db) : undefined;
    const slaOf = (lane: (typeof lanes.jira)[number]): LaneSla | undefined =>
      lane.sla ? { policy: lane.sla, kevOf: (cve) => state.kev.get(cve), now: started } : undefined;
    // Which lanes each finding goes to (routing rules), by finding key: the sets are shared per rule.
    const routedTo = new Map<string, ReadonlySet<string>>();
    const routedHere = (laneId: string) => (lanes.router ? (f: StagedFinding) => routedTo.get(f.key)?.has(laneId) ?? false : undefined);
    const laneCounts = lanes.jira.map(() => zeroCounts());
    const pendingKeys = hadPending ? new Set(state.pending.list(job).map((p) => p.fkey)) : undefined;
    const works = lanes.jira.map(
      (lane, n) =>
        new TicketLane({
          job: lane.ticketJob,
          project: lane.project,
          scheme: lane.scheme,
          sink: rt.sink,
          tickets: state.tickets,
          lookups,
          // One lane keeps the job's finding log (and retries): the findings are the same in every lane.
          findingLog: dryRun || n > 0 ? undefined : state.findings,
          pending: dryRun ? undefined : state.pending,
          ...(dryRun ? {} : { bulkTasks: state.bulkTasks }),
          hadPending,
          counts: laneCounts[n] as CycleCounts,
          log: rt.log,
          onStep,
          keepData,
          now,
          dryRun,
          signal,
          ...(pendingKeys ? { pendingKeys } : {}),
          ...(routedHere(lane.id) ? { routedHere: routedHere(lane.id) } : {}),
          ...(rt.source.resolvesByAbsence ? { goneStatus: rt.source.resolvesByAbsence.status } : {}),
          ...(slaOf(lane) ? { sla: slaOf(lane) } : {}),
          ...(digests && check ? { digests: { store: digests, lanePart: check.laneParts[n] as string } } : {}),
        }),
    );
    const incidentWorks = lanes.incidents.map(
      (lane) =>
        new IncidentWork({
          job,
          project: rt.config.project,
          lane,
          scheme: rt.scheme,
          lookups,
          outbox: state.outbox,
          counts,
          onStep,
          dryRun,
          now,
          ticketOf: (fkey) => {
            const key = state.tickets.jiraKeyOfFinding(job, fkey);
            return key ? { key, url: rt.sink.issueUrl(key) } : undefined;
          },
        }),
    );
    const pages = check ? staging.checkedPages(PAGE_SIZE, check) : allPages(staging);
    for (const { findings: page, unchanged } of pages) {
      signal.throwIfAborted();
      if (page.length > 0) {
        if (lanes.router) for (const [k, v] of routePage(rt, page, lookups, counts, onStep, dryRun)) routedTo.set(k, v);
        for (const w of works) await w.page(page);
        if (works.length === 0 && !dryRun) recordFindings(rt, state, page, lookups, keepData, now);
      }
      for (const c of laneCounts) c.unchanged += unchanged;
      counts.findings += page.length + unchanged;
      progress({ phase: dryRun ? 'plan' : 'apply', findings: counts.findings, expected: { done: counts.findings, total: staging.count, unit: 'findings' } });
    }
    for (const c of laneCounts) c.unchanged += staging.passedOver;
    counts.findings += staging.passedOver;
    for (const w of works) await w.finish();
    // Breaches and re-dating of the tickets no finding of this cycle touched (no re-pull).
    if (!dryRun) {
      for (const [n, lane] of lanes.jira.entries()) {
        const sla = slaOf(lane);
        if (sla) await sweepSla({ lane, sla, sink: rt.sink, tickets: state.tickets, counts: laneCounts[n] as CycleCounts, log: rt.log, onStep, signal, bulkTasks: state.bulkTasks });
      }
    }
    // The groups of findings (a host's detections) whose digests this cycle recorded: the next passes over each whole.
    if (check) staging.recordGroups(check);
    for (const c of laneCounts) addCounts(counts, c);
    // Alerts after tickets: an alert links to the ticket this cycle created for its finding.
    if (incidentWorks.length) {
      for (const page of staging.pages(PAGE_SIZE)) {
        signal.throwIfAborted();
        for (const w of incidentWorks) w.applyPage(page, routedHere(w.laneId));
      }
      for (const w of incidentWorks) w.finish();
    }

    const result = counts.failed > 0 ? 'partial' : 'ok';
    if (!dryRun) {
      if (mode === 'pull') {
        state.cursors.set(job, pulled.nextCursors, now());
        state.rateLimits.clear(job);
      }
      state.inbox.done(inboxIds);
      staging.clear();
      state.runs.finish(runId as number, result, { ...counts }, undefined, now());
    }
    return finish(result);
  } catch (err) {
    let message = describeError(err);
    // A wait longer than the retries honour: the pulls wait until the scanner allows the next call.
    const until = err === sourceFailure ? rateLimitedUntil(err, now()) : undefined;
    if (until) {
      const hold = { until: until.toISOString(), vendor: rt.source.vendor ?? rt.source.host, host: rt.source.host, error: message };
      if (!dryRun) state.rateLimits.set(job, hold, now());
      message = `${message}; ${holdMessage(hold)}`;
    }
    rt.log.error('cycle failed; the cursor stays where it was and the next cycle retries', {
      error: message,
      ...(err instanceof VulnbridgeError ? { code: err.code } : {}),
    });
    if (!dryRun) {
      staging.clear();
      state.runs.finish(runId as number, 'failed', { ...counts }, message, now());
    }
    if (isCancelled(err) && timeout.aborted) {
      return finish('failed', `run exceeded timeoutMinutes (${rt.config.timeoutMinutes})`);
    }
    const code = err instanceof VulnbridgeError ? { errorCode: err.code } : {};
    return { ...finish('failed', message), ...code };
  } finally {
    staging.clear();
    scratch?.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Every staged finding, page by page, none passed over. */
function* allPages(staging: Staging): Generator<CheckedPage> {
  for (const findings of staging.pages(PAGE_SIZE)) yield { findings, unchanged: 0 };
}

/** What a cycle says while the scanner's rate limit holds: `Qualys allows the next call at T (rate limit); …`. */
export function holdMessage(hold: Pick<RateLimitHold, 'vendor' | 'until'>): string {
  return `${hold.vendor} allows the next call at ${hold.until} (rate limit); this job's pulls wait until then`;
}

/** The fewest sink writes that do a cycle's work: full bulk creates, one call per other change. */
export function minimumWrites(c: CycleCounts, createBatchLimit: number): number {
  return Math.ceil(c.created / createBatchLimit) + c.updated + c.attached + c.commented + c.transitioned + c.linked + c.unlinked;
}

function addCounts(into: CycleCounts, from: CycleCounts): void {
  for (const k of COUNT_COLUMNS) if (k !== 'findings') into[k] += from[k];
}

/** Once per cycle, not per ticket: template fields the sink lacks and leaves out (`vulnbridge setup` creates them). */
function warnSkippedFields(rt: JobRuntime): void {
  const projects = new Set([rt.config.project, ...rt.lanes.jira.map((l) => l.project)]);
  for (const project of projects) {
    const fields = rt.sink.skippedFields?.(project) ?? [];
    if (fields.length) rt.log.warn('template custom fields Jira lacks are left out of the tickets; `vulnbridge setup --apply` creates them', { project, fields });
  }
}
