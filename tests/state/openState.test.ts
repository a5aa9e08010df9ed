import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { StateError } from '../../connector/errors.js';
import { migrations } from '../../connector/state/migrations.js';
import { openState } from '../../connector/state/openState.js';
import { countOpen, HAS_KEY_SQL, TicketStore, type TicketRow } from '../../connector/state/ticketStore.js';

describe('state/openState', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vb-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and the database, applies every migration, and keeps data across a reopen', () => {
    const stateDir = path.join(dir, 'nested', 'state');
    const db = openState(stateDir);
    expect(db.pragma('user_version', { simple: true })).to.equal(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.prepare(`INSERT INTO cursors (job, name, value, updated_at) VALUES ('j', 'since', 'x', 'now')`).run();
    db.close();

    const again = openState(stateDir);
    expect(again.prepare(`SELECT value FROM cursors WHERE job = 'j'`).get()).to.deep.equal({ value: 'x' });
    expect(again.pragma('user_version', { simple: true })).to.equal(migrations.length);
    again.close();
  });

  it('runs in WAL with synchronous=NORMAL and a WAL size limit; a scratch database (dry run) keeps its journal in memory', () => {
    const db = openState(dir);
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(db.pragma('synchronous', { simple: true })).to.equal(1); // NORMAL
    expect(db.pragma('journal_size_limit', { simple: true })).to.equal(64 * 1024 * 1024);
    db.close();
    const scratch = openState(path.join(dir, 'scratch'), 'dry-run.db', { scratch: true });
    expect(scratch.pragma('journal_mode', { simple: true })).to.equal('memory');
    expect(scratch.pragma('synchronous', { simple: true })).to.equal(0);
    expect(scratch.pragma('user_version', { simple: true })).to.equal(migrations.length);
    scratch.close();
  });

  it('tickets.hasKey finds a ticket by its Jira key index, never by walking the job (the lost-database check)', () => {
    const db = openState(dir);
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
       INSERT INTO tickets (job, pk, role, primary_key, marker, state, jira_key, created_at, updated_at)
       SELECT 'job' || (i % 2), 'single:' || i, 'single', 'k' || i, 'vb-' || i, 'open', 'VULN-' || i, '', '' FROM n`,
    ).run();
    const store = new TicketStore(db);
    expect(store.hasKey('job1', 'VULN-7')).to.equal(true);
    expect(store.hasKey('job0', 'VULN-7')).to.equal(false);
    expect(store.hasKey('job1', 'VULN-99999')).to.equal(false);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${HAS_KEY_SQL}`).all({ key: 'VULN-7', job: 'job1' }) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).to.contain('tickets_jira_key');
    db.close();
  });

  it('indexes of a column many rows leave empty (a parent, a Jira key, a scope) hold only rows that fill it, and still serve the queries by it', () => {
    const db = openState(dir);
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
       INSERT INTO tickets (job, pk, role, primary_key, parent_pk, marker, state, jira_key, created_at, updated_at)
       SELECT 'job', 'child:' || i, 'child', 'k' || i, CASE WHEN i % 3 = 0 THEN 'parent:1' END, 'vb-' || i, 'open', CASE WHEN i % 2 = 0 THEN 'VULN-' || i END, '', '' FROM n`,
    ).run();
    db.prepare(
      `INSERT INTO findings (job, fkey, parent_key, status, operation, first_seen, last_seen, scope, data, lookups)
       VALUES ('job', 'a', '', 'New', 'open', '', '', NULL, NULL, NULL), ('job', 'b', '', 'New', 'open', '', '', 'watch', '{}', '[]')`,
    ).run();
    // Entries each index holds (its cells, interior ones included: an index b-tree keeps keys there too).
    const entries = (index: string) => db.prepare(`SELECT sum(ncell) FROM dbstat WHERE name = ?`).pluck().get(index);
    expect(entries('tickets_finding')).to.equal(300);
    expect(entries('tickets_parent')).to.equal(100);
    expect(entries('tickets_jira_key')).to.equal(150);
    expect(entries('findings_scope_fkey')).to.equal(1);
    expect(entries('tickets_open')).to.equal(db.prepare(`SELECT count(*) FROM tickets WHERE state = 'open'`).pluck().get());
    expect(countOpen(db, 'job')).to.equal(entries('tickets_open'));
    const planOf = (sql: string, ...args: string[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((p) => p.detail).join(' ');
    expect(planOf(`SELECT * FROM tickets WHERE job = ? AND parent_pk = ?`, 'job', 'parent:1')).to.contain('tickets_parent');
    expect(planOf(HAS_KEY_SQL.replace(/@key/g, "'VULN-2'").replace('@job', "'job'"))).to.contain('tickets_jira_key');
    expect(planOf(`SELECT fkey FROM findings WHERE job = ? AND scope = ? AND fkey > ? ORDER BY fkey`, 'job', 'watch', '')).to.contain('findings_scope_fkey');
    expect(new TicketStore(db).children('job', 'parent:1')).to.have.length(100);
    db.close();
  });

  it('tickets.put writes a ticket again without rewriting the index entries of what did not change; a new identity is written whole', () => {
    const db = openState(dir);
    const store = new TicketStore(db);
    const row = (i: number, over: Partial<TicketRow> = {}): TicketRow => ({
      job: 'job', pk: `single:${i}`, role: 'single', primaryKey: `k${i}`, marker: `vb-${i}`, state: 'pending', linked: false,
      fieldHashes: {}, labels: [], findingKey: `host:${i}`, ...over,
    });
    store.put(Array.from({ length: 3000 }, (_, i) => row(i)));
    db.pragma('wal_checkpoint(TRUNCATE)');
    // The pages the next transaction writes: the WAL's frames (a 32-byte header, then a 24-byte header and a page each).
    const pagesWritten = (): string[] => {
      const wal = readFileSync(path.join(dir, 'vulnbridge.db-wal'));
      const size = wal.readUInt32BE(8);
      const pages = new Set<number>();
      for (let at = 32; at + 24 + size <= wal.length; at += 24 + size) pages.add(wal.readUInt32BE(at));
      const owner = db.prepare(`SELECT name FROM dbstat WHERE pageno = ?`).pluck();
      return [...new Set([...pages].map((p) => owner.get(p) as string))].sort();
    };
    store.put([row(1500, { state: 'open', jiraKey: 'VULN-1500', jiraId: '1500', fieldHashes: { summary: 'h' } })]);
    // Its key is new, and it is open now (the index of open tickets: countOpen).
    expect(pagesWritten()).to.deep.equal(['tickets', 'tickets_jira_key', 'tickets_open']);
    db.pragma('wal_checkpoint(TRUNCATE)');
    // What changes over a ticket's life is set each time, and SQLite rewrites the entries of
    // the indexes on those columns even when the value is the same; not the identity's.
    store.put([row(1500, { state: 'open', jiraKey: 'VULN-1500', jiraId: '1500', fieldHashes: { summary: 'h2' } })]);
    expect(pagesWritten()).to.deep.equal(['tickets', 'tickets_jira_key', 'tickets_open']);
    expect(store.get('job', 'single:1500')).to.include({ state: 'open', jiraKey: 'VULN-1500', findingKey: 'host:1500' });
    db.pragma('wal_checkpoint(TRUNCATE)');
    store.put([row(1500, { state: 'open', jiraKey: 'VULN-1500', jiraId: '1500', findingKey: 'host:1500|proto:udp' })]);
    expect(pagesWritten()).to.include('tickets_finding');
    expect(store.get('job', 'single:1500')).to.include({ state: 'open', jiraKey: 'VULN-1500', findingKey: 'host:1500|proto:udp' });
    expect(store.hasKey('job', 'VULN-1500')).to.equal(true);
    db.close();
  });

  it('brings a database of the first schema up to date, keeping its rows', () => {
    const old = new Database(path.join(dir, 'vulnbridge.db'));
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO runs (job, started_at, result) VALUES ('j', 'then', 'ok')`).run();
    old.close();

    const db = openState(dir);
    expect(db.pragma('user_version', { simple: true })).to.equal(migrations.length);
    // A table a later migration adds is there, and the old row survived.
    expect(db.prepare(`SELECT COUNT(*) AS n FROM inbox`).get()).to.deep.equal({ n: 0 });
    expect(db.prepare(`SELECT job, result FROM runs`).all()).to.deep.equal([{ job: 'j', result: 'ok' }]);
    db.close();
  });

  it('refuses a database newer than this version, naming both versions', () => {
    const db = openState(dir);
    db.pragma(`user_version = ${migrations.length + 3}`);
    db.close();
    let err: unknown;
    try {
      openState(dir);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StateError);
    expect((err as StateError).code).to.equal('STATE_ERROR');
    expect((err as StateError).message).to.contain(`schema version ${migrations.length + 3}`).and.to.contain(`(${migrations.length})`);
  });

  it('turns a state directory it cannot create into a StateError with a hint', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    let err: unknown;
    try {
      openState(path.join(file, 'state'));
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StateError);
    expect((err as StateError).message).to.match(/^cannot open the state database/);
    expect((err as StateError).hint).to.contain('writable');
  });

  it(':memory: opens a fresh, fully migrated database each time', () => {
    const a = openState(':memory:');
    a.prepare(`INSERT INTO cursors (job, name, value, updated_at) VALUES ('j', 'since', 'x', 'now')`).run();
    const b = openState(':memory:');
    expect(b.prepare(`SELECT COUNT(*) AS n FROM cursors`).get()).to.deep.equal({ n: 0 });
    expect(b.pragma('user_version', { simple: true })).to.equal(migrations.length);
    a.close();
    b.close();
  });
});
