import { expect } from 'chai';
import { logProgress, ProgressTracker } from '../../connector/pipeline/progressTracker.js';
import type { CycleProgress } from '../../connector/pipeline/runCycle.js';
import { captureLogger } from '../sources/qualys-vmdr/qualysTestKit.js';

describe('pipeline/ProgressTracker: progress lines at most once per interval (fake clock)', () => {
  let clock: number;
  const now = () => clock;
  const at = (seconds: number) => {
    clock = 1_000_000 + seconds * 1000;
  };
  beforeEach(() => at(0));

  it('nothing before the interval has passed; then one line with pages, findings and the rate, and none again until the next interval', () => {
    const t = new ProgressTracker({ intervalMs: 30_000, now });
    const pull = (page: string, findings: number): CycleProgress => ({ job: 'vmdr', phase: 'pull', page, findings });
    at(0);
    expect(t.update(pull('page 1', 1000))).to.equal(undefined);
    at(10);
    expect(t.update(pull('page 2', 2000))).to.equal(undefined);
    at(31);
    expect(t.update(pull('page 3', 3100))).to.deep.equal({ job: 'vmdr', phase: 'pull', page: 'page 3', pages: 3, findings: 3100, perSecond: 100, elapsedSeconds: 31 });
    at(40);
    expect(t.update(pull('page 4', 4000))).to.equal(undefined);
    at(61);
    // A second report of the same page (the staging step's) counts no new page.
    expect(t.update(pull('page 4', 4100))).to.include({ pages: 4, findings: 4100 });
  });

  it('with the scanner’s total: done, total, unit and the ETA at the pace since the total showed; none without one', () => {
    const t = new ProgressTracker({ intervalMs: 30_000, now });
    const expected = (done: number) => ({ done, total: 10_000, unit: 'violations' });
    at(0);
    t.update({ job: 'xray', phase: 'pull', page: 'p1', findings: 1000, expected: expected(1000) });
    at(30);
    // A report without a total (the staging step's) keeps the phase's last one.
    t.update({ job: 'xray', phase: 'pull', page: 'p2', findings: 2900, expected: expected(4000) });
    const line = t.update({ job: 'xray', phase: 'pull', page: 'p2', findings: 3000 });
    expect(line).to.equal(undefined);
    at(60);
    // 6000 more in 60 s = 100/s; 3000 left → 30 s.
    expect(t.update({ job: 'xray', phase: 'pull', page: 'p3', findings: 6900, expected: expected(7000) })).to.deep.include({ done: 7000, total: 10_000, unit: 'violations', etaSeconds: 30 });
  });

  it('a new phase restarts pages, rate and total; everyPhase emits at each change', () => {
    const t = new ProgressTracker({ intervalMs: 30_000, now, everyPhase: true });
    expect(t.update({ job: 'j', phase: 'pull', page: 'p1', findings: 10 })).to.include({ phase: 'pull', pages: 1 });
    at(5);
    expect(t.update({ job: 'j', phase: 'pull', page: 'p2', findings: 20 })).to.equal(undefined);
    at(10);
    const apply = t.update({ job: 'j', phase: 'apply', findings: 0, expected: { done: 0, total: 20, unit: 'findings' } });
    expect(apply).to.deep.equal({ job: 'j', phase: 'apply', pages: 0, findings: 0, elapsedSeconds: 0, done: 0, total: 20, unit: 'findings' });
  });

  it('logProgress: the daemon’s `progress` line at info, every interval; 0 turns it off', () => {
    const { log, lines } = captureLogger();
    const onProgress = logProgress(log, 30, now)!;
    onProgress({ job: 'vmdr', phase: 'pull', page: 'page 1', findings: 500 });
    at(45);
    onProgress({ job: 'vmdr', phase: 'pull', page: 'page 2', findings: 900 });
    expect(lines.map((l) => [l.level, l.message])).to.deep.equal([['info', 'progress']]);
    expect(lines[0]?.meta).to.deep.include({ job: 'vmdr', phase: 'pull', pages: 2, findings: 900, perSecond: 20 });
    expect(logProgress(log, 0, now)).to.equal(undefined);
  });
});
