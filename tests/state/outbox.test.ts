import { expect } from 'chai';
import type { IncidentEvent } from '../../connector/model/incidentEvent.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import type { AlertRow } from '../../connector/state/outbox.js';

const T0 = new Date('2026-11-01T08:00:00Z');
const T1 = new Date('2026-11-01T09:00:00Z');

function event(dedupKey: string, action: 'trigger' | 'resolve' = 'trigger', summary = `s ${dedupKey}`): IncidentEvent {
  return { action, dedupKey, summary, severity: 'critical', source: 'test', timestamp: T0.toISOString(), customDetails: { secretish: 'x'.repeat(50) }, links: [] };
}

const alert = (dedupKey: string, state: AlertRow['state'], job = 'j'): AlertRow => ({ job, lane: 'pd', dedupKey, kind: 'alert', state, payloadHash: state, label: '' });

describe('state/Outbox: set-aside events for the operator (select, retrySetAside, drop)', () => {
  let state: State;
  /** Queue one event with its alert row, as the pipeline does (one transaction, one time). */
  const queue = (e: IncidentEvent, at = T0, job = 'j') => {
    state.outbox.apply({ alerts: [alert(e.dedupKey, e.action === 'trigger' ? 'triggered' : 'resolved', job)], events: [{ job, lane: 'pd', event: e }] }, at);
    return (state.db.prepare('SELECT MAX(id) AS id FROM outbox').get() as { id: number }).id;
  };
  const ids = (job = 'j') => state.outbox.due(job, 'pd', Date.now(), 100).map((r) => r.id);

  beforeEach(() => {
    state = openStateBundle(':memory:');
  });
  afterEach(() => state.close());

  it('selects by state, id and job, oldest first, with summary, severity and the last error', () => {
    const a = queue(event('a'));
    const b = queue(event('b'));
    const c = queue(event('c'), T0, 'other');
    state.outbox.rejected(a, 'PagerDuty answered 400: routing_key invalid');
    const setAside = state.outbox.select({ states: ['set aside'] });
    expect(setAside).to.have.length(1);
    expect(setAside[0]).to.deep.include({ id: a, job: 'j', lane: 'pd', dedupKey: 'a', action: 'trigger', state: 'set aside', superseded: false, attempts: 1, summary: 's a', severity: 'critical', lastError: 'PagerDuty answered 400: routing_key invalid', createdAt: T0.toISOString() });
    expect(state.outbox.select({ states: ['waiting'] }).map((i) => i.id)).to.deep.equal([b, c]);
    expect(state.outbox.select({ states: ['waiting', 'set aside'], job: 'j' }).map((i) => [i.id, i.state])).to.deep.equal([
      [a, 'set aside'],
      [b, 'waiting'],
    ]);
    expect(state.outbox.select({ states: ['waiting', 'set aside'], ids: [c, 999] }).map((i) => i.id)).to.deep.equal([c]);
    expect(state.outbox.select({ states: ['set aside'], ids: [b] })).to.deep.equal([]);
  });

  it('retry puts a set-aside event back at the head of its lane with a clean slate; the drainer then sees it once', () => {
    const a = queue(event('a'));
    state.outbox.retryLater(a, Date.now() + 3_600_000, 'timeout');
    state.outbox.rejected(a, 'rejected');
    expect(ids()).to.deep.equal([]);
    expect(state.outbox.retrySetAside([a])).to.deep.equal([a]);
    const [row] = state.outbox.select({ states: ['waiting'] });
    expect(row).to.include({ id: a, state: 'waiting', attempts: 0 });
    expect(row!.lastError).to.equal(undefined);
    expect(ids()).to.deep.equal([a]);
    // Retrying again touches nothing: it is waiting, not set aside.
    expect(state.outbox.retrySetAside([a, 12345])).to.deep.equal([]);
    expect(ids()).to.deep.equal([a]);
  });

  it('an event overtaken by a later one of its alert (queued, or sent and gone) is superseded and never retried', () => {
    const trigger = queue(event('k'));
    state.outbox.rejected(trigger, 'rejected');
    const resolve = queue(event('k', 'resolve'), T1);
    // The later resolve is still queued: the old trigger is superseded.
    expect(state.outbox.select({ states: ['set aside'] })[0]).to.include({ id: trigger, superseded: true });
    state.outbox.sent(resolve);
    // The resolve was sent and deleted: the alert row (changed at T1) still tells.
    expect(state.outbox.select({ states: ['set aside'] })[0]).to.include({ id: trigger, superseded: true });
    expect(state.outbox.retrySetAside([trigger])).to.deep.equal([]);
    expect(state.outbox.select({ states: ['set aside'] }).map((i) => i.id)).to.deep.equal([trigger]);
    // The newest event of an alert is not superseded, even with an older one set aside before it.
    const again = queue(event('k', 'trigger', 'came back'), new Date('2026-11-01T10:00:00Z'));
    state.outbox.rejected(again, 'rejected');
    expect(state.outbox.select({ states: ['set aside'] }).map((i) => [i.id, i.superseded])).to.deep.equal([
      [trigger, true],
      [again, false],
    ]);
    expect(state.outbox.retrySetAside([trigger, again])).to.deep.equal([again]);
    expect(ids()).to.deep.equal([again]);
  });

  it('drop deletes set-aside events, and waiting ones only when asked', () => {
    const a = queue(event('a'));
    const b = queue(event('b'));
    state.outbox.rejected(a, 'rejected');
    expect(state.outbox.drop([a, b], { waiting: false })).to.deep.equal([a]);
    expect(state.outbox.select({ states: ['waiting', 'set aside'] }).map((i) => i.id)).to.deep.equal([b]);
    expect(state.outbox.drop([b, 777], { waiting: true })).to.deep.equal([b]);
    expect(state.outbox.counts()).to.deep.equal([]);
    // The alert state stays as recorded: the next change of the finding queues the next event.
    expect(state.outbox.alert('j', 'pd', 'a')?.state).to.equal('triggered');
  });
});
