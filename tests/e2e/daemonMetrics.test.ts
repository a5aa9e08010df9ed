import { expect } from 'chai';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { startDaemon, type Daemon } from '../../connector/daemon/startDaemon.js';
import type { ScheduleFn } from '../../connector/daemon/jobScheduler.js';
import { OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const WRONG_JIRA = 'VB_E2E_METRICS_WRONG_JIRA_TOKEN';

/** Ticks by hand: the test triggers runs through the scheduler. */
const noCron: ScheduleFn = () => ({ stop: () => undefined });

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** One sample's value from Prometheus text, by metric name and exact label set. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Checks the exposition format line by line: every sample belongs to a metric declared
 * by `# HELP` and `# TYPE`, names and labels are well formed, values are numbers.
 */
function expectValidExposition(text: string): void {
  expect(text.endsWith('\n'), 'ends with a newline').to.equal(true);
  const typed = new Map<string, string>();
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;
  for (const line of text.split('\n').filter(Boolean)) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).to.include(meta[3]);
        expect(typed.has(meta[2]!), `${meta[2]} typed once`).to.equal(false);
        typed.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = sampleLine.exec(line);
    expect(m, `a valid sample line: ${line}`).to.not.equal(null);
    const name = m![1]!;
    const family = typed.has(name) ? name : name.replace(/_(bucket|sum|count|total|created)$/, '');
    expect(typed.has(family) || typed.has(name), `${name} declared by # TYPE`).to.equal(true);
  }
}

