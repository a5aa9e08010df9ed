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
      counts: { created: 3, failed: 1, openTickets: 0 },
      error: 'VULN-9 rejected',
    });
  });

  it('records the job’s open tickets at the end of a run, its route lanes’ included, for the run history chart', () => {
    const ticket = db.prepare(
      `INSERT INTO tickets (job, pk, role, primary_key, marker, state, created_at, updated_at) VALUES (?, ?, 'single', ?, ?, ?, 'x', 'x')`,
    );
    const add = (job: string, pk: string, state: string) => ticket.run(job, pk, pk, `vb-${job}-${pk}`, state);
    add('vmdr', 'a', 'open');
    add('vmdr', 'b', 'closed');
    add('vmdr', 'c', 'pending');
    add('vmdr-1a2b3c', 'd', 'open'); // a route lane of vmdr
    add('vmdr-other-job', 'e', 'open'); // another job, not a lane
    add('xray', 'f', 'open');
    const id = runs.start('vmdr', T(0));
    runs.finish(id, 'failed', { findings: 4 }, 'boom', T(1));
    expect(runs.last('vmdr')?.counts).to.deep.equal({ findings: 4, openTickets: 2 });
    // Counted from the index of open tickets: a ticket closed or reopened moves out of it and back.
    db.prepare(`UPDATE tickets SET state = 'closed' WHERE job = 'vmdr' AND pk = 'a'`).run();
    db.prepare(`UPDATE tickets SET state = 'open' WHERE job = 'vmdr' AND pk = 'c'`).run();
    db.prepare(`UPDATE tickets SET state = 'closed' WHERE job = 'vmdr-1a2b3c'`).run();
    runs.finish(runs.start('vmdr', T(2)), 'ok', {}, undefined, T(3));
    expect(runs.last('vmdr')?.counts).to.deep.equal({ openTickets: 1 });
    // A job whose name has GLOB's special characters: its lanes only, not its look-alikes.
    add('v[1]*', 'g', 'open');
    add('v[1]*-9f8e7d', 'h', 'open');
    add('v1x-9f8e7d', 'i', 'open');
    runs.finish(runs.start('v[1]*', T(4)), 'ok', {}, undefined, T(5));
    expect(runs.last('v[1]*')?.counts).to.deep.equal({ openTickets: 2 });
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
