/**
 * Qualys WAS and Container Security part of `npm run bench` (run on its own: node
 * --import tsx tests/bench/wasCsBench.ts [--was-findings N] [--cs-images N]
 * [--cs-vulns V] [--cs-containers-per-image C] [--json]).
 *
 * Figures, not a test: the WAS, CS and Jira simulators run in their own processes; this
 * process measures, per job (WAS findings, CS images with linked tickets, CS containers
 * with sub-tasks): (1) pull+plan of a dry run (records/s), (2) the first cycle's Jira
 * writes against the minimum, (3) an unchanged full second cycle (writes must be 0), and
 * its own peak RSS.
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
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { callsToMinimum, cycleFigures, cycleLines, jiraSinkYaml, printFigures, timedCycle } from './benchKit.js';
import { spawnSim } from './spawnSim.js';

const { values } = parseArgs({
  options: {
    'was-findings': { type: 'string', default: '20000' },
    'was-web-apps': { type: 'string', default: '20' },
    'cs-images': { type: 'string', default: '2000' },
    'cs-vulns': { type: 'string', default: '4' },
    'cs-containers-per-image': { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const webApps = Math.max(1, Number(values['was-web-apps']));
const perApp = Math.max(1, Math.round(Number(values['was-findings']) / webApps));
const images = Math.max(1, Number(values['cs-images']));
const csVulns = Math.max(1, Number(values['cs-vulns']));
const containersPerImage = Math.max(0, Number(values['cs-containers-per-image']));
const log = (t: string) => {
  if (!values.json) process.stderr.write(`${t}\n`);
};
const n = (x: number) => x.toLocaleString('en-US');

type SimInfo = { url: string; username: string; password: string };
const was = await spawnSim<SimInfo>('tests/sim/qualys-was/main.ts', ['--web-apps', String(webApps), '--findings-per-app', String(perApp)]);
const cs = await spawnSim<SimInfo>('tests/sim/qualys-cs/main.ts', [
  '--images', String(images), '--containers-per-image', String(containersPerImage), '--vulns-per-object', String(csVulns),
]);
const jira = await spawnSim<{ url: string; email: string; token: string }>('tests/sim/jira/main.ts', ['--flavor', 'cloud'], 8192);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-wascs-bench-'));
try {
  process.env.VB_BENCH_WAS_USER = was.info.username;
  process.env.VB_BENCH_WAS_PASS = was.info.password;
  process.env.VB_BENCH_CS_USER = cs.info.username;
  process.env.VB_BENCH_CS_PASS = cs.info.password;
  process.env.VB_BENCH_JIRA_TOKEN = jira.info.token;
  const template = (name: string) => JSON.stringify(path.resolve('templates', name));
  const csSource = (objects: string) =>
    ['    source:', '      type: qualys-cs', `      gateway: ${cs.info.url}`, '      username: { env: VB_BENCH_CS_USER }', '      password: { env: VB_BENCH_CS_PASS }', `      objects: ${objects}`, ''].join('\n');
  const config = parseConfig(
    `stateDir: ${JSON.stringify(dir)}
jobs:
  - name: was-bench
    schedule: "0 * * * *"
    template: ${template('was-per-finding.json')}
    project: VULN
    source:
      type: qualys-was
      url: ${was.info.url}
      username: { env: VB_BENCH_WAS_USER }
      password: { env: VB_BENCH_WAS_PASS }
      pageSize: 1000
${jiraSinkYaml(jira.info)}  - name: cs-images-bench
    schedule: "0 * * * *"
    template: ${template('cs-image-linking.json')}
    project: OPS
${csSource('images')}${jiraSinkYaml(jira.info)}  - name: cs-containers-bench
    schedule: "0 * * * *"
    template: ${template('cs-container-subtasks.json')}
    project: OPS
${csSource('containers')}${jiraSinkYaml(jira.info)}`,
    'bench.yml',
    { sources: sourceFactories, sinks: sinkFactories },
  );
  const state = openStateBundle(config.stateDir);
  const job = (name: string) => {
    const c = config.jobs.find((j) => j.name === name);
    if (!c) throw new Error(`no job ${name}`);
    return buildJob(c, silentLogger());
  };

  log(`WAS: ${n(webApps * perApp)} findings (${webApps} web apps x ${perApp}); CS: ${n(images)} images x ${csVulns} vulns, ${n(images * containersPerImage)} containers`);
  const wasRun = await measure(job('was-bench'), state, 'WAS', webApps * perApp);
  const imageRun = await measure(job('cs-images-bench'), state, 'CS images', images);
  const containerRun = containersPerImage > 0 ? await measure(job('cs-containers-bench'), state, 'CS containers', images * containersPerImage) : undefined;

  const figures = {
    was: wasRun.figures,
    csImages: imageRun.figures,
    ...(containerRun ? { csContainers: containerRun.figures } : {}),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  printFigures(values.json, figures, [
    ...wasRun.lines,
    ...imageRun.lines,
    ...(containerRun?.lines ?? []),
    `peak RSS (this process)        ${figures.peakRssMb} MB`,
  ]);
  state.close();
} finally {
  await Promise.all([was.stop(), cs.stop(), jira.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Dry run, first cycle, then a full unchanged second cycle of one job. `records` is what
 * the scanner lists (WAS findings, CS objects); findings are what reach the pipeline
 * (WAS: one per finding; CS: one per object x open vulnerability).
 */
async function measure(rt: ReturnType<typeof buildJob>, state: State, label: string, records: number) {
  const plan = await timedCycle(rt, state, `${label}: pull+plan (dry run)`, true, log);
  const first = await timedCycle(rt, state, `${label}: first cycle (creates)`, false, log);
  // WAS pulls incrementally: without its cursor the second cycle checks every finding again.
  state.cursors.clear(rt.config.name);
  const second = await timedCycle(rt, state, `${label}: second cycle, full pull, nothing changed`, false, log);
  const findings = plan.report.counts.findings;
  const figures = {
    records,
    findings,
    pullPlan: { seconds: plan.ms / 1000, recordsPerSecond: Math.round(records / (plan.ms / 1000)), findingsPerSecond: Math.round(findings / (plan.ms / 1000)) },
    firstCycle: cycleFigures(first),
    callsToMinimum: callsToMinimum(first.report),
    secondCycleUnchanged: cycleFigures(second),
  };
  const lines = [
    `== ${label}`,
    `records                        ${n(records)} (${n(findings)} findings)`,
    `pull+plan                      ${n(figures.pullPlan.recordsPerSecond)} records/s, ${n(figures.pullPlan.findingsPerSecond)} findings/s (${figures.pullPlan.seconds.toFixed(1)} s)`,
    ...cycleLines(figures.firstCycle, figures.secondCycleUnchanged, figures.callsToMinimum),
  ];
  return { figures, lines };
}
