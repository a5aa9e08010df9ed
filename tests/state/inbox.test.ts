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
});
