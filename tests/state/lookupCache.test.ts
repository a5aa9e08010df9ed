import { expect } from 'chai';
import { LookupCache, lookupName } from '../../connector/state/lookupCache.js';
import { openState, type Db } from '../../connector/state/openState.js';

const CYCLE = Date.UTC(2026, 0, 1, 12);

describe('state/LookupCache', () => {
  let db: Db;
  beforeEach(() => {
    db = openState(':memory:');
  });
  afterEach(() => db.close());

  it('stores entries by namespace and id, and a put replaces what get returned', () => {
    const cache = new LookupCache(db);
    cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one' } }, { ns: 'host', id: '1', data: { IP: '10.0.0.1' } }], CYCLE);
    expect(cache.get('kb', '1')).to.deep.equal({ TITLE: 'one' });
    expect(cache.get('host', '1')).to.deep.equal({ IP: '10.0.0.1' });
    expect(cache.get('kb', '2')).to.equal(undefined);
    cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one, revised' } }, { ns: 'kb', id: '2', data: { TITLE: 'two' } }], CYCLE);
    expect(cache.get('kb', '1')).to.deep.equal({ TITLE: 'one, revised' });
    expect(cache.get('kb', '2')).to.deep.equal({ TITLE: 'two' });
  });

  it('putMany says which entries it changed (new ones too), unless told nobody asks', () => {
    const cache = new LookupCache(db);
    expect(cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one' } }], CYCLE)).to.deep.equal([lookupName('kb', '1')]);
    expect(cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one' } }, { ns: 'kb', id: '2', data: {} }], CYCLE)).to.deep.equal([lookupName('kb', '2')]);
    expect(cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'uno' } }, { ns: 'kb', id: '3', data: {} }], CYCLE, false)).to.deep.equal([]);
    // Stored all the same, with their versions.
    expect(cache.get('kb', '1')).to.deep.equal({ TITLE: 'uno' });
    expect(cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'uno' } }, { ns: 'kb', id: '3', data: {} }], CYCLE)).to.deep.equal([]);
  });

  it('stale: missing ids and ids older than the TTL (TTL 0: fetched before this cycle), in key order', () => {
    const cache = new LookupCache(db);
    cache.putMany([{ ns: 'kb', id: 'old', data: {} }], CYCLE - 2 * 3600_000);
    cache.putMany([{ ns: 'kb', id: 'recent', data: {} }], CYCLE - 60_000);
    cache.putMany([{ ns: 'kb', id: 'now', data: {} }], CYCLE);
    expect(cache.stale('kb', ['old', 'recent', 'now', 'missing'], 3600, CYCLE)).to.deep.equal(['missing', 'old']);
    expect(cache.stale('kb', ['old', 'recent', 'now', 'missing'], 0, CYCLE)).to.deep.equal(['missing', 'old', 'recent']);
    expect(cache.stale('host', ['now'], 3600, CYCLE)).to.deep.equal(['now']);
    // In SQLite's order of the keys, not the pull's: fetched and written so, a transaction of
    // new entries writes neighbouring index pages.
    expect(cache.stale('kb', new Set(['9', '38205', '10', '100', '1']), 0, CYCLE)).to.deep.equal(['1', '10', '100', '38205', '9']);
    const ordered = db.prepare(`SELECT id FROM (SELECT '9' AS id UNION ALL SELECT '38205' UNION ALL SELECT '10' UNION ALL SELECT '100' UNION ALL SELECT '1') ORDER BY id`).pluck().all();
    expect(ordered).to.deep.equal(['1', '10', '100', '38205', '9']);
  });

  it('with an overlay (dry run) writes go to the overlay, reads see both, the state is untouched', () => {
    new LookupCache(db).putMany([{ ns: 'kb', id: 'kept', data: { TITLE: 'in state' } }], CYCLE);
    const overlay = openState(':memory:');
    try {
      const cache = new LookupCache(db, overlay);
      cache.putMany([{ ns: 'kb', id: 'new', data: { TITLE: 'in overlay' } }], CYCLE);
      expect(cache.get('kb', 'kept')).to.deep.equal({ TITLE: 'in state' });
      expect(cache.get('kb', 'new')).to.deep.equal({ TITLE: 'in overlay' });
      expect(cache.stale('kb', ['kept', 'new', 'missing'], 0, CYCLE)).to.deep.equal(['missing']);
      expect(db.prepare(`SELECT id FROM lookups`).all()).to.deep.equal([{ id: 'kept' }]);
    } finally {
      overlay.close();
    }
  });

  it('versionReader: the version of a stored entry as asked ("-" when missing), the same however many are asked, a changed entry another', () => {
    const cache = new LookupCache(db);
    cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one' } }, { ns: 'host', id: '1', data: { IP: '10.0.0.1' } }], CYCLE);
    // A memo of two entries: asking for a third drops the least recent, asked again it is read again.
    const version = cache.versionReader(2);
    const kb1 = version('kb', '1');
    expect(kb1).to.match(/^[A-Za-z0-9+/]{12}$/);
    expect(version('host', '1')).to.not.equal(kb1);
    expect(version('kb', 'missing')).to.equal('-');
    expect(version('kb', '1')).to.equal(kb1);
    cache.putMany([{ ns: 'kb', id: '1', data: { TITLE: 'one, revised' } }], CYCLE);
    const revised = cache.versionReader()('kb', '1');
    expect(revised).to.not.equal(kb1);
    // An entry written before versions were kept: its data is hashed.
    db.prepare(`UPDATE lookups SET version = NULL WHERE ns = 'kb' AND id = '1'`).run();
    expect(cache.versionReader()('kb', '1')).to.equal(revised);
  });
});
