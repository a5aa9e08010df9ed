/**
 * npm run bench -- --detections N [--per-host M] [--json]
 *
 * Figures, not a test: runs the Qualys and Jira simulators in their own processes and
 * measures, in this process, (1) a bare streaming parse of the HLD pages (the faster of
 * two runs), (2) the pull+diff+plan of a dry run, (3) the real first cycle (Jira calls
 * made vs the minimum), (4) an immediate second, unchanged, full cycle (Jira writes must be 0),
 * then the same unchanged cycle once more (the steady state of a daemon that keeps running),
 * and the peak RSS of this process. Each cycle's rate is set beside the bare parse of
 * the same run (the machine's speed cancels out), with its CPU seconds and the bytes it
 * wrote to storage (/proc/self/io). (5) The lost-database check's `tickets.hasKey`: 50
 * calls against a state holding 400,000 tickets.
 *
 * VB_BENCH_PROFILE=dry|first|unchanged (or a list: dry,first) records a V8 CPU profile
 * of each named cycle (node:inspector, in this process) and prints its path on stderr;
 * `node --import tsx tests/bench/profileTop.ts <file> [--callees NAME]` summarises it
 * (self time by function, inclusive time of the connector's functions, and where the
 * time under NAME goes). Profiling slows the profiled cycle, so its figures are not
 * comparable with an unprofiled run. With VB_BENCH_ALLOC=1 as
 * well, a sampling allocation profile of the same cycle (.heapprofile, summarised by
 * tests/bench/allocTop.ts): where the garbage collector's work comes from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../connector/config/loadConfig.js';
import { silentLogger } from '../../connector/log.js';
import { buildJob } from '../../connector/pipeline/jobRuntime.js';
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { openState } from '../../connector/state/openState.js';
import { TicketStore } from '../../connector/state/ticketStore.js';
import { bareParse } from './bareParse.js';
import { callsToMinimum, cycleFigures, cycleLines, jiraSinkYaml, kbPerFinding, measured, printFigures, timedCycle } from './benchKit.js';
import { profiled } from './profileCycle.js';
import { spawnSim } from './spawnSim.js';

const { values } = parseArgs({
  options: {
    detections: { type: 'string', default: '100000' },
    'per-host': { type: 'string', default: '10' },
    template: { type: 'string', default: 'templates/vmdr-per-detection.json' },
    json: { type: 'boolean', default: false },
  },
});
const perHost = Number(values['per-host']);
const hosts = Math.max(1, Math.round(Number(values.detections) / perHost));
const log = (t: string) => {
  if (!values.json) process.stderr.write(`${t}\n`);
};

const qualys = await spawnSim<{ url: string; username: string; password: string }>('tests/sim/qualys/main.ts', [
  '--hosts', String(hosts), '--detections-per-host', String(perHost), '--rate-limit', '100000000',
]);
const jira = await spawnSim<{ url: string; email: string; token: string }>('tests/sim/jira/main.ts', ['--flavor', 'cloud'], 16384);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-bench-'));
try {
  process.env.VB_BENCH_QUALYS_USER = qualys.info.username;
  process.env.VB_BENCH_QUALYS_PASS = qualys.info.password;
  process.env.VB_BENCH_JIRA_TOKEN = jira.info.token;
  const config = parseConfig(
    `stateDir: ${JSON.stringify(dir)}
jobs:
  - name: bench
    schedule: "0 * * * *"
    template: ${JSON.stringify(path.resolve(values.template))}
    project: VULN
    source:
      type: qualys-vmdr
      url: ${qualys.info.url}
      username: { env: VB_BENCH_QUALYS_USER }
      password: { env: VB_BENCH_QUALYS_PASS }
      truncationLimit: 1000
${jiraSinkYaml(jira.info)}`,
    'bench.yml',
    { sources: sourceFactories, sinks: sinkFactories },
  );
  const state = openStateBundle(config.stateDir);
  const rt = buildJob(config.jobs[0], silentLogger());
  const expected = hosts * perHost;
  log(`bench: ${expected.toLocaleString('en-US')} detections (${hosts} hosts x ${perHost})`);

  // The faster of two runs: the first also warms up saxes and the simulator, which the
  // cycles measured later do not pay for. The floor, not a cold run, is what they are set beside.
  const bareRun = () =>
    measured(() =>
      bareParse(qualys.info.url, qualys.info, {
        action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '1', show_qds_factors: '1', show_tags: '1', show_asset_id: '1', show_results: '1', include_ignored: '1', truncation_limit: '1000',
      }),
    );
  const bareRuns = [await bareRun(), await bareRun()];
  const { value: bare, cpuMs: bareCpuMs } = bareRuns[0]!.value.ms <= bareRuns[1]!.value.ms ? bareRuns[0]! : bareRuns[1]!;
  log(`bare parse: ${bare.detections} detections in ${bareRuns.map((r) => (r.value.ms / 1000).toFixed(1)).join(' s and ')} s (the faster is the floor)`);

  const plan = await profiled('dry', () => timedCycle(rt, state, 'pull+diff+plan (dry run)', true, log));
  const first = await profiled('first', () => timedCycle(rt, state, 'first cycle (creates)', false, log));
  // The simulator draws QIDs from 40,000: nearly one KnowledgeBase entry per detection, all new in the first cycle.
  const lookupKb = (state.db.prepare(`SELECT coalesce(sum(length(data)), 0) FROM lookups`).pluck().get() as number) / expected / 1024;
  // The second cycle re-pulls everything (cursor cleared), so "unchanged" is checked on every detection.
  state.cursors.clear('bench');
  const second = await profiled('unchanged', () => timedCycle(rt, state, 'second cycle, nothing changed', false, log));
  // And once more: the daemon's steady state, its code warm and the first cycle's garbage collected (the target is the one above).
  state.cursors.clear('bench');
  const third = await timedCycle(rt, state, 'third cycle, nothing changed', false, log);
  // The cycles' peak, before the hasKey measurement's own 400,000-ticket database.
  const cyclesPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const hasKey = hasKeyTiming(path.join(dir, 'haskey'), 400_000, 50);
  log(`tickets.hasKey: 50 calls at 400,000 tickets in ${hasKey.ms.toFixed(1)} ms`);

  const rate = (c: { ms: number; report: { counts: { findings: number } } }) => Math.round(c.report.counts.findings / (c.ms / 1000));
  const ratio = (ms: number) => Math.round((ms / bare.ms) * 100) / 100;
  // CPU seconds of this process against the bare parse's: what a machine shared with other work does not blur.
  const cpuRatio = (cpuMs: number) => Math.round((cpuMs / bareCpuMs) * 100) / 100;
  const figures = {
    detections: expected,
    hosts,
    bareParse: { seconds: bare.ms / 1000, detectionsPerSecond: Math.round(bare.detections / (bare.ms / 1000)), cpuSeconds: bareCpuMs / 1000 },
    pullDiffPlan: { seconds: plan.ms / 1000, detectionsPerSecond: rate(plan), cpuSeconds: plan.cpuMs / 1000 },
    ratioToBareParse: ratio(plan.ms),
    cpuRatioToBareParse: cpuRatio(plan.cpuMs),
    firstCycle: { ...cycleFigures(first), cpuSeconds: first.cpuMs / 1000 },
    firstCpuToDryRunCpu: Math.round((first.cpuMs / plan.cpuMs) * 100) / 100,
    // What creating one ticket costs beyond planning it: the figure a per-ticket ceiling would be set on.
    firstCpuPerCreateBeyondDryRunUs: first.report.counts.created ? Math.round(((first.cpuMs - plan.cpuMs) * 1000) / first.report.counts.created) : null,
    secondCycleUnchanged: { ...cycleFigures(second), detectionsPerSecond: rate(second), cpuSeconds: second.cpuMs / 1000 },
    unchangedRatioToBareParse: ratio(second.ms),
    thirdCycleUnchanged: { seconds: third.ms / 1000, writes: third.report.writes, cpuSeconds: third.cpuMs / 1000, ratioToBareParse: ratio(third.ms), cpuRatioToBareParse: cpuRatio(third.cpuMs) },
    unchangedCpuRatioToBareParse: cpuRatio(second.cpuMs),
    kbWrittenPerDetection: { dryRun: kbPerFinding(plan), firstCycle: kbPerFinding(first), unchangedCycle: kbPerFinding(second) },
    kbWrittenPerDetectionNet: { dryRun: kbPerFinding(plan, true), firstCycle: kbPerFinding(first, true), unchangedCycle: kbPerFinding(second, true) },
    lookupKbPerDetection: Math.round(lookupKb * 100) / 100,
    callsToMinimum: callsToMinimum(first.report),
    hasKey50CallsAt400kTicketsMs: Math.round(hasKey.ms * 100) / 100,
    cyclesPeakRssMb,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const n = (x: number) => x.toLocaleString('en-US');
  const kb = (x: number | null) => (x === null ? 'n/a' : `${x} KB`);
  printFigures(values.json, figures, [
    `detections                     ${n(figures.detections)} (${n(hosts)} hosts)`,
    `bare streaming parse           ${n(figures.bareParse.detectionsPerSecond)} detections/s, faster of 2 runs (${figures.bareParse.seconds.toFixed(1)} s, CPU ${figures.bareParse.cpuSeconds.toFixed(1)} s)`,
    `pull+diff+plan                 ${n(figures.pullDiffPlan.detectionsPerSecond)} detections/s (${figures.pullDiffPlan.seconds.toFixed(1)} s, CPU ${figures.pullDiffPlan.cpuSeconds.toFixed(1)} s)`,
    `ratio to bare parse            ${figures.ratioToBareParse}, CPU ${figures.cpuRatioToBareParse} (target <= 4)`,
    ...cycleLines(figures.firstCycle, figures.secondCycleUnchanged, figures.callsToMinimum),
    `unchanged cycle                ${n(figures.secondCycleUnchanged.detectionsPerSecond)} detections/s, ratio to bare parse ${figures.unchangedRatioToBareParse}, CPU ${figures.unchangedCpuRatioToBareParse} (target <= 1.5)`,
    `  once more (steady state)     ${figures.thirdCycleUnchanged.seconds.toFixed(1)} s, ratio ${figures.thirdCycleUnchanged.ratioToBareParse}, CPU ${figures.thirdCycleUnchanged.cpuRatioToBareParse}, ${n(figures.thirdCycleUnchanged.writes)} Jira writes`,
    `CPU first cycle / dry run      ${figures.firstCycle.cpuSeconds.toFixed(1)} s / ${figures.pullDiffPlan.cpuSeconds.toFixed(1)} s = ${figures.firstCpuToDryRunCpu} (target <= 1.5)`,
    `  per created ticket           ${figures.firstCpuPerCreateBeyondDryRunUs ?? 'n/a'} us of CPU beyond the dry run's`,
    `written per detection          dry run ${kb(figures.kbWrittenPerDetection.dryRun)}, first cycle ${kb(figures.kbWrittenPerDetection.firstCycle)} (target <= 10), unchanged ${kb(figures.kbWrittenPerDetection.unchangedCycle)} (target <= 2)`,
    `  less cancelled (never on disk) dry run ${kb(figures.kbWrittenPerDetectionNet.dryRun)}, first cycle ${kb(figures.kbWrittenPerDetectionNet.firstCycle)}, unchanged ${kb(figures.kbWrittenPerDetectionNet.unchangedCycle)}`,
    `lookup data per detection      ${figures.lookupKbPerDetection} KB (KB entries and host scores the first cycle stores, before WAL and checkpoint)`,
    `tickets.hasKey                 50 calls at 400,000 tickets: ${figures.hasKey50CallsAt400kTicketsMs} ms`,
    `peak RSS (this process)        ${figures.cyclesPeakRssMb} MB through the cycles, ${figures.peakRssMb} MB with the hasKey measurement`,
  ]);
  state.close();
} finally {
  await Promise.all([qualys.stop(), jira.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The lost-database check asks `tickets.hasKey` for the 50 newest marked issues: time
 * those calls against a state of `tickets` tickets (ten jobs' worth, so the job column
 * alone is a poor filter), for keys the state holds and keys it does not.
 */
function hasKeyTiming(stateDir: string, tickets: number, calls: number): { ms: number } {
  const db = openState(stateDir);
  try {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO tickets (job, pk, role, primary_key, marker, state, jira_key, jira_id, field_hashes, labels, finding_key, created_at, updated_at)
       SELECT 'job' || (i % 10), 'single:' || i, 'single', 'k' || i, 'vb-' || i, 'open', 'VULN-' || i, i, '{}', '[]', 'f' || i, '', '' FROM n`,
    ).run(tickets);
    const store = new TicketStore(db);
    const t = performance.now();
    for (let k = 0; k < calls; k++) store.hasKey('job3', `VULN-${k % 2 ? tickets + k : 3 + 10 * k}`);
    return { ms: performance.now() - t };
  } finally {
    db.close();
  }
}
