import { expect } from 'chai';
import type { Config } from '../../connector/config/loadConfig.js';
import { statusPageData, statusPageOptions, type StatusApp } from '../../connector/daemon/statusPageData.js';
import { silentLogger } from '../../connector/log.js';
import type { StateSample } from '../../connector/metrics.js';
import { openState } from '../../connector/state/openState.js';
import { RunLog } from '../../connector/state/runLog.js';

const NOW = new Date('2026-01-10T09:30:00Z');
const T = (min: number) => new Date(Date.UTC(2026, 0, 10, 8, min));
const job = (name: string, enabled = true) => ({ name, enabled, schedule: '0 */4 * * *' }) as unknown as Config['jobs'][number];
const sample: StateSample = { outbox: [], inbox: [], sla: [], broken: [] };

describe('daemon/statusPageData', () => {
  const app = (jobs: Config['jobs'], runs?: RunLog, broken: StatusApp['broken'] = []): StatusApp => ({
    config: { jobs },
    log: silentLogger(),
    state: { runs: runs ?? new RunLog(openState(':memory:')) },
    broken,
  });

  it('gives every configured job its state, last and next run, last error and run history', () => {
    const db = openState(':memory:');
    const runs = new RunLog(db);
    runs.finish(runs.start('good', T(0)), 'ok', { findings: 6 }, undefined, T(1));
    runs.finish(runs.start('good', T(10)), 'ok', { findings: 0 }, undefined, T(11));
    runs.finish(runs.start('bad', T(0)), 'ok', { findings: 2 }, undefined, T(2));
    runs.finish(runs.start('bad', T(20)), 'failed', {}, 'AUTH_FAILED: 401', T(21));
    runs.start('bad', T(30)); // running now
    const data = statusPageData(app([job('good'), job('bad'), job('unstartable'), job('new'), job('off', false)], runs, [{ name: 'unstartable', error: 'TEMPLATE_INVALID: x' }]), sample, (j) => j === 'bad', NOW);
    db.close();
    expect(data.generatedAt).to.equal(NOW.toISOString());
    expect(data.state).to.equal(sample);
    expect(data.jobs.map((j) => [j.name, j.state, j.running])).to.deep.equal([
      ['good', 'ok', false],
      ['bad', 'failed', true],
      ['unstartable', 'cannot start', false],
      ['new', 'never run', false],
      ['off', 'disabled', false],
    ]);
    const [good, bad, unstartable, fresh, off] = data.jobs;
    expect(good!.history).to.deep.equal([
      { at: T(1).toISOString(), result: 'ok', openTickets: 0, findings: 6 },
      { at: T(11).toISOString(), result: 'ok', openTickets: 0, findings: 0 },
    ]);
    expect(good!.lastSuccessAt).to.equal(T(11).toISOString());
    // node-cron counts from the wall clock: the next 4-hourly slot.
    expect(good!.nextRunAt).to.match(/T(00|04|08|12|16|20):00:00\.000Z$/);
    // The run going on now does not hide the last finished one and its error.
    expect(bad!.lastRun).to.deep.equal({ startedAt: T(20).toISOString(), endedAt: T(21).toISOString(), result: 'failed', error: 'AUTH_FAILED: 401' });
    expect(bad!.history.map((h) => h.result)).to.deep.equal(['ok', 'failed']);
    expect(unstartable).to.include({ cannotStart: 'TEMPLATE_INVALID: x' });
    expect(unstartable!.nextRunAt).to.equal(undefined);
    expect(fresh!.lastRun).to.equal(undefined);
    expect(fresh!.history).to.deep.equal([]);
    expect(off!.nextRunAt).to.equal(undefined);
  });

  it('statusPage: true serves without a check, a credentials block with the webhook check, false not at all', () => {
    const read = () => statusPageData(app([job('good')]), sample, () => false, NOW);
    expect(statusPageOptions(app([]), false, '127.0.0.1', read)).to.equal(undefined);
    const open = statusPageOptions(app([]), true, '127.0.0.1', read);
    expect(open?.authenticate).to.equal(undefined);
    process.env.VB_TEST_STATUS_TOKEN = 'tok-123';
    try {
      const header = statusPageOptions(app([]), { header: { name: 'X-Status-Token', value: { env: 'VB_TEST_STATUS_TOKEN' } } }, '0.0.0.0', read);
      expect(header?.authScheme).to.equal('header');
      expect(header?.authenticate?.({ 'x-status-token': 'tok-123' })).to.equal(true);
      expect(header?.authenticate?.({ 'x-status-token': 'tok-12' })).to.equal(false);
    } finally {
      delete process.env.VB_TEST_STATUS_TOKEN;
    }
    const missing = statusPageOptions(app([]), { basicAuth: { username: { env: 'VB_TEST_STATUS_NOPE' }, password: { env: 'VB_TEST_STATUS_NOPE' } } }, '0.0.0.0', read);
    expect(missing?.unavailable).to.match(/VB_TEST_STATUS_NOPE/);
  });
});
