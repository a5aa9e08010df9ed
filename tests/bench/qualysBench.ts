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
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { bareParse } from './bareParse.js';
import { callsToMinimum, cycleFigures, cycleLines, jiraSinkYaml, printFigures, timedCycle } from './benchKit.js';
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

  const bare = await bareParse(qualys.info.url, qualys.info, {
    action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '1', show_qds_factors: '1', show_tags: '1', show_asset_id: '1', show_results: '1', include_ignored: '1', truncation_limit: '1000',
  });
  log(`bare parse: ${bare.detections} detections in ${(bare.ms / 1000).toFixed(1)} s`);


  const plan = await timedCycle(rt, state, 'pull+diff+plan (dry run)', true, log);
  const first = await timedCycle(rt, state, 'first cycle (creates)', false, log);
  // The second cycle re-pulls everything (cursor cleared), so "unchanged" is checked on every detection.
  state.cursors.clear('bench');
  const second = await timedCycle(rt, state, 'second cycle, nothing changed', false, log);

  const figures = {
    detections: expected,
    hosts,
    bareParse: { seconds: bare.ms / 1000, detectionsPerSecond: Math.round(bare.detections / (bare.ms / 1000)) },
    pullDiffPlan: { seconds: plan.ms / 1000, detectionsPerSecond: Math.round(plan.report.counts.findings / (plan.ms / 1000)) },
    ratioToBareParse: Math.round((plan.ms / bare.ms) * 100) / 100,
    firstCycle: cycleFigures(first),
    secondCycleUnchanged: cycleFigures(second),
    callsToMinimum: callsToMinimum(first.report),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  printFigures(values.json, figures, [
    `detections                     ${figures.detections.toLocaleString('en-US')} (${hosts.toLocaleString('en-US')} hosts)`,
    `bare streaming parse           ${figures.bareParse.detectionsPerSecond.toLocaleString('en-US')} detections/s (${figures.bareParse.seconds.toFixed(1)} s)`,
    `pull+diff+plan                 ${figures.pullDiffPlan.detectionsPerSecond.toLocaleString('en-US')} detections/s (${figures.pullDiffPlan.seconds.toFixed(1)} s)`,
    `ratio to bare parse            ${figures.ratioToBareParse}`,
    ...cycleLines(figures.firstCycle, figures.secondCycleUnchanged, figures.callsToMinimum),
    `peak RSS (this process)        ${figures.peakRssMb} MB`,
  ]);
  state.close();
} finally {
  await Promise.all([qualys.stop(), jira.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
