/**
 * npm run bench -- --only bulk [--closes N] [--sla-tickets M] [--json]
 *
 * Figures, not a test: Jira calls for mass changes on Jira Cloud, with the global Bulk
 * Change permission (bulk transition / bulk edit tasks, polled on bulk/queue) and without
 * it (one call per ticket). Two scenarios, each run on a fresh state and simulator per
 * permission:
 *   closes: N tickets whose detections Qualys turned Fixed (default 10,000);
 *   SLA:    M open tickets passing their due date with no scanner change (default 5,000).
 * The Qualys simulator runs in this process (the bench turns detections Fixed in its
 * data), the Jira simulator in its own. Use small counts in development
 * (`--closes 500 --sla-tickets 300`).
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
import { generateVmdrData, qualysTime, type QualysSimData } from '../sim/qualys/generateVmdrData.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim } from '../sim/qualys/startQualysSim.js';
import { jiraSinkYaml, printFigures, qualysSourceYaml } from './benchKit.js';
import { spawnSim } from './spawnSim.js';

const { values } = parseArgs({
  options: {
    closes: { type: 'string', default: '10000' },
    'sla-tickets': { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
  },
});
const log = (t: string) => {
  if (!values.json) process.stderr.write(`${t}\n`);
};
const PER_HOST = 10;
const SEED = 5;

const ticketed = (d: { STATUS: string; IS_IGNORED: string }) => d.STATUS !== 'Fixed' && d.IS_IGNORED === '0';

/** Hosts enough that at least `n` detections get a ticket (open, not ignored). */
function hostsFor(n: number): number {
  let hosts = Math.ceil(n / PER_HOST);
  for (;;) {
    const data = generateVmdrData({ hosts, detectionsPerHost: PER_HOST, seed: SEED });
    const open = data.hosts.reduce((k, h) => k + data.detectionsOf(h).filter(ticketed).length, 0);
    if (open >= n) return hosts;
    hosts = Math.ceil(hosts * (n / Math.max(open, 1)) * 1.02) + 1;
  }
}

/** Qualys marks `n` ticketed detections Fixed (stamped now, so the incremental pull sees them). */
function fixDetections(data: QualysSimData, n: number): number {
  const now = qualysTime(data.now().getTime());
  let fixed = 0;
  for (const host of data.hosts) {
    if (fixed >= n) break;
    const dets = data.detectionsOf(host);
    for (const d of dets) {
      if (fixed >= n) break;
      if (!ticketed(d)) continue;
      d.STATUS = 'Fixed';
      d.LAST_FIXED_DATETIME = now;
      d.LAST_UPDATE_DATETIME = now;
      d.LAST_PROCESSED_DATETIME = now;
      fixed++;
    }
    (host as { detections?: unknown }).detections = dets;
  }
  return fixed;
}

interface Measured {
  tickets: number;
  seconds: number;
  writes: number;
  reads: number;
  calls: number;
  perTicket: number;
  bulkTasks: number;
  polls: number;
}

