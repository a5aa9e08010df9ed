import { expect } from 'chai';
import { openState, type Db } from '../../connector/state/openState.js';
import { PendingFindings, Staging } from '../../connector/state/staging.js';
import { finding } from './stateKit.js';

describe('state/Staging', () => {
  let db: Db;
  beforeEach(() => {
    db = openState(':memory:');
  });
  afterEach(() => db.close());

  it('pages staged findings grouped by parent, in arrival order within a parent, across page boundaries', () => {
    const staging = new Staging(db, 1);
    staging.add([finding('a1', { parentKey: 'host-b' }), finding('b1', { parentKey: 'host-a' }), finding('a2', { parentKey: 'host-b' })]);
    staging.add([finding('b2', { parentKey: 'host-a' }), finding('orphan')]);
    const pages = [...staging.pages(2)];
    expect(pages.map((p) => p.map((f) => f.key))).to.deep.equal([['orphan', 'b1'], ['b2', 'a1'], ['a2']]);
    expect(staging.count).to.equal(5);
    expect(pages[0]?.[0]).to.deep.equal({ seq: 5, key: 'orphan', parentKey: '', status: 'Active', ignored: false, data: { ID: 'orphan' }, lookups: [] });
  });

  it('lookup order brings findings of the same first lookup together, and collects the lookup ids named', () => {
    const staging = new Staging(db, 1, 'lookup');
    const kb = (id: string) => ({ ns: 'qualys.kb', id, into: 'VULN' });
    staging.add([
      finding('h1-q2', { lookups: [kb('2'), { ns: 'qualys.host', id: 'h1' }] }),
      finding('h1-q1', { lookups: [kb('1')] }),
      finding('h2-q2', { lookups: [kb('2'), { ns: 'qualys.host', id: 'h2' }] }),
    ]);
    expect([...staging.pages()].flat().map((f) => f.key)).to.deep.equal(['h1-q1', 'h1-q2', 'h2-q2']);
    expect(Object.fromEntries([...staging.lookupIds].map(([ns, ids]) => [ns, [...ids].sort()]))).to.deep.equal({
      'qualys.kb': ['1', '2'],
      'qualys.host': ['h1', 'h2'],
    });
  });

  it('keeps runs apart in TEMP tables of the connection (nothing in the state), and clear drops one run only', () => {
    const temp = () => db.prepare(`SELECT name FROM temp.sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    const before = temp().length;
    const one = new Staging(db, 1);
    const two = new Staging(db, 2);
    one.add([finding('x', { scope: 'w', ignored: true })]);
    two.add([finding('y')]);
    expect([...one.pages()].flat()).to.deep.equal([{ scope: 'w', seq: 1, key: 'x', parentKey: '', status: 'Active', ignored: true, data: { ID: 'x' }, lookups: [] }]);
    expect(temp()).to.have.length(before + 2);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM main.staged`).get()).to.deep.equal({ n: 0 });
    one.clear();
    one.clear();
    expect(temp()).to.have.length(before + 1);
    expect([...two.pages()].flat().map((f) => f.key)).to.deep.equal(['y']);
  });

  it('addUnstaged stages only keys not staged yet, and needs trackKeys', () => {
    const staging = new Staging(db, 1, 'parent', true);
    staging.add([finding('a')]);
    expect(staging.addUnstaged([finding('a'), finding('b'), finding('c'), finding('b')], 2)).to.equal(2);
    expect([...staging.pages()].flat().map((f) => f.key)).to.deep.equal(['a', 'b', 'c']);
    expect(() => new Staging(db, 2).addUnstaged([finding('a')])).to.throw(/needs trackKeys/);
  });
});

describe('state/PendingFindings', () => {
  let db: Db;
  let pending: PendingFindings;
  beforeEach(() => {
    db = openState(':memory:');
    pending = new PendingFindings(db);
  });
  afterEach(() => db.close());

  it('keeps a failed finding with its error and counts the attempts until resolved', () => {
    expect(pending.any('vmdr')).to.equal(false);
    pending.markFailed('vmdr', finding('a'), 'Jira said no');
    pending.markFailed('vmdr', finding('a', { status: 'Fixed' }), 'Jira still says no');
    pending.markFailed('vmdr', finding('b'), 'other');
    pending.markFailed('xray', finding('a'), 'elsewhere');
    expect(pending.list('vmdr')).to.deep.equal([
      { fkey: 'a', error: 'Jira still says no', attempts: 2 },
      { fkey: 'b', error: 'other', attempts: 1 },
    ]);
    pending.resolved('vmdr', ['a', 'b']);
    expect(pending.any('vmdr')).to.equal(false);
    expect(pending.any('xray')).to.equal(true);
  });

  it('Staging.addPending re-queues failed findings unless the pull staged a fresher copy', () => {
    pending.markFailed('vmdr', finding('stale', { data: { ID: 'old' }, parentKey: 'h' }), 'e');
    pending.markFailed('vmdr', finding('only-pending', { parentKey: 'h', scope: 's' }), 'e');
    pending.markFailed('other', finding('not-this-job'), 'e');
    const staging = new Staging(db, 7);
    staging.add([finding('stale', { data: { ID: 'new' }, parentKey: 'h' })]);
    expect(staging.addPending('vmdr')).to.equal(1);
    const staged = [...staging.pages()].flat();
    expect(staged.map((f) => [f.key, f.data.ID, f.scope])).to.deep.equal([
      ['stale', 'new', undefined],
      ['only-pending', 'only-pending', 's'],
    ]);
  });
});
