import { expect } from 'chai';
import { CursorStore } from '../../connector/state/cursorStore.js';
import { openState, type Db } from '../../connector/state/openState.js';

describe('state/CursorStore', () => {
  let db: Db;
  let cursors: CursorStore;
  beforeEach(() => {
    db = openState(':memory:');
    cursors = new CursorStore(db);
  });
  afterEach(() => db.close());

  it('has no cursor for a job never run', () => {
    expect(cursors.get('vmdr')).to.deep.equal({});
  });

  it('keeps cursors per job and overwrites a name instead of adding a second one', () => {
    cursors.set('vmdr', { since: '2026-01-01T00:00:00Z', idMin: '10' });
    cursors.set('xray', { since: 'x' });
    cursors.set('vmdr', { since: '2026-01-02T00:00:00Z' });
    expect(cursors.get('vmdr')).to.deep.equal({ since: '2026-01-02T00:00:00Z', idMin: '10' });
    expect(cursors.get('xray')).to.deep.equal({ since: 'x' });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM cursors WHERE job = 'vmdr'`).get()).to.deep.equal({ n: 2 });
  });

  it('records when each cursor moved', () => {
    cursors.set('vmdr', { since: 'a' }, new Date('2026-03-01T10:00:00Z'));
    expect(db.prepare(`SELECT updated_at FROM cursors WHERE job = 'vmdr'`).get()).to.deep.equal({ updated_at: '2026-03-01T10:00:00.000Z' });
  });

  it('clear forgets one job only', () => {
    cursors.set('vmdr', { since: 'a' });
    cursors.set('xray', { since: 'b' });
    cursors.clear('vmdr');
    expect(cursors.get('vmdr')).to.deep.equal({});
    expect(cursors.get('xray')).to.deep.equal({ since: 'b' });
  });
});
