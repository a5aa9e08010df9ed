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
});
