import type { Logger } from '../log.js';
import type { CycleProgress } from './runCycle.js';

/** How often the daemon logs a long cycle's progress unless `log.progressIntervalSeconds` says otherwise. */
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 30;

/** Phases that count findings (the others, `prepare` and `enrich`, have no rate). */
const COUNTING: ReadonlySet<CycleProgress['phase']> = new Set(['pull', 'plan', 'apply']);

/** One progress line: what a long cycle has done so far, its pace and, where the work's size is known, when it ends. */
export interface ProgressLine {
  job: string;
  phase: CycleProgress['phase'];
  /** The last page reported (the scanner's page label). */
  page?: string;
  /** Pages so far in this phase. */
  pages: number;
  /** Findings so far: pulled (pull), planned or applied (plan / apply). */
  findings: number;
  /** Findings per second in this phase. */
  perSecond?: number;
  /** When the size of the work is known: done so far, of `total`, in `unit` (Xray's pull: violations). */
  done?: number;
  total?: number;
  unit?: string;
  /** Seconds left at the current pace, when the total is known. */
  etaSeconds?: number;
  elapsedSeconds: number;
}

/**
 * Folds a cycle's progress reports (runCycle's `onProgress`) into progress lines, at most
 * one per interval: the caller logs or prints what `update` returns. The clock is
 * injected; nothing here starts a timer.
 */
export class ProgressTracker {
  private phase?: CycleProgress['phase'];
  private phaseStart = 0;
  private pages = 0;
  private lastPage?: string;
  private last?: CycleProgress;
  /** When the phase's total first showed, and how much was done then (the ETA's pace starts there). */
  private expectedSince?: { at: number; done: number };
  /** The phase's last known total: a report without one (the staging step's) keeps it. */
  private expected?: CycleProgress['expected'];
  private lastEmit: number;

  constructor(
    private readonly opts: {
      intervalMs: number;
      now?: () => number;
      /** Also emit on every change of phase (the CLI's lines; the daemon logs by interval only). */
      everyPhase?: boolean;
    },
  ) {
    this.lastEmit = this.now();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Takes one report; returns a line when one is due. */
  update(p: CycleProgress): ProgressLine | undefined {
    const now = this.now();
    const changed = p.phase !== this.phase;
    if (changed) {
      this.phase = p.phase;
      this.phaseStart = now;
      this.pages = 0;
      this.lastPage = undefined;
      this.expectedSince = undefined;
      this.expected = undefined;
    }
    if (p.page !== undefined && p.page !== this.lastPage) {
      this.pages++;
      this.lastPage = p.page;
    }
    if (p.expected) {
      this.expected = p.expected;
      this.expectedSince ??= { at: now, done: p.expected.done };
    }
    this.last = p;
    const due = this.opts.intervalMs > 0 && now - this.lastEmit >= this.opts.intervalMs;
    if (!due && !(changed && this.opts.everyPhase)) return undefined;
    this.lastEmit = now;
    return this.current();
  }

  /** The line for what was reported last (undefined before the first report). */
  current(): ProgressLine | undefined {
    const p = this.last;
    if (!p) return undefined;
    const now = this.now();
    const seconds = (now - this.phaseStart) / 1000;
    const line: ProgressLine = { job: p.job, phase: p.phase, ...(p.page ? { page: p.page } : {}), pages: this.pages, findings: p.findings, elapsedSeconds: round(seconds) };
    if (COUNTING.has(p.phase) && seconds > 0) line.perSecond = round(p.findings / seconds);
    const expected = this.expected;
    if (expected) {
      Object.assign(line, { done: expected.done, total: expected.total, unit: expected.unit });
      const since = this.expectedSince;
      const pace = since && now > since.at ? (expected.done - since.done) / ((now - since.at) / 1000) : 0;
      if (pace > 0) line.etaSeconds = Math.round(Math.max(0, expected.total - expected.done) / pace);
    }
    return line;
  }
}

/**
 * runCycle's `onProgress` for the daemon: one `progress` line at info every
 * `intervalSeconds` while a cycle runs long (none for a cycle shorter than that; 0: none).
 */
export function logProgress(log: Logger, intervalSeconds: number, now?: () => number): ((p: CycleProgress) => void) | undefined {
  if (!(intervalSeconds > 0)) return undefined;
  const tracker = new ProgressTracker({ intervalMs: intervalSeconds * 1000, ...(now ? { now } : {}) });
  return (p) => {
    const line = tracker.update(p);
    if (line) log.info('progress', { ...line });
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
