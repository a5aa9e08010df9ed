import { readFileSync } from 'node:fs';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import type { State } from '../../connector/state/stateBundle.js';

export interface TimedCycle {
  report: CycleReport;
  ms: number;
  /** CPU time of this process (user + system) during the cycle. */
  cpuMs: number;
  /** Bytes this process caused to be written to storage during the cycle (/proc/self/io write_bytes; null where unknown). */
  bytesWritten: number | null;
  /** Of those, bytes of files truncated or deleted before they reached the disk (cancelled_write_bytes: the staging temp file). */
  bytesCancelled: number | null;
}

/**
 * Bytes this process has caused to be written to storage so far (Linux /proc/self/io
 * `write_bytes`) and, of those, the bytes of files truncated or deleted while still in
 * the page cache (`cancelled_write_bytes`); null elsewhere.
 */
export function storageBytes(): { written: number; cancelled: number } | null {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
    const written = field('write_bytes');
    return Number.isNaN(written) ? null : { written, cancelled: field('cancelled_write_bytes') || 0 };
  } catch {
    return null;
  }
}

/** Time, CPU and storage bytes of `work`, measured in this process. */
export async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number; bytesWritten: number | null; bytesCancelled: number | null }> {
  const bytes = storageBytes();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await work();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const after = storageBytes();
  const both = bytes !== null && after !== null;
  return {
    value,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    bytesWritten: both ? after.written - bytes.written : null,
    bytesCancelled: both ? after.cancelled - bytes.cancelled : null,
  };
}

/** One cycle, timed; a failed cycle ends the benchmark (its figures would mean nothing). */
export async function timedCycle(rt: JobRuntime, state: State, name: string, dryRun: boolean, log: (t: string) => void): Promise<TimedCycle> {
  const { value: report, ms, cpuMs, bytesWritten, bytesCancelled } = await measured(() => runCycle(rt, state, { dryRun }));
  if (report.result === 'failed') throw new Error(`${name} failed: ${report.error}`);
  log(
    `${name}: ${report.counts.findings} findings in ${(ms / 1000).toFixed(1)} s, CPU ${(cpuMs / 1000).toFixed(1)} s (${report.writes} writes, ${report.reads} reads), peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  return { report, ms, cpuMs, bytesWritten, bytesCancelled };
}

/** Bytes written per finding of a cycle, in KB (null where /proc/self/io is unavailable); `net`: less those cancelled before reaching the disk. */
export function kbPerFinding(c: TimedCycle, net = false): number | null {
  if (c.bytesWritten === null) return null;
  const bytes = net ? c.bytesWritten - (c.bytesCancelled ?? 0) : c.bytesWritten;
  return Math.round((bytes / Math.max(1, c.report.counts.findings) / 1024) * 100) / 100;
}

export function cycleFigures({ report: r, ms }: TimedCycle) {
  return { seconds: ms / 1000, created: r.counts.created, updated: r.counts.updated, unchanged: r.counts.unchanged, writes: r.writes, minimumWrites: r.minimumWrites, reads: r.reads };
}

/** Jira writes over the fewest that could do the same work (1 = optimal). */
export function callsToMinimum(r: CycleReport): number | null {
  return r.minimumWrites ? Math.round((r.writes / r.minimumWrites) * 100) / 100 : null;
}

type CycleFigures = ReturnType<typeof cycleFigures>;

/** The lines both benchmarks print for their first (creating) and second (unchanged) cycles. */
export function cycleLines(first: CycleFigures, second: CycleFigures, ratio: number | null): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `first cycle                    ${n(first.created)} created in ${first.seconds.toFixed(1)} s`,
    `Jira writes / minimum          ${n(first.writes)} / ${n(first.minimumWrites)} = ${ratio} (reads: ${first.reads})`,
    `second cycle, unchanged        ${second.writes} Jira writes (${n(second.unchanged)} unchanged, ${second.seconds.toFixed(1)} s)`,
  ];
}

/** Figures as JSON (--json) or as aligned lines, on stdout. */
export function printFigures(json: boolean, figures: object, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(figures, null, 2)}\n` : `${lines.join('\n')}\n`);
}

/** The `sink:` block of a bench job: the Jira Cloud simulator, its token from VB_BENCH_JIRA_TOKEN. */
export function jiraSinkYaml(jira: { url: string; email: string }): string {
  return ['    sink:', '      type: jira', `      url: ${jira.url}`, '      flavor: cloud', `      email: ${jira.email}`, '      token: { env: VB_BENCH_JIRA_TOKEN }', ''].join('\n');
}

/** The `source:` block of a Qualys VMDR bench job: its credentials from VB_BENCH_QUALYS_USER / VB_BENCH_QUALYS_PASS. */
export function qualysSourceYaml(url: string): string {
  return ['    source:', '      type: qualys-vmdr', `      url: ${url}`, '      username: { env: VB_BENCH_QUALYS_USER }', '      password: { env: VB_BENCH_QUALYS_PASS }', '      truncationLimit: 1000', ''].join('\n');
}

/** The `source:` block of an Xray bench job: the Xray simulator, its token from VB_BENCH_XRAY_TOKEN. */
export function xraySourceYaml(url: string, watches: readonly string[]): string {
  return ['    source:', '      type: jfrog-xray', `      url: ${url}`, '      token: { env: VB_BENCH_XRAY_TOKEN }', `      watches: ${JSON.stringify(watches)}`, '      pageSize: 500', ''].join('\n');
}
