/**
 * npm run bench -- --detections N [--per-host M] [--json]
 *
 * Figures, not a test: runs the Qualys and Jira simulators in their own processes and
 * measures, in this process, (1) a bare streaming parse of the HLD pages, (2) the
 * pull+diff+plan of a dry run, (3) the real first cycle (Jira calls made vs the
 * minimum), (4) an immediate second, unchanged, full cycle (Jira writes must be 0),
 * and the peak RSS of this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../connector/config/loadConfig.js';
import { silentLogger } from '../../connector/log.js';
import { buildJob } from '../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { bareParse } from './bareParse.js';
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
    sink:
      type: jira
      url: ${jira.info.url}
      flavor: cloud
      email: ${jira.info.email}
      token: { env: VB_BENCH_JIRA_TOKEN }
`,
    'bench.yml',
    { sources: sourceFactories, sinks: sinkFactories },
  );
  const state = openStateBundle(config.stateDir);
  const rt = buildJob(config.jobs[0], silentLogger());
  const expected = hosts * perHost;
  log(`bench: ${expected.toLocaleString('en-US')} detections (${hosts} hosts x ${perHost})`);

  const bare = await bareParse(qualys.info.url, qualys.info, {
    action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '1', show_qds_factors: '1', show_tags: '1', show_asset_id: '1', show_results: '1', include_ignored: '1', truncation_limit: '1000',
  });
  log(`bare parse: ${bare.detections} detections in ${(bare.ms / 1000).toFixed(1)} s`);

  const timed = async (name: string, opts: { dryRun: boolean }) => {
    const t = performance.now();
    const report = await runCycle(rt, state, { dryRun: opts.dryRun });
    const ms = performance.now() - t;
    if (report.result === 'failed') throw new Error(`${name} failed: ${report.error}`);
    log(`${name}: ${report.counts.findings} findings in ${(ms / 1000).toFixed(1)} s (${report.writes} writes, ${report.reads} reads)`);
    return { report, ms };
  };
  const plan = await timed('pull+diff+plan (dry run)', { dryRun: true });
  const first = await timed('first cycle (creates)', { dryRun: false });
  // The second cycle re-pulls everything (cursor cleared), so "unchanged" is checked on every detection.
  state.cursors.clear('bench');
  const second = await timed('second cycle, nothing changed', { dryRun: false });

  const figures = {
    detections: expected,
    hosts,
    bareParse: { seconds: bare.ms / 1000, detectionsPerSecond: Math.round(bare.detections / (bare.ms / 1000)) },
    pullDiffPlan: { seconds: plan.ms / 1000, detectionsPerSecond: Math.round(plan.report.counts.findings / (plan.ms / 1000)) },
    ratioToBareParse: Math.round((plan.ms / bare.ms) * 100) / 100,
    firstCycle: summary(first.report, first.ms),
    secondCycleUnchanged: summary(second.report, second.ms),
    callsToMinimum: first.report.minimumWrites ? Math.round((first.report.writes / first.report.minimumWrites) * 100) / 100 : null,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } else {
    process.stdout.write(
      [
        `detections                     ${figures.detections.toLocaleString('en-US')} (${hosts.toLocaleString('en-US')} hosts)`,
        `bare streaming parse           ${figures.bareParse.detectionsPerSecond.toLocaleString('en-US')} detections/s (${figures.bareParse.seconds.toFixed(1)} s)`,
        `pull+diff+plan                 ${figures.pullDiffPlan.detectionsPerSecond.toLocaleString('en-US')} detections/s (${figures.pullDiffPlan.seconds.toFixed(1)} s)`,
        `ratio to bare parse            ${figures.ratioToBareParse}`,
        `first cycle                    ${figures.firstCycle.created} created in ${figures.firstCycle.seconds.toFixed(1)} s`,
        `Jira writes / minimum          ${figures.firstCycle.writes} / ${figures.firstCycle.minimumWrites} = ${figures.callsToMinimum} (reads: ${figures.firstCycle.reads})`,
        `second cycle, unchanged        ${figures.secondCycleUnchanged.writes} Jira writes (${figures.secondCycleUnchanged.unchanged} unchanged, ${figures.secondCycleUnchanged.seconds.toFixed(1)} s)`,
        `peak RSS (this process)        ${figures.peakRssMb} MB`,
      ].join('\n') + '\n',
    );
  }
  state.close();
} finally {
  await Promise.all([qualys.stop(), jira.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

function summary(r: CycleReport, ms: number) {
  return { seconds: ms / 1000, created: r.counts.created, updated: r.counts.updated, unchanged: r.counts.unchanged, writes: r.writes, minimumWrites: r.minimumWrites, reads: r.reads };
}
