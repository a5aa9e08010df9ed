import { expect } from 'chai';
import { JobScheduler, type ScheduleFn } from '../../connector/daemon/jobScheduler.js';
import { silentLogger } from '../../connector/log.js';

/** A schedule whose ticks the test fires by hand. */
function manualSchedule() {
  const ticks = new Map<string, () => void>();
  let stopped = 0;
  const fn: ScheduleFn = (_expr, tick, opts) => {
    ticks.set(opts.name, tick);
    return { stop: () => void stopped++ };
  };
  return { fn, tick: (name: string) => ticks.get(name)?.(), stopped: () => stopped };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Job `x` whose first run waits for the gate; records the kind of every run. */
function gatedJob() {
  const sched = manualSchedule();
  const gate = deferred();
  const kinds: string[] = [];
  const run = async (_signal: AbortSignal, kind: string) => {
    kinds.push(kind);
    if (kinds.length === 1) await gate.promise;
  };
  const s = new JobScheduler([{ name: 'x', schedule: '* * * * *', run }], silentLogger(), sched.fn);
  return { sched, gate, kinds, s };
}

describe('daemon/JobScheduler', () => {
  it('never runs a job twice at once and keeps other jobs going when one fails', async () => {
    const sched = manualSchedule();
    const gate = deferred();
    let aRuns = 0;
    let bRuns = 0;
    const s = new JobScheduler(
      [
        { name: 'a', schedule: '* * * * *', run: async () => { aRuns++; await gate.promise; } },
        { name: 'b', schedule: '* * * * *', run: async () => { bRuns++; throw new Error('boom'); } },
      ],
      silentLogger(),
      sched.fn,
    );
    s.start();
    sched.tick('a');
    sched.tick('a');
    sched.tick('b');
    await s.trigger('b'); // joins the run the tick started
    await s.trigger('b');
    expect(aRuns).to.equal(1);
    expect(s.isRunning('a')).to.equal(true);
    expect(bRuns).to.equal(2);
    gate.resolve();
    await s.stop(1000);
    expect(s.isRunning('a')).to.equal(false);
    expect(sched.stopped()).to.equal(2);
  });

  it('aborts runs that outlive the grace period on stop', async () => {
    const sched = manualSchedule();
    let aborted = false;
    const s = new JobScheduler(
      [
        {
          name: 'slow',
          schedule: '* * * * *',
          run: (signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        },
      ],
      silentLogger(),
      sched.fn,
    );
    s.start();
    sched.tick('slow');
    await s.stop(5);
    expect(aborted).to.equal(true);
    sched.tick('slow');
    expect(s.isRunning('slow')).to.equal(false);
  });

  it('queues pushes behind a running cycle and coalesces them into one run', async () => {
    const { sched, gate, kinds, s } = gatedJob();
    s.start();
    sched.tick('x');
    void s.trigger('x', 'push');
    void s.trigger('x', 'push');
    void s.trigger('x', 'push');
    expect(kinds).to.deep.equal(['pull']);
    gate.resolve();
    await new Promise((r) => setImmediate(r));
    await s.stop(1000);
    expect(kinds).to.deep.equal(['pull', 'push']);
  });

  it('runs a tick that arrives during a push right after it, and a pull wins over queued pushes', async () => {
    const { sched, gate, kinds, s } = gatedJob();
    s.start();
    void s.trigger('x', 'push');
    void s.trigger('x', 'push');
    sched.tick('x');
    void s.trigger('x', 'push');
    gate.resolve();
    await new Promise((r) => setImmediate(r));
    await s.stop(1000);
    // The pull takes the waiting payloads too: no separate push run is needed.
    expect(kinds).to.deep.equal(['push', 'pull']);
  });
});
