import { expect } from 'chai';
import { openState, type Db } from '../../connector/state/openState.js';
import { RunLog } from '../../connector/state/runLog.js';

const T = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));

describe('state/RunLog', () => {
  let db: Db;
  let runs: RunLog;
  beforeEach(() => {
    db = openState(':memory:');
    runs = new RunLog(db);
  });
  afterEach(() => db.close());

  it('records a run from start to finish with its counts and error', () => {
    const id = runs.start('vmdr', T(0));
    expect(runs.last('vmdr')).to.deep.equal({ id, job: 'vmdr', startedAt: T(0).toISOString(), endedAt: undefined, result: 'running', counts: {}, error: undefined });
    runs.finish(id, 'partial', { created: 3, failed: 1 }, 'VULN-9 rejected', T(2));
    expect(runs.last('vmdr')).to.deep.equal({
      id,
      job: 'vmdr',
      startedAt: T(0).toISOString(),
      endedAt: T(2).toISOString(),
      result: 'partial',
      counts: { created: 3, failed: 1 },
      error: 'VULN-9 rejected',
    });
  });

  it('last is the newest run of that job, not of another', () => {
    runs.finish(runs.start('vmdr', T(0)), 'ok', {});
    const second = runs.start('vmdr', T(5));
    runs.finish(second, 'failed', {}, 'boom');
    runs.finish(runs.start('xray', T(6)), 'ok', {});
    expect(runs.last('vmdr')).to.include({ id: second, result: 'failed', error: 'boom' });
    expect(runs.last('never-ran')).to.equal(undefined);
  });

  it('closes a run left running by a crash as failed when the job starts again', () => {
    const crashed = runs.start('vmdr', T(0));
    const other = runs.start('xray', T(0));
    const next = runs.start('vmdr', T(10));
    const row = db.prepare(`SELECT result, ended_at, error FROM runs WHERE id = ?`).get(crashed);
    expect(row).to.deep.equal({ result: 'failed', ended_at: T(10).toISOString(), error: 'interrupted (process stopped during the run)' });
    // Only that job's run: another job's cycle may well be running.
    expect(runs.last('xray')).to.include({ id: other, result: 'running' });
    expect(runs.last('vmdr')).to.include({ id: next, result: 'running' });
  });
});
