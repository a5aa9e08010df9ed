import { expect } from 'chai';
import { Inbox, MAX_INBOX_ATTEMPTS } from '../../connector/state/inbox.js';
import { openState, type Db } from '../../connector/state/openState.js';

const AT = new Date('2026-02-01T08:00:00Z');

describe('state/Inbox', () => {
  let db: Db;
  let inbox: Inbox;
  beforeEach(() => {
    db = openState(':memory:');
    inbox = new Inbox(db);
  });
  afterEach(() => db.close());

  it('keeps payloads per job, oldest first, until they are done', () => {
    const a = inbox.add('xray', '{"n":1}', 'first', AT);
    const b = inbox.add('xray', '{"n":2}', 'second', AT);
    inbox.add('other', '{}', 'elsewhere', AT);
    expect(inbox.waiting('xray').map((r) => [r.id, r.body, r.description, r.attempts])).to.deep.equal([
      [a, '{"n":1}', 'first', 0],
      [b, '{"n":2}', 'second', 0],
    ]);
    expect(inbox.waiting('xray', 1).map((r) => r.id)).to.deep.equal([a]);
    expect(inbox.waiting('xray')[0]?.receivedAt).to.equal(AT.toISOString());
    inbox.done([a]);
    expect(inbox.waiting('xray').map((r) => r.id)).to.deep.equal([b]);
    inbox.done([b]);
    expect(inbox.any('xray')).to.equal(false);
    expect(inbox.any('other')).to.equal(true);
  });

  it('puts the connection back to synchronous=NORMAL after the durable add', () => {
    inbox.add('xray', '{}', 'x', AT);
    expect(db.pragma('synchronous', { simple: true })).to.equal(1); // NORMAL
  });

  it('counts failed attempts with the last error, and sets a payload aside after the limit', () => {
    const id = inbox.add('xray', 'not json', 'broken', AT);
    for (let i = 1; i < MAX_INBOX_ATTEMPTS; i++) inbox.failed([id], `attempt ${i}`);
    expect(inbox.waiting('xray')).to.have.length(1);
    expect(inbox.waiting('xray')[0]).to.include({ attempts: MAX_INBOX_ATTEMPTS - 1, error: `attempt ${MAX_INBOX_ATTEMPTS - 1}` });
    expect(inbox.counts()).to.deep.equal([{ job: 'xray', waiting: 1, setAside: 0, lastError: `attempt ${MAX_INBOX_ATTEMPTS - 1}` }]);

    inbox.failed([id], 'given up');
    expect(inbox.waiting('xray')).to.deep.equal([]);
    expect(inbox.any('xray')).to.equal(false);
    // Set aside, not deleted: `status` still shows it.
    expect(inbox.counts()).to.deep.equal([{ job: 'xray', waiting: 0, setAside: 1, lastError: 'given up' }]);
  });

  it('counts per job in job order; a job without errors has no lastError', () => {
    inbox.add('b-job', '{}', 'x', AT);
    inbox.add('a-job', '{}', 'y', AT);
    inbox.add('a-job', '{}', 'z', AT);
    expect(inbox.counts()).to.deep.equal([
      { job: 'a-job', waiting: 2, setAside: 0, lastError: undefined },
      { job: 'b-job', waiting: 1, setAside: 0, lastError: undefined },
    ]);
  });

  /** Failed as often as it takes to be set aside. */
  const setAside = (id: number) => {
    for (let i = 1; i <= MAX_INBOX_ATTEMPTS; i++) inbox.failed([id], `attempt ${i}`);
  };

  it('selects by state, id and job with the description and size, never the body', () => {
    const a = inbox.add('xray', '{"watch_name":"w","issues":[]}', 'schema 1.1: 0 issues, watch w', AT);
    const b = inbox.add('xray', '{"é":1}', 'second', AT);
    const c = inbox.add('other', '{}', 'elsewhere', AT);
    setAside(a);
    const [item, ...rest] = inbox.select({ states: ['set aside'] });
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.equal({ id: a, job: 'xray', receivedAt: AT.toISOString(), description: 'schema 1.1: 0 issues, watch w', bytes: 30, attempts: MAX_INBOX_ATTEMPTS, state: 'set aside', error: `attempt ${MAX_INBOX_ATTEMPTS}` });
    expect(inbox.select({ states: ['waiting'] }).map((i) => [i.id, i.bytes])).to.deep.equal([
      [b, 8], // UTF-8 bytes, not characters
      [c, 2],
    ]);
    expect(inbox.select({ states: ['waiting', 'set aside'], job: 'xray' }).map((i) => [i.id, i.state])).to.deep.equal([
      [a, 'set aside'],
      [b, 'waiting'],
    ]);
    expect(inbox.select({ states: ['set aside'], ids: [b, c] })).to.deep.equal([]);
    expect(inbox.select({ states: [], ids: [a] })).to.deep.equal([]);
  });

  it('retry gives a set-aside payload a fresh set of attempts: waiting() takes it again; a waiting one is not touched', () => {
    const a = inbox.add('xray', '{}', 'a', AT);
    const b = inbox.add('xray', '{}', 'b', AT);
    setAside(a);
    inbox.failed([b], 'once');
    expect(inbox.waiting('xray').map((r) => r.id)).to.deep.equal([b]);
    expect(inbox.retrySetAside([a, b, 404])).to.deep.equal([a]);
    expect(inbox.waiting('xray').map((r) => [r.id, r.attempts, r.error])).to.deep.equal([
      [a, 0, undefined],
      [b, 1, 'once'],
    ]);
    expect(inbox.any('xray')).to.equal(true);
  });

  it('drop deletes set-aside payloads, and waiting ones only when asked', () => {
    const a = inbox.add('xray', '{}', 'a', AT);
    const b = inbox.add('xray', '{}', 'b', AT);
    setAside(a);
    expect(inbox.drop([a, b], { waiting: false })).to.deep.equal([a]);
    expect(inbox.waiting('xray').map((r) => r.id)).to.deep.equal([b]);
    expect(inbox.drop([b], { waiting: true })).to.deep.equal([b]);
    expect(inbox.counts()).to.deep.equal([]);
  });
});
