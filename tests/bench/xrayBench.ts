/**
 * Xray part of `npm run bench` (run on its own: node --import tsx tests/bench/xrayBench.ts
 * --violations N [--watches W] [--webhooks K] [--json]).
 *
 * Figures, not a test: the Xray and Jira simulators run in their own processes; this
 * process measures (1) pull+plan of a dry run (violations/s), (2) the first cycle's Jira
 * writes against the minimum, (3) an unchanged full second cycle (writes must be 0),
 * (4) webhook → ticket latency through the daemon's listener and push cycles on loopback
 * (median, p99), and its own peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../connector/config/loadConfig.js';
import { startDaemon } from '../../connector/daemon/startDaemon.js';
import { silentLogger } from '../../connector/log.js';
import { buildJob } from '../../connector/pipeline/jobRuntime.js';
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { generateXrayData } from '../sim/xray/generateXrayData.js';
import { buildWebhookPayloadV11, sendXrayWebhook } from '../sim/xray/webhookPayloads.js';
import { callsToMinimum, cycleFigures, cycleLines, jiraSinkYaml, printFigures, timedCycle, xraySourceYaml } from './benchKit.js';
import { spawnSim } from './spawnSim.js';

const { values } = parseArgs({
  options: {
    violations: { type: 'string', default: '100000' },
    watches: { type: 'string', default: '5' },
    webhooks: { type: 'string', default: '200' },
    /** Milliseconds between webhooks (Xray sends one per alert). */
    'webhook-interval': { type: 'string', default: '25' },
    template: { type: 'string', default: 'templates/xray-per-violation.json' },
    json: { type: 'boolean', default: false },
  },
});
const watches = Math.max(1, Number(values.watches));
const perWatch = Math.max(1, Math.round(Number(values.violations) / watches));
const webhooks = Number(values.webhooks);
const log = (t: string) => {
  if (!values.json) process.stderr.write(`${t}\n`);
};
const HOOK = { username: 'bench-hook', password: 'bench-hook-secret' };

