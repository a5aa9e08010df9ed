import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { OutboxDrainer } from '../../connector/delivery/outboxDrainer.js';
import { ExternalHostError } from '../../connector/errors.js';
import { createHttpClient } from '../../connector/http/client.js';
import { observeHttp } from '../../connector/http/httpObserver.js';
import type { IncidentSender } from '../../connector/incidents/types.js';
import { silentLogger } from '../../connector/log.js';
import { createMetrics, type Metrics } from '../../connector/metrics.js';
import { openStateBundle } from '../../connector/state/stateBundle.js';
import { sinkFor } from '../sinks/jira/fixtures.js';
import { fakeSleep, makeSource, pullAll } from '../sources/qualys-vmdr/qualysTestKit.js';
import { closedPort } from '../support/net.js';
import { QUALYS_SAMPLES } from '../support/sharedPaths.js';

const JIRA = 'https://acme.atlassian.test';
const QUALYS = 'https://qualysapi.test.example';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';
const EMPTY = readFileSync(`${QUALYS_SAMPLES}/hld_empty_response_jupiterone_recording.xml`, 'utf8');
const BODY_1965 = readFileSync(`${QUALYS_SAMPLES}/qualys_409_code1965_ratelimit.xml`, 'utf8');

/** The value of one series in the exposition text (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe('metrics: vendor HTTP calls by host and status class, throttling and its waits', () => {
  let metrics: Metrics;
  let unobserve: () => void;
  const text = async () => (await metrics.render()).text;

  beforeEach(() => {
    metrics = createMetrics({ defaultMetrics: false });
    // As the daemon wires it (startDaemon).
    unobserve = observeHttp(metrics.http);
  });
  afterEach(() => unobserve());

  it('Jira (jira.js): one 429 with Retry-After then 200 → 4xx 1, 2xx 1, throttled 1, waited the Retry-After', async () => {
    nock(JIRA)
      .get('/rest/api/3/issue/VULN-1')
      .query(true)
      .reply(429, { errorMessages: ['Rate limit exceeded'] }, { 'Retry-After': '7' })
      .get('/rest/api/3/issue/VULN-1')
      .query(true)
      .reply(200, { id: '1', key: 'VULN-1', fields: { status: { id: '1', name: 'Open', statusCategory: { id: 2, key: 'new', name: 'To Do' } } } });
    const { sink, waits } = sinkFor({ url: JIRA, flavor: 'cloud' });
    await sink.status('VULN-1');
    expect(waits).to.deep.equal([7000]);
    const t = await text();
    expect(series(t, 'vulnbridge_http_requests_total{host="acme.atlassian.test",class="4xx"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_requests_total{host="acme.atlassian.test",class="2xx"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_throttled_total{host="acme.atlassian.test"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_throttle_wait_seconds_total{host="acme.atlassian.test"}')).to.be.at.least(7);
  });

  it('Qualys: a 409 rate limit (CODE 1965) counts as throttled and its SECONDS_TO_WAIT as waited', async () => {
    nock(QUALYS).post(HLD).reply(409, BODY_1965.replace('68928', '42')).post(HLD).reply(200, EMPTY);
    const sleeps = fakeSleep();
    await pullAll(makeSource({}, { sleep: sleeps.sleep }));
    expect(sleeps.calls).to.deep.equal([42_000]);
    const t = await text();
    expect(series(t, 'vulnbridge_http_requests_total{host="qualysapi.test.example",class="4xx"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_requests_total{host="qualysapi.test.example",class="2xx"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_throttled_total{host="qualysapi.test.example"}')).to.equal(1);
    expect(series(t, 'vulnbridge_http_throttle_wait_seconds_total{host="qualysapi.test.example"}')).to.equal(42);
  });

  it('a call that got no answer counts as class error; 5xx as 5xx, not throttled', async () => {
    const port = await closedPort();
    await createHttpClient({ baseURL: `http://127.0.0.1:${port}` })
      .get('/a')
      .then(() => expect.fail('expected a refused connection'), () => undefined);
    nock('https://x.test').get('/b').reply(503);
    await createHttpClient({ baseURL: 'https://x.test' }).get('/b');
    const t = await text();
    expect(series(t, `vulnbridge_http_requests_total{host="127.0.0.1:${port}",class="error"}`)).to.equal(1);
    expect(series(t, 'vulnbridge_http_requests_total{host="x.test",class="5xx"}')).to.equal(1);
    expect(t).to.not.include('vulnbridge_http_throttled_total{');
  });

  it('the outbox: the pause after an endpoint’s 429 is a throttle wait; its own pacing is not', async () => {
    const state = openStateBundle(':memory:');
    try {
      let clock = Date.parse('2026-11-01T00:00:00Z');
      const failures: Error[] = [new ExternalHostError('HOST_RATE_LIMITED', 'throttled', { host: 'events.pd.test', status: 429, retryAfterMs: 30_000 })];
      const sender: IncidentSender = {
        type: 'test',
        host: 'events.pd.test',
        eventsPerMinute: 1,
        send: async () => {
          const f = failures.shift();
          if (f) throw f;
        },
      } as unknown as IncidentSender;
      const event = (k: string) => ({ action: 'trigger' as const, dedupKey: k, summary: k, severity: 'error' as const, source: 't', timestamp: '2026-11-01T00:00:00Z', customDetails: {}, links: [] });
      state.outbox.apply({ alerts: [], events: [event('a'), event('b')].map((e) => ({ job: 'j', lane: 'pd', event: e })) });
      const drainer = new OutboxDrainer(state.outbox, [{ job: 'j', lane: 'pd', sender }], silentLogger(), () => clock, async (ms) => {
        clock += ms;
      });
      const r = await drainer.drain({ signal: new AbortController().signal });
      expect(r.sent).to.equal(2);
      // 30 s paused by the 429; the 60 s window of eventsPerMinute 1 between a and b is ours.
      expect(series(await text(), 'vulnbridge_http_throttle_wait_seconds_total{host="events.pd.test"}')).to.equal(30);
    } finally {
      state.close();
    }
  });
});
