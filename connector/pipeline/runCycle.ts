import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, VulnbridgeError } from '../errors.js';
import type { TemplateContext } from '../model/finding.js';
import type { PullResult } from '../sources/types.js';
import { LookupCache } from '../state/lookupCache.js';
import { openState } from '../state/openState.js';
import type { State } from '../state/stateBundle.js';
import { Staging } from '../state/staging.js';
import { OverlayTickets, TicketStore } from '../state/ticketStore.js';
import { zeroCounts, type CycleCounts } from './cycleCounts.js';
import type { JobRuntime } from './jobRuntime.js';
import { jobLabel } from './markers.js';
import type { StepListener } from './planStep.js';
import { DryRunIo, SinkIo, type TicketIo } from './ticketIo.js';
import { TicketWork } from './ticketWork.js';

/**
 * Findings planned together: enough for full bulk-create batches, few enough that the
 * rendered tickets of one page stay a small part of the memory budget.
 */
const PAGE_SIZE = 500;

export interface CycleProgress {
  job: string;
  phase: 'pull' | 'enrich' | 'prepare' | 'tickets';
  page?: string;
  findings: number;
}

export interface CycleOptions {
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

  // A dry run stages and caches in a scratch database and never writes the state.
  const scratchDir = dryRun ? mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-dry-run-')) : undefined;
  const scratch = scratchDir ? openState(scratchDir) : undefined;
  const runId = dryRun ? undefined : state.runs.start(job, started);
  const staging = new Staging(scratch ?? state.db, runId ?? 0, rt.scheme.kind === 'linked' ? 'parent' : 'lookup');
  const lookups = dryRun ? new LookupCache(state.db, scratch) : state.lookups;
  const io: TicketIo = dryRun ? new DryRunIo() : new SinkIo(rt.sink);

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
      minimumWrites: minimumWrites(counts),
      reads: calls.reads - callsBefore.reads,
      startedAt: started.toISOString(),
      durationMs: now().getTime() - started.getTime(),
    };
  };

  try {
    // Check the sink first: wrong credentials or an unknown project should not cost a
    // full scanner pull before they are reported.
    progress({ phase: 'prepare', findings: 0 });
    if (!rt.prepared) {
      await rt.sink.prepare({ project: rt.config.project, schemes: [rt.scheme], signal });
      rt.prepared = true;
    }

    const nextCursors = await pull(rt, state, staging, counts, signal, started, progress);
    const hadPending = !dryRun && state.pending.any(job);
    if (hadPending) staging.addPending(job);

    progress({ phase: 'enrich', findings: staging.count });
    await enrich(rt, staging, lookups, signal, started);

    const work = new TicketWork({
      job,
      project: rt.config.project,
      scheme: rt.scheme,
      sink: rt.sink,
      io,
      tickets: scratch ? new OverlayTickets(state.tickets, new TicketStore(scratch)) : state.tickets,
      lookups,
      findingLog: dryRun ? undefined : state.findings,
      pending: dryRun ? undefined : state.pending,
      hadPending,
      counts,
      log: rt.log,
      onStep: opts.onStep ?? (() => {}),
    });
    for (const page of staging.pages(PAGE_SIZE)) {
      signal.throwIfAborted();
      await work.applyPage(page);
      progress({ phase: 'tickets', findings: counts.findings });
    }
    await work.finish();

    const result = counts.failed > 0 ? 'partial' : 'ok';
    if (!dryRun) {
      state.cursors.set(job, nextCursors, now());
      staging.clear();
      state.runs.finish(runId as number, result, { ...counts }, undefined, now());
    }
    return finish(result);
  } catch (err) {
    const message = describeError(err);
    rt.log.error('cycle failed; the cursor stays where it was and the next cycle retries', { error: message });
    if (!dryRun) {
      staging.clear();
      state.runs.finish(runId as number, 'failed', { ...counts }, message, now());
    }
    if (err instanceof VulnbridgeError && err.code === 'ABORTED' && timeout.aborted) {
      return finish('failed', `run exceeded timeoutMinutes (${rt.config.timeoutMinutes})`);
    }
    return finish('failed', message);
  } finally {
    scratch?.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** The fewest Jira writes that do a cycle's work: bulk creates of 50, one call per other change. */
export function minimumWrites(c: CycleCounts): number {
  return Math.ceil(c.created / 50) + c.updated + c.commented + c.transitioned + c.linked + c.unlinked;
}

async function pull(
  rt: JobRuntime,
  state: State,
  staging: Staging,
  counts: CycleCounts,
  signal: AbortSignal,
  started: Date,
  progress: (p: Omit<CycleProgress, 'job'>) => void,
): Promise<Record<string, string>> {
  const gen = rt.source.pull({
    cursors: state.cursors.get(rt.config.name),
    cycleStartedAt: started,
    signal,
    log: rt.log,
    progress: (e) => progress({ phase: 'pull', page: e.page, findings: e.totalFindings }),
  });
  for (;;) {
    signal.throwIfAborted();
    const next = await gen.next();
    if (next.done) return (next.value as PullResult).nextCursors;
    const page = next.value;
    staging.add(page.findings);
    for (const r of page.rejected ?? []) {
      counts.rejected++;
      rt.log.warn('skipped a malformed record from the scanner', { page: page.label, reason: r.reason, host: rt.source.host });
    }
    progress({ phase: 'pull', page: page.label, findings: staging.count });
  }
}

async function enrich(rt: JobRuntime, staging: Staging, lookups: LookupCache, signal: AbortSignal, started: Date): Promise<void> {
  const wanted = new Map<string, string[]>();
  for (const [ns, set] of staging.lookupIds) {
    const stale = lookups.stale(ns, set, rt.source.lookupTtlSec[ns] ?? 0, started.getTime());
    if (stale.length) wanted.set(ns, stale);
  }
  if (wanted.size === 0) return;
  let buffer: Array<{ ns: string; id: string; data: TemplateContext }> = [];
  const flush = () => {
    lookups.putMany(buffer);
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
}
