/**
 * Incident part of `npm run bench` (run alone: node --import tsx tests/bench/incidentBench.ts
 * --findings N [--events-per-minute M] [--json]).
 *
 * Figures, not a test: N new Xray violations routed to PagerDuty (a rule without criteria,
 * one alert per finding). The Xray, Jira and PagerDuty simulators run in their own
 * processes; the PagerDuty simulator enforces M events per minute per integration key
 * and the pagerduty action throttles itself to the same M. Measured here: the cycle that
 * queues the events, the outbox drain (events/s), events sent against events needed (one
 * trigger per routed finding: target 1.00), 429s the simulator answered, an unchanged
 * second cycle (0 events), and peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../../connector/config/loadConfig.js';
import { OutboxDrainer } from '../../connector/delivery/outboxDrainer.js';
import { deliveryLanes } from '../../connector/delivery/outboxPump.js';
import { silentLogger } from '../../connector/log.js';
import { buildJob } from '../../connector/pipeline/jobRuntime.js';
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { generateXrayData } from '../sim/xray/generateXrayData.js';
import { jiraSinkYaml, xraySourceYaml, printFigures, timedCycle } from './benchKit.js';
import { spawnSim } from './spawnSim.js';

const { values } = parseArgs({
  options: {
    findings: { type: 'string', default: '5000' },
    'events-per-minute': { type: 'string', default: '1200' },
    json: { type: 'boolean', default: false },
  },
});
const perMinute = Number(values['events-per-minute']);
const watches = 2;
const perWatch = Math.max(1, Math.round(Number(values.findings) / watches));
const log = (t: string) => {
  if (!values.json) process.stderr.write(`${t}\n`);
};

const xray = await spawnSim<{ url: string; token: string }>('tests/sim/xray/main.ts', ['--watches', String(watches), '--violations-per-watch', String(perWatch), '--seed', '9']);
const jira = await spawnSim<{ url: string; email: string; token: string }>('tests/sim/jira/main.ts', ['--flavor', 'cloud'], 4096);
const pd = await spawnSim<{ url: string; eventsUrl: string; routingKeys: string[] }>('tests/sim/pagerduty/main.ts', ['--events-per-minute', String(perMinute)], 2048);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-incident-bench-'));
try {
  process.env.VB_BENCH_XRAY_TOKEN = xray.info.token;
  process.env.VB_BENCH_JIRA_TOKEN = jira.info.token;
  process.env.VB_BENCH_PD_KEY = pd.info.routingKeys[0];
  const watchNames = generateXrayData({ watches, violationsPerWatch: 0 }).watches.map((w) => w.name);
  const config = parseConfig(
    `stateDir: ${JSON.stringify(dir)}
jobs:
  - name: incident-bench
    schedule: "0 * * * *"
    template: ${JSON.stringify(path.resolve('templates/xray-per-violation.json'))}
    project: VULN
${xraySourceYaml(xray.info.url, watchNames)}${jiraSinkYaml(jira.info)}    routes:
      - name: page-everything
        actions: [ { pagerduty: { routingKey: { env: VB_BENCH_PD_KEY }, url: "${pd.info.eventsUrl}", eventsPerMinute: ${perMinute} } } ]
`,
    'bench.yml',
    { sources: sourceFactories, sinks: sinkFactories },
  );
  const state = openStateBundle(config.stateDir);
  const rt = buildJob(config.jobs[0]!, silentLogger());
  log(`incident bench: ${(perWatch * watches).toLocaleString('en-US')} violations routed to PagerDuty, ${perMinute.toLocaleString('en-US')} events/min allowed`);

  const first = await timedCycle(rt, state, 'cycle (queues the events)', false, log);
  const needed = first.report.counts.triggered;
  const drainer = new OutboxDrainer(state.outbox, deliveryLanes([rt]), silentLogger());
  const t = performance.now();
  const drained = await drainer.drain({ signal: AbortSignal.timeout(30 * 60_000) });
  const drainMs = performance.now() - t;
  log(`drain: ${drained.sent} sent in ${(drainMs / 1000).toFixed(1)} s (${drained.retried} retried, ${drained.rejected} rejected, ${drained.waiting} waiting)`);
  const stats = (await (await fetch(`${pd.info.url}/__sim/stats`)).json()) as Record<string, number>;
  state.cursors.clear('incident-bench');
  const second = await timedCycle(rt, state, 'second cycle, full pull, nothing changed', false, log);

  const figures = {
    findings: first.report.counts.findings,
    eventsNeeded: needed,
    eventsSent: drained.sent,
    eventsAccepted: stats.accepted ?? 0,
    sentToNeeded: needed ? Math.round(((stats.accepted ?? 0) / needed) * 100) / 100 : null,
    throttled429: stats.throttled ?? 0,
    retried: drained.retried,
    rejected: drained.rejected,
    queueCycleSeconds: first.ms / 1000,
    drain: { seconds: drainMs / 1000, eventsPerSecond: Math.round(drained.sent / (drainMs / 1000)), eventsPerMinuteAllowed: perMinute },
    openAlerts: stats.openAlerts ?? 0,
    secondCycleEvents: second.report.counts.triggered + second.report.counts.resolved,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  printFigures(values.json, figures, [
    `findings routed to PagerDuty    ${figures.findings.toLocaleString('en-US')} (cycle queued ${needed.toLocaleString('en-US')} events in ${figures.queueCycleSeconds.toFixed(1)} s)`,
    `outbox drain                   ${figures.drain.eventsPerSecond.toLocaleString('en-US')} events/s (${figures.drain.seconds.toFixed(1)} s; limit ${perMinute.toLocaleString('en-US')}/min = ${Math.round(perMinute / 60)}/s)`,
    `events sent / needed           ${figures.eventsAccepted.toLocaleString('en-US')} / ${needed.toLocaleString('en-US')} = ${figures.sentToNeeded} (${figures.openAlerts.toLocaleString('en-US')} open alerts)`,
    `429 answered by PagerDuty      ${figures.throttled429} (retried: ${figures.retried}, rejected: ${figures.rejected})`,
    `second cycle, unchanged        ${figures.secondCycleEvents} events`,
    `peak RSS (this process)        ${figures.peakRssMb} MB`,
  ]);
  state.close();
} finally {
  await Promise.all([xray.stop(), jira.stop(), pd.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