describe('e2e: the daemon’s /metrics and /readyz', () => {
  let world: World;
  let app: AppContext | undefined;
  let daemon: Daemon | undefined;

  beforeEach(async () => {
    world = await startWorld({ qualys: { seed: 5, hosts: 3, detectionsPerHost: 2 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    process.env[WRONG_JIRA] = 'wrong-metrics-token-4711';
  });
  afterEach(async () => {
    await daemon?.stop(0);
    daemon = undefined;
    app?.state.close();
    app = undefined;
    delete process.env[WRONG_JIRA];
    await world.close();
  });

  function openWith(jobs: Parameters<World['writeConfig']>[0], readyFailedRuns: number): AppContext {
    const file = world.writeConfig(jobs);
    appendFileSync(file, `server: { host: 127.0.0.1, port: 0, readyFailedRuns: ${readyFailedRuns} }\n`);
    return world.open(file);
  }

  it('serves the job series after a cycle, as valid Prometheus text, with the process metrics', async () => {
    app = openWith([{ name: 'good', template: PER_DETECTION }], 3);
    daemon = await startDaemon(app, { schedule: noCron });
    await daemon.scheduler.trigger('good');
    const { status, type, text } = await get(`${daemon.server!.url}/metrics`);
    expect(status).to.equal(200);
    expect(type).to.match(/^text\/plain; version=0\.0\.4/);
    expectValidExposition(text);

    const created = world.jira.issues().length;
    expect(created).to.be.greaterThan(0);
    expect(sample(text, 'vulnbridge_tickets_total', 'job="good",action="created"')).to.equal(created);
    expect(sample(text, 'vulnbridge_tickets_total', 'job="good",action="failed"')).to.equal(0);
    expect(sample(text, 'vulnbridge_findings_pulled_total', 'job="good"')).to.equal(6);
    expect(sample(text, 'vulnbridge_cycles_total', 'job="good",kind="pull",result="ok"')).to.equal(1);
    expect(sample(text, 'vulnbridge_cycle_duration_seconds_count', 'job="good",kind="pull",result="ok"')).to.equal(1);
    const success = sample(text, 'vulnbridge_last_success_timestamp_seconds', 'job="good"');
    expect(success).to.be.within(Date.now() / 1000 - 60, Date.now() / 1000 + 1);
    expect(text).to.not.match(/^vulnbridge_last_failure_timestamp_seconds\{job="good"\}/m);
    expect(text).to.match(/^process_cpu_user_seconds_total /m);
    expect(text).to.match(/^# TYPE vulnbridge_outbox_oldest_event_age_seconds gauge$/m);
    // Vendor HTTP calls by host and status class (the startup's Jira checks included).
    expect(sample(text, 'vulnbridge_http_requests_total', `host="${new URL(world.qualys.url).host}",class="2xx"`)).to.be.greaterThan(0);
    expect(sample(text, 'vulnbridge_http_requests_total', `host="${new URL(world.jira.url).host}",class="2xx"`)).to.be.greaterThan(0);

    // prom-client's own parser-free check: the registry merges without conflicts.
    expect(() => Registry.merge([daemon!.metrics.registry])).to.not.throw();
  });

  it('counts a vendor’s 401 as an AUTH_FAILED failure with its time', async () => {
    app = openWith([{ name: 'broken', template: PER_DETECTION, jiraSecretEnv: WRONG_JIRA }], 3);
    daemon = await startDaemon(app, { schedule: noCron });
    await daemon.scheduler.trigger('broken');
    const { text } = await get(`${daemon.server!.url}/metrics`);
    expect(sample(text, 'vulnbridge_cycle_failures_total', 'job="broken",code="AUTH_FAILED"')).to.equal(1);
    expect(sample(text, 'vulnbridge_last_failure_timestamp_seconds', 'job="broken"')).to.be.greaterThan(0);
    // Which host refused: its 4xx series (docs/operations.md, the 401/403 alert).
    expect(sample(text, 'vulnbridge_http_requests_total', `host="${new URL(world.jira.url).host}",class="4xx"`)).to.be.greaterThan(0);
  });

  it('/readyz: 503 naming a job that could not start and one whose last N runs failed; /healthz stays 200', async () => {
    const badTemplate = path.join(world.dir, 'bad-template.json');
    writeFileSync(badTemplate, '{ "this is": "not a ticketing scheme" }');
    app = openWith(
      [
        { name: 'good', template: PER_DETECTION },
        { name: 'broken', template: PER_DETECTION, jiraSecretEnv: WRONG_JIRA },
        { name: 'unstartable', template: badTemplate },
      ],
      2,
    );
    expect(app.broken.map((b) => b.name)).to.deep.equal(['unstartable']);
    daemon = await startDaemon(app, { schedule: noCron });
    const url = daemon.server!.url;
    await daemon.scheduler.trigger('good');
    await daemon.scheduler.trigger('broken');

    // One failed run of two allowed: only the job that could not start.
    let ready = await get(`${url}/readyz`);
    expect(ready.status).to.equal(503);
    let body = JSON.parse(ready.text) as { status: string; notReady: Array<{ job: string; reason: string; error?: string }> };
    expect(body.notReady.map((n) => n.job)).to.deep.equal(['unstartable']);
    expect(body.notReady[0]!.reason).to.equal('could not start');
    expect(body.notReady[0]!.error).to.be.a('string').and.not.equal('');

    await daemon.scheduler.trigger('broken');
    ready = await get(`${url}/readyz`);
    expect(ready.status).to.equal(503);
    body = JSON.parse(ready.text) as typeof body;
    expect(body.notReady.map((n) => n.job)).to.deep.equal(['unstartable', 'broken']);
    expect(body.notReady[1]!.reason).to.equal('its last 2 run(s) failed');
    expect(body.notReady[1]!.error).to.match(/credentials|401/i);

    expect((await get(`${url}/healthz`)).status).to.equal(200);
    const metrics = await get(`${url}/metrics`);
    expect(sample(metrics.text, 'vulnbridge_job_broken', 'job="unstartable"')).to.equal(1);
  });

  it('/readyz: 200 when every job started and none failed its last N runs', async () => {
    app = openWith([{ name: 'good', template: PER_DETECTION }], 1);
    daemon = await startDaemon(app, { schedule: noCron });
    await daemon.scheduler.trigger('good');
    const ready = await get(`${daemon.server!.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(JSON.parse(ready.text)).to.deep.equal({ status: 'ok', jobs: ['good'] });
  });
});
