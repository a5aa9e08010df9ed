import { expect } from 'chai';
import { OutboxDrainer } from '../../connector/delivery/outboxDrainer.js';
import { ExternalHostError, SinkError } from '../../connector/errors.js';
import type { IncidentEvent, IncidentSender } from '../../connector/incidents/types.js';
import { silentLogger } from '../../connector/log.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';

function event(dedupKey: string, action: 'trigger' | 'resolve' = 'trigger'): IncidentEvent {
  return { action, dedupKey, summary: `s ${dedupKey}`, severity: 'error', source: 'test', timestamp: '2026-11-01T00:00:00Z', customDetails: {}, links: [] };
}

/** A sender whose answers the test scripts; records what it accepted. */
class ScriptedSender implements IncidentSender {
  readonly type = 'test';
  readonly host = 'incidents.test';
  accepted: string[] = [];
  failures: Array<Error | undefined> = [];
  constructor(readonly eventsPerMinute = 1000) {}
  async send(e: IncidentEvent): Promise<void> {
    const f = this.failures.shift();
    if (f) throw f;
    this.accepted.push(`${e.action} ${e.dedupKey}`);
  }
}

describe('delivery/OutboxDrainer', () => {
  let state: State;
  let clock: number;
  const now = () => clock;
  /** The drainer's waits move the test clock instead of taking time. */
  const sleep = async (ms: number) => {
    clock += ms;
  };
  const enqueue = (...events: IncidentEvent[]) => state.outbox.apply({ alerts: [], events: events.map((e) => ({ job: 'j', lane: 'pd', event: e })) });
  const drainer = (sender: IncidentSender) => new OutboxDrainer(state.outbox, [{ job: 'j', lane: 'pd', sender }], silentLogger(), now, sleep);
  const signal = new AbortController().signal;

  beforeEach(() => {
    state = openStateBundle(':memory:');
    clock = Date.parse('2026-11-01T00:00:00Z');
  });
  afterEach(() => state.close());

  it('sends in order and empties the outbox', async () => {
    const sender = new ScriptedSender();
    enqueue(event('a'), event('b'), event('a', 'resolve'));
    const r = await drainer(sender).drain({ signal });
    expect(sender.accepted).to.deep.equal(['trigger a', 'trigger b', 'resolve a']);
    expect(r).to.deep.equal({ sent: 3, retried: 0, rejected: 0, waiting: 0 });
    expect(state.outbox.counts()).to.deep.equal([]);
  });

  it('never sends faster than the endpoint takes: at most eventsPerMinute in any 60 s', async () => {
    const sender = new ScriptedSender(5);
    const sentAt: number[] = [];
    const send = sender.send.bind(sender);
    sender.send = async (e) => {
      sentAt.push(clock);
      await send(e);
    };
    enqueue(...Array.from({ length: 12 }, (_, i) => event(`k${i}`)));
    await drainer(sender).drain({ signal });
    expect(sender.accepted).to.have.length(12);
    for (let i = 5; i < sentAt.length; i++) expect((sentAt[i] as number) - (sentAt[i - 5] as number)).to.be.at.least(60_000);
  });

  it('with a deadline, leaves what the rate limit holds back in the outbox', async () => {
    const sender = new ScriptedSender(5);
    enqueue(...Array.from({ length: 8 }, (_, i) => event(`k${i}`)));
    const r = await drainer(sender).drain({ signal, deadline: clock + 1000 });
    expect(r).to.include({ sent: 5, waiting: 3 });
  });

  it('waits out a 429 (Retry-After) for the whole lane, then delivers everything once', async () => {
    const sender = new ScriptedSender();
    sender.failures = [new ExternalHostError('HOST_RATE_LIMITED', 'throttled', { host: 'incidents.test', status: 429, retryAfterMs: 30_000 })];
    enqueue(event('a'), event('b'));
    const start = clock;
    const r = await drainer(sender).drain({ signal });
    expect(sender.accepted).to.deep.equal(['trigger a', 'trigger b']);
    expect(r).to.include({ sent: 2, retried: 1, waiting: 0 });
    expect(clock - start).to.be.at.least(30_000);
  });

  it('sets a rejected event (400) aside with the reason and goes on; a resolve never overtakes its unsent trigger', async () => {
    const sender = new ScriptedSender();
    sender.failures = [
      new SinkError('SINK_REJECTED', 'PagerDuty rejected the event: payload.summary is missing', { host: 'incidents.test' }),
      new ExternalHostError('HOST_ERROR', 'HTTP 502', { host: 'incidents.test', status: 502 }),
    ];
    enqueue(event('bad'), event('a'), event('a', 'resolve'), event('c'));
    const r = await drainer(sender).drain({ signal, wait: false });
    // `a` failed once (502) and waits; its resolve must wait behind it; `c` goes.
    expect(sender.accepted).to.deep.equal(['trigger c']);
    expect(r).to.include({ rejected: 1, retried: 1, waiting: 2 });
    expect(state.outbox.counts()).to.deep.equal([{ job: 'j', lane: 'pd', waiting: 2, rejected: 1, lastError: 'incidents.test: HTTP 502' }]);
    await drainer(sender).drain({ signal });
    expect(sender.accepted).to.deep.equal(['trigger c', 'trigger a', 'resolve a']);
  });

  it('keeps an event in the outbox when the endpoint is down (nothing lost across a restart)', async () => {
    const sender = new ScriptedSender();
    sender.failures = Array.from({ length: 3 }, () => new ExternalHostError('HOST_UNREACHABLE', 'cannot reach host', { host: 'incidents.test' }));
    enqueue(event('a'));
    await drainer(sender).drain({ signal, wait: false });
    expect(state.outbox.counts()[0]).to.include({ waiting: 1 });
    // A new drainer (a restarted daemon) delivers it once the endpoint is back.
    await drainer(sender).drain({ signal });
    expect(sender.accepted).to.deep.equal(['trigger a']);
    expect(state.outbox.counts()).to.deep.equal([]);
  });
});