const xray = await spawnSim<{ url: string; token: string }>('tests/sim/xray/main.ts', ['--watches', String(watches), '--violations-per-watch', String(perWatch)]);
const jira = await spawnSim<{ url: string; email: string; token: string }>('tests/sim/jira/main.ts', ['--flavor', 'cloud'], 8192);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-xray-bench-'));
try {
  process.env.VB_BENCH_XRAY_TOKEN = xray.info.token;
  process.env.VB_BENCH_JIRA_TOKEN = jira.info.token;
  process.env.VB_BENCH_HOOK_USER = HOOK.username;
  process.env.VB_BENCH_HOOK_PASSWORD = HOOK.password;
  const watchNames = generateXrayData({ watches, violationsPerWatch: 0 }).watches.map((w) => w.name);
  const config = parseConfig(
    `stateDir: ${JSON.stringify(dir)}
server: { host: 127.0.0.1, port: 0 }
jobs:
  - name: xray-bench
    schedule: "0 * * * *"
    template: ${JSON.stringify(path.resolve(values.template))}
    project: VULN
${xraySourceYaml(xray.info.url, watchNames)}${jiraSinkYaml(jira.info)}    webhook:
      basicAuth:
        username: { env: VB_BENCH_HOOK_USER }
        password: { env: VB_BENCH_HOOK_PASSWORD }
`,
    'bench.yml',
    { sources: sourceFactories, sinks: sinkFactories },
  );
  const state = openStateBundle(config.stateDir);
  const rt = buildJob(config.jobs[0]!, silentLogger());
  const violations = watches * perWatch;
  log(`xray bench: ${violations.toLocaleString('en-US')} violations (${watches} watches x ${perWatch})`);


  const plan = await timedCycle(rt, state, 'pull+plan (dry run)', true, log);
  const first = await timedCycle(rt, state, 'first cycle (creates)', false, log);
  // Forget the cursors: the second cycle is a full pull, so every violation is checked unchanged.
  state.cursors.clear('xray-bench');
  const second = await timedCycle(rt, state, 'second cycle, full pull, nothing changed', false, log);

  const latency = await webhookLatency(config, state, rt);
  log(`webhooks: ${latency.ms.length} ticketed, median ${latency.median} ms, p99 ${latency.p99} ms, in ${latency.pushCycles} push cycles`);

  const figures = {
    violations,
    findings: plan.report.counts.findings,
    watches,
    pullPlan: { seconds: plan.ms / 1000, violationsPerSecond: Math.round(violations / (plan.ms / 1000)) },
    firstCycle: cycleFigures(first),
    callsToMinimum: callsToMinimum(first.report),
    secondCycleUnchanged: cycleFigures(second),
    webhookToTicket: { webhooks: latency.ms.length, medianMs: latency.median, p99Ms: latency.p99, maxMs: latency.max, pushCycles: latency.pushCycles },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  printFigures(values.json, figures, [
    `violations                     ${violations.toLocaleString('en-US')} (${watches} watches; ${figures.findings.toLocaleString('en-US')} violation x component findings)`,
    `pull+plan                      ${figures.pullPlan.violationsPerSecond.toLocaleString('en-US')} violations/s (${figures.pullPlan.seconds.toFixed(1)} s)`,
    ...cycleLines(figures.firstCycle, figures.secondCycleUnchanged, figures.callsToMinimum),
    `webhook -> ticket              median ${latency.median} ms, p99 ${latency.p99} ms, max ${latency.max} ms (${latency.ms.length} webhooks, ${latency.pushCycles} push cycles)`,
    `peak RSS (this process)        ${figures.peakRssMb} MB`,
  ]);
  state.close();
} finally {
  await Promise.all([xray.stop(), jira.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Webhooks at a steady rate through the daemon's listener (Basic auth, stored, 202), each
 * timed from its POST until the push cycle that ticketed it ended. New violations in a
 * watch of their own, so every one needs a new ticket.
 */
async function webhookLatency(config: ReturnType<typeof parseConfig>, state: ReturnType<typeof openStateBundle>, rt: ReturnType<typeof buildJob>) {
  const job = rt.config.name;
  const sentAt = new Map<number, number>();
  /** At the end of each push cycle: when, the newest stored id, and the ids still waiting. */
  const ends: Array<{ at: number; maxId: number; waiting: Set<number> }> = [];
  const maxInboxId = state.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'inbox'`).pluck();
  let pushCycles = 0;
  const daemon = await startDaemon(
    { config, log: silentLogger(), state, jobs: [rt], broken: [] },
    {
      schedule: () => ({ stop: () => {} }),
      onCycle: (report, kind) => {
        if (kind !== 'push') return;
        pushCycles++;
        if (report.result === 'failed') throw new Error(`push cycle failed: ${report.error}`);
        ends.push({ at: performance.now(), maxId: Number(maxInboxId.get() ?? 0), waiting: new Set(state.inbox.waiting(job).map((r) => r.id)) });
      },
    },
  );
  try {
    const fresh = generateXrayData({ seed: 4242, watches: ['bench-webhook-watch'], violationsPerWatch: webhooks }).violations;
    const url = `${daemon.server?.url ?? ''}/webhooks/xray/${job}`;
    const sends: Array<Promise<void>> = [];
    for (const v of fresh) {
      const t0 = performance.now();
      sends.push(
        sendXrayWebhook(url, buildWebhookPayloadV11([v]), { auth: { basic: HOOK } }).then((res) => {
          if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${res.body}`);
          sentAt.set((JSON.parse(res.body) as { id: number }).id, t0);
        }),
      );
      await new Promise((r) => setTimeout(r, Number(values['webhook-interval'])));
    }
    await Promise.all(sends);
    for (let i = 0; i < 3000 && (state.inbox.any(job) || daemon.scheduler.isRunning(job)); i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    await daemon.stop(0);
  }
  // A webhook is ticketed at the end of the first push cycle after which it is stored and no longer waiting.
  const ms: number[] = [];
  for (const [id, t0] of sentAt) {
    const end = ends.find((e) => id <= e.maxId && !e.waiting.has(id));
    if (end) ms.push(end.at - t0);
  }
  if (ms.length !== sentAt.size) throw new Error(`only ${ms.length} of ${sentAt.size} webhooks were ticketed`);
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? NaN);
  return { ms, median: at(0.5), p99: at(0.99), max: at(1), pushCycles };
}