/** One scenario on a fresh world: the first cycle creates, the measured cycle closes or labels. */
async function scenario(kind: 'closes' | 'sla', wanted: number, granted: boolean): Promise<Measured> {
  const hosts = hostsFor(wanted);
  const qualys = await startQualysSim({ hosts, detectionsPerHost: PER_HOST, seed: SEED, recordCalls: false, rateLimit: { limit: 100_000_000 } });
  const jira = await spawnSim<{ url: string; email: string; token: string }>('tests/sim/jira/main.ts', ['--flavor', 'cloud'], 4096);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-bench-bulk-'));
  try {
    process.env.VB_BENCH_QUALYS_USER = QUALYS_SIM_CREDENTIALS.username;
    process.env.VB_BENCH_QUALYS_PASS = QUALYS_SIM_CREDENTIALS.password;
    process.env.VB_BENCH_JIRA_TOKEN = jira.info.token;
    await fetch(`${jira.info.url}/__sim/bulk-change?granted=${granted}`);
    const sla = kind === 'sla' ? 'sla:\n  days: { critical: 1900, high: 1900, medium: 1900, low: 1900, info: 1900 }\n' : '';
    const config = parseConfig(
      `stateDir: ${JSON.stringify(dir)}
${sla}jobs:
  - name: bench
    schedule: "0 * * * *"
    template: ${JSON.stringify(path.resolve('templates/vmdr-per-detection.json'))}
    project: VULN
    reconcileHours: 0
${qualysSourceYaml(qualys.url)}${jiraSinkYaml(jira.info)}`,
      'bench.yml',
      { sources: sourceFactories, sinks: sinkFactories },
    );
    const state = openStateBundle(config.stateDir);
    const rt = buildJob(config.jobs[0], silentLogger());
    const first = await runCycle(rt, state, {});
    if (first.result !== 'ok') throw new Error(`first cycle ${first.result}: ${first.error}`);
    log(`  ${granted ? 'bulk permitted' : 'no permission'}: ${first.counts.created.toLocaleString('en-US')} tickets created`);

    let at: Date | undefined;
    if (kind === 'closes') fixDetections(qualys.data, wanted);
    // Five years on, with no scanner change: every open ticket is past its due date.
    else at = new Date(Date.now() + 5 * 365 * 86_400_000);
    const before = await stats(jira.info.url);
    const t0 = performance.now();
    const r: CycleReport = await runCycle(rt, state, at ? { now: () => at as Date } : {});
    const seconds = (performance.now() - t0) / 1000;
    if (r.result === 'failed') throw new Error(`measured cycle failed: ${r.error}`);
    const after = await stats(jira.info.url);
    const tickets = kind === 'closes' ? r.counts.transitioned : r.counts.updated;
    const calls = r.writes + r.reads;
    state.close();
    return {
      tickets,
      seconds,
      writes: r.writes,
      reads: r.reads,
      calls,
      perTicket: tickets ? Math.round((calls / tickets) * 10_000) / 10_000 : 0,
      bulkTasks: after.bulk.transitionSubmits + after.bulk.editSubmits - before.bulk.transitionSubmits - before.bulk.editSubmits,
      polls: after.bulk.polls - before.bulk.polls,
    };
  } finally {
    await Promise.all([qualys.close(), jira.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stats(url: string): Promise<{ bulk: { transitionSubmits: number; editSubmits: number; polls: number } }> {
  return (await (await fetch(`${url}/__sim/stats`)).json()) as { bulk: { transitionSubmits: number; editSubmits: number; polls: number } };
}

const closes = Number(values.closes);
const slaTickets = Number(values['sla-tickets']);
log(`bulk: ${closes.toLocaleString('en-US')} closes, ${slaTickets.toLocaleString('en-US')} SLA breach labels`);
log('closes:');
const closeBulk = await scenario('closes', closes, true);
const closeOne = await scenario('closes', closes, false);
log('SLA breach labels:');
const slaBulk = await scenario('sla', slaTickets, true);
const slaOne = await scenario('sla', slaTickets, false);

const figures = { closes: { bulk: closeBulk, perIssue: closeOne }, slaLabels: { bulk: slaBulk, perIssue: slaOne } };
const n = (x: number) => x.toLocaleString('en-US');
const line = (name: string, m: Measured) =>
  `${name.padEnd(31)}${n(m.tickets)} tickets: ${n(m.calls)} Jira calls (${n(m.writes)} writes, ${n(m.reads)} reads; ${m.bulkTasks} bulk tasks, ${m.polls} polls) = ${m.perTicket} calls/ticket, ${m.seconds.toFixed(1)} s`;
printFigures(values.json, figures, [
  line('closes, bulk permitted', closeBulk),
  line('closes, no permission', closeOne),
  line('SLA labels, bulk permitted', slaBulk),
  line('SLA labels, no permission', slaOne),
]);
