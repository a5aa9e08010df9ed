import { expect } from 'chai';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { JobScheduler, type ScheduleFn, type ScheduledJob } from '../../connector/daemon/jobScheduler.js';
import { silentLogger } from '../../connector/log.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import { openIds } from './support/detections.js';
import { OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const WRONG_JIRA = 'VB_E2E_DAEMON_WRONG_JIRA_TOKEN';

/** A schedule whose ticks the test fires by hand (no cron, no timers). */
function manualSchedule() {
  const ticks = new Map<string, () => void>();
  const scheduled: Array<{ name: string; expression: string }> = [];
  let stopped = 0;
  const fn: ScheduleFn = (expression, tick, opts) => {
    scheduled.push({ name: opts.name, expression });
    ticks.set(opts.name, tick);
    return { stop: () => void stopped++ };
  };
  return { fn, scheduled, tick: (name: string) => ticks.get(name)?.(), stopped: () => stopped };
}

/** The daemon's wiring (connector/cli/commands/runCommand.ts): one scheduled job per runtime, each a runCycle. */
function scheduledJobs(app: AppContext, reports: CycleReport[]): ScheduledJob[] {
  return app.jobs.map((rt) => ({
    name: rt.config.name,
    schedule: rt.config.schedule,
    timezone: rt.config.timezone,
    run: async (signal) => {
      reports.push(await runCycle(rt, app.state, { signal }));
    },
  }));
}

/** Let the event loop run (no timer) until `cond` holds: e.g. until a request reached a simulator. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (cond()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`test: gave up waiting until ${what}`);
}

const hldCalls = (world: World): number => world.qualys.calls.filter((c) => c.api === 'hld').length;

describe('e2e: the daemon’s JobScheduler running real cycles against the simulators', () => {
  let world: World;
  let app: AppContext;
  let scheduler: JobScheduler | undefined;

  beforeEach(async () => {
    world = await startWorld({ qualys: { seed: 11, hosts: 4, detectionsPerHost: 3 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    process.env[WRONG_JIRA] = 'wrong-daemon-token-0815';
    app = world.open(
      world.writeConfig([
        { name: 'broken', template: PER_DETECTION, jiraSecretEnv: WRONG_JIRA },
        { name: 'good', template: PER_DETECTION },
      ]),
    );
  });
  afterEach(async () => {
    await scheduler?.stop(0);
    scheduler = undefined;
    delete process.env[WRONG_JIRA];
    app.state.close();
    await world.close();
  });

  it('runs both jobs on their ticks: the broken one fails with a reason, the good one’s tickets appear', async () => {
    const sched = manualSchedule();
    const reports: CycleReport[] = [];
    scheduler = new JobScheduler(scheduledJobs(app, reports), silentLogger(), sched.fn);
    scheduler.start();
    expect(sched.scheduled).to.deep.equal([
      { name: 'broken', expression: '0 */4 * * *' },
      { name: 'good', expression: '0 */4 * * *' },
    ]);

    sched.tick('broken');
    sched.tick('good');
    await Promise.all([scheduler.trigger('broken'), scheduler.trigger('good')]); // join the runs the ticks started
    expect(reports.map((r) => [r.job, r.result])).to.have.deep.members([
      ['broken', 'failed'],
      ['good', 'ok'],
    ]);
    expect(app.state.runs.last('broken')?.error).to.include(WRONG_JIRA).and.include(new URL(world.jira.url).host);
    const open = openIds(world.qualys.data).size;
    expect(world.jira.issues()).to.have.length(open);
    expect(world.jira.issues().every((i) => (i.fields.labels as string[]).includes('vb-job-good'))).to.equal(true);
    expect(app.state.tickets.counts('good')).to.deep.include({ open });
    expect(app.state.cursors.get('broken')).to.deep.equal({});

    await scheduler.stop(0);
    expect(sched.stopped()).to.equal(2);
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });

  it('never runs a job twice at once: a tick while a cycle is held in the Qualys pull joins that cycle', async () => {
    const sched = manualSchedule();
    const reports: CycleReport[] = [];
    scheduler = new JobScheduler(scheduledJobs(app, reports), silentLogger(), sched.fn);
    scheduler.start();
    world.qualys.failNext('hld', { kind: 'hold' });
    const first = scheduler.trigger('good');
    await until(() => hldCalls(world) === 1, 'the first page request is held');
    sched.tick('good');
    const second = scheduler.trigger('good');
    expect(scheduler.isRunning('good')).to.equal(true);
    world.qualys.releaseHeld();
    await Promise.all([first, second]);
    expect(reports.map((r) => [r.job, r.result])).to.deep.equal([['good', 'ok']]);
    expect(hldCalls(world)).to.equal(2); // one pull only: 4 hosts at 2 per page
    expect(world.jira.issues()).to.have.length(openIds(world.qualys.data).size);
  });

  it('stop() aborts a cycle that does not finish within the grace period; its cursor stays and nothing reaches Jira', async () => {
    const sched = manualSchedule();
    const reports: CycleReport[] = [];
    scheduler = new JobScheduler(scheduledJobs(app, reports), silentLogger(), sched.fn);
    scheduler.start();
    world.qualys.failNext('hld', { kind: 'hold' });
    void scheduler.trigger('good');
    await until(() => hldCalls(world) === 1, 'the first page request is held');
    expect(scheduler.isRunning('good')).to.equal(true);
    await scheduler.stop(0);
    expect(scheduler.isRunning('good')).to.equal(false);
    expect(reports.map((r) => [r.job, r.result])).to.deep.equal([['good', 'failed']]);
    expect(reports[0]?.error).to.include('daemon stopping');
    expect(app.state.cursors.get('good')).to.deep.equal({});
    expect(app.state.runs.last('good')?.result).to.equal('failed');
    expect(world.jira.issues()).to.deep.equal([]);
  });
});
