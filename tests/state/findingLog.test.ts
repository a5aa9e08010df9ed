import { expect } from 'chai';
import { FindingLog } from '../../connector/state/findingLog.js';
import { openState, type Db } from '../../connector/state/openState.js';
import { finding } from './stateKit.js';

const T = (min: number) => new Date(Date.UTC(2026, 0, 1, 12, min));

describe('state/FindingLog', () => {
  let db: Db;
  let log: FindingLog;
  beforeEach(() => {
    db = openState(':memory:');
    log = new FindingLog(db);
  });
  afterEach(() => db.close());

  it('records what was decided per finding and counts by status; a second record updates, never duplicates', () => {
    log.record('vmdr', [
      { fkey: 'a', parentKey: 'h1', status: 'Active', operation: 'open' },
      { fkey: 'b', parentKey: 'h1', status: 'Fixed', operation: 'close' },
    ], T(0));
    log.record('vmdr', [{ fkey: 'a', parentKey: 'h1', status: 'Fixed', operation: 'close' }], T(5));
    log.record('other', [{ fkey: 'a', parentKey: '', status: 'Active', operation: 'open' }], T(5));
    expect(log.countsByStatus('vmdr')).to.deep.equal({ Fixed: 2 });
    expect(db.prepare(`SELECT first_seen, last_seen, operation FROM findings WHERE job = 'vmdr' AND fkey = 'a'`).get()).to.deep.equal({
      first_seen: T(0).toISOString(),
      last_seen: T(5).toISOString(),
      operation: 'close',
    });
  });

  it('keeps the last data only of findings recorded with it', () => {
    log.record('xray', [
      { fkey: 'with', parentKey: '', status: 'Active', operation: 'open', finding: finding('with', { data: { CVE: 'CVE-1' }, scope: 'w' }) },
      { fkey: 'without', parentKey: '', status: 'Active', operation: 'open' },
    ]);
    const data = log.lastData('xray', ['with', 'without', 'unknown', 'with']);
    expect([...data.entries()]).to.deep.equal([['with', { CVE: 'CVE-1' }]]);
  });

  describe('lastSeenBefore (resolution by absence)', () => {
    const seen = (key: string, at: Date, over: Parameters<typeof finding>[1] = {}, status = 'Active') =>
      log.record('xray', [{ fkey: key, parentKey: 'p', status, operation: 'open', finding: finding(key, { scope: 'watch-a', ...over }) }], at);

    it('yields the scope’s findings not seen since the cut-off, with the gone status in their data', () => {
      seen('old', T(0), { lookups: [{ ns: 'kb', id: '1' }] });
      seen('fresh', T(10));
      seen('elsewhere', T(0), { scope: 'watch-b' });
      const gone = [...log.lastSeenBefore('xray', 'watch-a', T(5), 'Resolved')];
      expect(gone).to.deep.equal([
        { key: 'old', parentKey: 'p', scope: 'watch-a', status: 'Resolved', ignored: false, data: { ID: 'old', STATUS: 'Resolved' }, lookups: [{ ns: 'kb', id: '1' }] },
      ]);
    });

    it('skips findings already gone, and marks findings last seen as ignored', () => {
      seen('resolved-before', T(0), { status: 'Resolved' });
      seen('ignored', T(0), {}, 'Active/Ignored');
      const gone = [...log.lastSeenBefore('xray', 'watch-a', T(5), 'Resolved')];
      expect(gone.map((f) => [f.key, f.ignored])).to.deep.equal([['ignored', true]]);
    });

    it('reads in pages without losing or repeating a finding', () => {
      for (let i = 0; i < 7; i++) seen(`k${i}`, T(0));
      const keys = [...log.lastSeenBefore('xray', 'watch-a', T(5), 'Resolved', 3)].map((f) => f.key);
      expect(keys).to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    });
  });
});
