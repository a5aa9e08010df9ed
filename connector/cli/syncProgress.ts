import cliProgress from 'cli-progress';
import { ProgressTracker, type ProgressLine } from '../pipeline/progressTracker.js';
import type { CycleProgress } from '../pipeline/runCycle.js';

/** Where `sync` shows progress (stderr): a bar on a terminal, plain lines otherwise. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** The part of a cli-progress bar we drive (tests may hand in their own). */
export interface ProgressBar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

export interface SyncProgress {
  onProgress(p: CycleProgress): void;
  /** Ends the bar (or nothing for lines): call before anything else is printed. */
  stop(): void;
}

/**
 * `sync`'s progress on `stream`: on a terminal a cli-progress bar per phase (findings,
 * rate and ETA against the total where one is known, a running count otherwise); else a
 * plain line at each phase and every `intervalSeconds` (0: none), so logs stay clean.
 */
export function syncProgress(opts: {
  stream: ProgressStream;
  intervalSeconds: number;
  now?: () => number;
  makeBar?: (format: string, stream: ProgressStream) => ProgressBar;
}): SyncProgress {
  if (opts.stream.isTTY !== true) return progressLines(opts.stream, opts.intervalSeconds, opts.now);
  const makeBar = opts.makeBar ?? cliBar;
  let tracker: ProgressTracker | undefined;
  let bar: { key: string; bar: ProgressBar } | undefined;
  const stop = () => {
    bar?.bar.stop();
    bar = undefined;
    tracker = undefined;
  };
  return {
    onProgress(p) {
      tracker ??= new ProgressTracker({ intervalMs: 0, ...(opts.now ? { now: opts.now } : {}) });
      tracker.update(p);
      const line = tracker.current() as ProgressLine;
      const known = line.total !== undefined;
      const key = `${line.job}|${line.phase}|${known}`;
      const payload = barPayload(line);
      if (bar?.key !== key) {
        bar?.bar.stop();
        bar = { key, bar: makeBar(known ? WITH_TOTAL : COUNTING, opts.stream) };
        bar.bar.start(line.total ?? 0, line.done ?? line.findings, payload);
      } else bar.bar.update(line.done ?? line.findings, payload);
    },
    stop,
  };
}

const WITH_TOTAL = '{job}: {phase} [{bar}] {percentage}% {value}/{total} {unit}{details}';
const COUNTING = '{line}';

/** The cursor stays visible: `sync` has no signal handler, so a Ctrl-C must not leave it hidden. */
function cliBar(format: string, stream: ProgressStream): ProgressBar {
  return new cliProgress.SingleBar({ format, stream, barsize: 24, clearOnComplete: false }, cliProgress.Presets.shades_classic);
}

/** What the bar's placeholders show (named apart from cli-progress' own `{eta}`, `{value}`…). */
function barPayload(l: ProgressLine): object {
  const details = [l.unit !== 'findings' ? `${count(l.findings)} findings` : '', pace(l), l.etaSeconds !== undefined ? `ETA ${duration(l.etaSeconds)}` : '']
    .filter(Boolean)
    .join(', ');
  return { job: l.job, phase: l.phase, unit: l.unit ?? '', details: details ? ` | ${details}` : '', line: describeProgress(l) };
}

function progressLines(stream: ProgressStream, intervalSeconds: number, now?: () => number): SyncProgress {
  let tracker: ProgressTracker | undefined;
  return {
    onProgress(p) {
      if (!(intervalSeconds > 0)) return;
      tracker ??= new ProgressTracker({ intervalMs: intervalSeconds * 1000, everyPhase: true, ...(now ? { now } : {}) });
      const line = tracker.update(p);
      if (line) stream.write(`${describeProgress(line)}\n`);
    },
    stop() {
      tracker = undefined;
    },
  };
}

/** One progress line in words: `vmdr: pull page 3: 3,100 findings, 100/s, 7,000 of 10,000 violations, ETA 30s`. */
export function describeProgress(l: ProgressLine): string {
  return `${l.job}: ${l.phase === 'prepare' ? '' : `${l.phase} `}${describeWork(l)}`;
}

function describeWork(l: ProgressLine): string {
  if (l.phase === 'prepare') return 'checking the ticketing system';
  const where = l.page ? `${l.page}: ` : '';
  // The work's size in findings (plan, apply) says it once; in another unit (Xray's violations) beside the findings.
  const parts =
    l.total !== undefined && l.unit === 'findings'
      ? [`${where}${count(l.done ?? 0)} of ${count(l.total)} findings`]
      : [`${where}${count(l.findings)} findings`, ...(l.total !== undefined ? [`${count(l.done ?? 0)} of ${count(l.total)} ${l.unit ?? ''}`.trimEnd()] : [])];
  parts.push(pace(l));
  if (l.etaSeconds !== undefined) parts.push(`ETA ${duration(l.etaSeconds)}`);
  return parts.filter(Boolean).join(', ');
}

/** Findings per second, once there is a pace to tell. */
function pace(l: ProgressLine): string {
  return l.perSecond !== undefined && l.findings > 0 ? `${count(l.perSecond)}/s` : '';
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `45s`, `3m05s`, `1h02m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
