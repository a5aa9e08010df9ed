import { expect } from 'chai';
import { OpenApiBodyValidator } from './openApiBodyValidator.js';
import { PAGERDUTY_OPENAPI_PATH, PD_SIM_ROUTING_KEYS, startPagerDutySim, type PagerDutySim } from './startPagerDutySim.js';

const KEY = PD_SIM_ROUTING_KEYS[0]!;
const OTHER_KEY = PD_SIM_ROUTING_KEYS[1]!;

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | undefined;
}

async function post(url: string, body: unknown, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const trigger = (dedupKey: string | undefined, over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}): Record<string, unknown> => ({
  routing_key: KEY,
  event_action: 'trigger',
  ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
  payload: { summary: `CVE-2024-0001 in lodash (${dedupKey ?? 'no key'})`, source: 'prod-watch', severity: 'critical', ...payload },
  ...over,
});
const action = (eventAction: 'acknowledge' | 'resolve', dedupKey: string, routingKey = KEY) => ({ routing_key: routingKey, event_action: eventAction, dedup_key: dedupKey });

/** The cause code of a fetch that fails to connect ('answered' if it got an answer). */
async function connectionError(send: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await send();
    return 'answered';
  } catch (e) {
    return (e as { cause?: { code?: string } }).cause?.code;
  }
}

describe('sim/pagerduty: the PagerDuty Events API v2 simulator', () => {
  let sim: PagerDutySim;
  let clock: number;
  beforeEach(async () => {
    clock = Date.parse('2026-03-01T12:00:00Z');
    sim = await startPagerDutySim({ now: () => clock });
  });
  afterEach(async () => sim.close());

  it('accepts a full trigger with 202 and opens an alert; a trigger without dedup_key gets a generated one each time', async () => {
    const body = trigger('vb-1', {
      client: 'vulnbridge',
      client_url: 'https://vulnbridge.example.com',
      links: [{ href: 'https://jpd.example.com/ui/watchesNew/edit/prod-watch?activeTab=violations', text: 'Xray violations' }],
      images: [{ src: 'https://example.com/chart.png', alt: 'chart' }],
    }, { timestamp: '2015-07-17T08:42:58.315+0000', component: 'lodash', group: 'prod-watch', class: 'Security', custom_details: { cve: 'CVE-2024-0001', cvss: 9.8 } });
    const r = await post(sim.eventsUrl, body);
    expect(r.status).to.equal(202);
    expect(r.json).to.deep.equal({ status: 'success', message: 'Event processed', dedup_key: 'vb-1' });
    const [alert, ...rest] = sim.alerts();
    expect(rest).to.deep.equal([]);
    expect(alert).to.include({ routingKey: KEY, dedupKey: 'vb-1', status: 'triggered', triggers: 1, createdAt: clock, resolvedAt: null });
    expect(alert!.lastPayload.custom_details).to.deep.equal({ cve: 'CVE-2024-0001', cvss: 9.8 });
    expect(alert!.lastEvent.links?.[0]?.text).to.equal('Xray violations');

    const a = await post(sim.eventsUrl, trigger(undefined));
    const b = await post(sim.eventsUrl, trigger(undefined));
    expect(a.json?.dedup_key).to.match(/^[0-9a-f]{32}$/);
    expect(b.json?.dedup_key).to.match(/^[0-9a-f]{32}$/).and.not.equal(a.json?.dedup_key);
    expect(sim.alerts()).to.have.length(3);
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.requests.map((q) => [q.path, q.routingKey, q.status])).to.deep.equal([
      ['/v2/enqueue', KEY, 202],
      ['/v2/enqueue', KEY, 202],
      ['/v2/enqueue', KEY, 202],
    ]);
  });

  it('adds repeat triggers to the open alert of the same routing key and dedup key, and keeps each payload', async () => {
    await post(sim.eventsUrl, trigger('vb-1', {}, { summary: 'first' }));
    clock += 1000;
    await post(sim.eventsUrl, trigger('vb-1', {}, { summary: 'second', severity: 'error' }));
    await post(sim.eventsUrl, trigger('vb-1', { routing_key: OTHER_KEY }, { summary: 'other service' }));
    const [mine, other] = sim.alertsByDedupKey('vb-1', KEY).concat(sim.alertsByDedupKey('vb-1', OTHER_KEY));
    expect(mine).to.include({ triggers: 2, status: 'triggered', createdAt: clock - 1000 });
    expect(mine!.payloads.map((p) => p.summary)).to.deep.equal(['first', 'second']);
    expect(mine!.lastPayload.severity).to.equal('error');
    expect(other).to.include({ routingKey: OTHER_KEY, triggers: 1 });
    expect(sim.alertsByDedupKey('vb-1')).to.have.length(2);
  });

  it('acknowledges and resolves the open alert; a trigger after the resolve opens a new alert', async () => {
    await post(sim.eventsUrl, trigger('vb-1'));
    expect((await post(sim.eventsUrl, action('acknowledge', 'vb-1'))).status).to.equal(202);
    expect(sim.alerts()[0]).to.include({ status: 'acknowledged', acknowledgedAt: clock });
    await post(sim.eventsUrl, trigger('vb-1'));
    expect(sim.alerts()[0]).to.include({ status: 'acknowledged', triggers: 2 });
    clock += 5000;
    const resolved = await post(sim.eventsUrl, action('resolve', 'vb-1'));
    expect(resolved.json).to.deep.equal({ status: 'success', message: 'Event processed', dedup_key: 'vb-1' });
    expect(sim.alerts()[0]).to.include({ status: 'resolved', resolvedAt: clock });
    expect(sim.openAlerts()).to.deep.equal([]);

    await post(sim.eventsUrl, trigger('vb-1'));
    const cycles = sim.alertsByDedupKey('vb-1');
    expect(cycles.map((a) => [a.id, a.status, a.triggers])).to.deep.equal([
      [1, 'resolved', 2],
      [2, 'triggered', 1],
    ]);
    expect(sim.openAlerts().map((a) => a.id)).to.deep.equal([2]);
  });

  it('drops (with 202) an acknowledge or resolve with no open alert, or sent via another routing key', async () => {
    expect((await post(sim.eventsUrl, action('resolve', 'never-opened'))).status).to.equal(202);
    expect((await post(sim.eventsUrl, action('acknowledge', 'never-opened'))).status).to.equal(202);
    await post(sim.eventsUrl, trigger('vb-1'));
    expect((await post(sim.eventsUrl, action('resolve', 'vb-1', OTHER_KEY))).status).to.equal(202);
    expect(sim.alerts().map((a) => a.status)).to.deep.equal(['triggered']);
    expect(sim.dropped().map((d) => [d.action, d.dedupKey, d.routingKey])).to.deep.equal([
      ['resolve', 'never-opened', KEY],
      ['acknowledge', 'never-opened', KEY],
      ['resolve', 'vb-1', OTHER_KEY],
    ]);
  });

  it('refuses invalid events with 400 and errors naming the field, and opens no alert', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [trigger('a', { payload: { source: 'w', severity: 'critical' } }), /'payload\.summary' is missing/],
      [trigger('b', {}, { severity: 'fatal' }), /'payload\.severity' is invalid/],
      [trigger('c', {}, { summary: 'x'.repeat(1025) }), /Length of 'payload\.summary' is too long/],
      [trigger('d', { routing_key: 'a'.repeat(32) }), /'routing_key' is not the integration key/],
      [trigger('e', { routing_key: 'short' }), /Length of 'routing_key' is incorrect \(should be 32 characters\)/],
      [trigger('x'.repeat(256)), /Length of 'dedup_key' is too long/],
      [{ routing_key: KEY, event_action: 'resolve' }, /'dedup_key' is missing or blank/],
      [trigger('f', { event_action: 'open' }), /'event_action' is invalid/],
    ];
    for (const [body, error] of cases) {
      const r = await post(sim.eventsUrl, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
      expect(r.json).to.include({ status: 'invalid event', message: 'Event object is invalid' });
      expect((r.json?.errors as string[]).join('; ')).to.match(error);
    }
    // 1024 characters is still fine.
    expect((await post(sim.eventsUrl, trigger('g', {}, { summary: 'x'.repeat(1024) }))).status).to.equal(202);
    expect(sim.alerts().map((a) => a.dedupKey)).to.deep.equal(['g']);
    expect(sim.counts).to.include({ invalid: cases.length, accepted: 1 });

    const notJson = await post(sim.eventsUrl, '{"routing_key": ');
    expect([notJson.status, notJson.json?.status]).to.deep.equal([400, 'Unrecognized object']);
  });

  it('checks bodies against the OpenAPI document: a wrong type is a 400 and a recorded violation', async () => {
    const r = await post(sim.eventsUrl, trigger('vb-1', { links: [{ text: 'no href' }] }, { custom_details: 'a string, not an object' }));
    expect(r.status).to.equal(400);
    const errors = (r.json?.errors as string[]).join('; ');
    expect(errors).to.include("'payload.custom_details' must be object");
    expect(errors).to.include("'links[0].href' must have required property 'href'");
    expect(sim.openApiViolations).to.have.length(1);
    expect(sim.openApiViolations[0]).to.include({ operationId: 'createV2Event', path: '/v2/enqueue' });
    expect(sim.openApiViolations[0]!.errors.join('; ')).to.include('payload.custom_details must be object');
    expect(sim.alerts()).to.deep.equal([]);

    // The document's own example passes the same validator.
    const check = OpenApiBodyValidator.load(PAGERDUTY_OPENAPI_PATH).checkRequest('POST', '/v2/enqueue', {
      payload: { summary: 'DISK at 99%', timestamp: '2015-07-17T08:42:58.315+0000', severity: 'critical', source: 'prod-datapipe03.example.com' },
      routing_key: 'e93facc04764012d7bfb002500d5d1a6',
      event_action: 'trigger',
      client_url: 'https://monitoring.service.com',
    });
    expect(check).to.deep.equal({ operationId: 'createV2Event', errors: [] });
  });

  it('takes the legacy /integration/<key>/enqueue URL, with the key from the path', async () => {
    const { routing_key: _unused, ...withoutKey } = trigger('vb-legacy');
    const r = await post(sim.integrationUrl(OTHER_KEY), withoutKey);
    expect(r.status).to.equal(202);
    expect(sim.alertsByDedupKey('vb-legacy').map((a) => a.routingKey)).to.deep.equal([OTHER_KEY]);
    const unknown = await post(sim.integrationUrl('b'.repeat(32)), withoutKey);
    expect(unknown.status).to.equal(400);
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.requests[0]).to.include({ path: `/integration/${OTHER_KEY}/enqueue`, routingKey: OTHER_KEY, status: 202 });
  });

  it('throttles the N+1th event of a routing key within 60 s with 429, ingests nothing, and recovers after the window', async () => {
    sim.setEventsPerMinute(3);
    for (let i = 0; i < 3; i++) {
      expect((await post(sim.eventsUrl, trigger(`vb-${i}`))).status).to.equal(202);
      clock += 10_000;
    }
    const throttled = await post(sim.eventsUrl, trigger('vb-3'));
    expect(throttled.status).to.equal(429);
    expect(throttled.json).to.deep.equal({ status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' });
    expect(sim.alertsByDedupKey('vb-3')).to.deep.equal([]);
    // Another key has its own window.
    expect((await post(sim.eventsUrl, trigger('vb-other', { routing_key: OTHER_KEY }))).status).to.equal(202);
    // 60 s after the first call, one slot frees up; the second is still inside the window.
    clock += 30_000;
    expect((await post(sim.eventsUrl, trigger('vb-3'))).status).to.equal(202);
    expect((await post(sim.eventsUrl, trigger('vb-4'))).status).to.equal(429);
    expect(sim.counts.throttled).to.equal(2);
    expect(sim.alerts()).to.have.length(5);
  });

  it('fails the next requests with the fault asked for, then answers normally', async () => {
    sim.failNext(503, { times: 2 });
    sim.failNext({ kind: 'status', status: 429, retryAfter: 30 });
    expect((await post(sim.eventsUrl, trigger('vb-1'))).status).to.equal(503);
    expect((await post(sim.eventsUrl, trigger('vb-1'))).status).to.equal(503);
    const limited = await post(sim.eventsUrl, trigger('vb-1'));
    expect([limited.status, limited.headers.get('retry-after')]).to.deep.equal([429, '30']);
    expect(sim.alerts()).to.deep.equal([]);
    expect((await post(sim.eventsUrl, trigger('vb-1'))).status).to.equal(202);

    sim.failNext({ kind: 'reset' });
    let error: unknown;
    await post(sim.eventsUrl, trigger('vb-2')).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError);

    sim.failNext({ kind: 'hang' });
    const abort = new AbortController();
    const hung = post(sim.eventsUrl, trigger('vb-3'), abort.signal).then(
      () => 'answered',
      (e: unknown) => (e as Error).name,
    );
    for (let i = 0; i < 1000 && sim.requests.length < 6; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sim.requests[5]?.status).to.equal(0);
    abort.abort();
    expect(await hung).to.equal('AbortError');
    expect(sim.counts).to.include({ faulted: 5, accepted: 1 });
  });

  it('goes down (refusing connections, or answering 503) and comes back up on the same URL', async () => {
    await sim.goDown();
    // A pooled keep-alive socket may meet the close first; a new connection is refused.
    expect(await connectionError(() => post(sim.eventsUrl, trigger('vb-1')))).to.be.oneOf(['ECONNREFUSED', 'UND_ERR_SOCKET', 'ECONNRESET']);
    expect(await connectionError(() => post(sim.eventsUrl, trigger('vb-1')))).to.equal('ECONNREFUSED');
    await sim.comeUp();
    expect((await post(sim.eventsUrl, trigger('vb-1'))).status).to.equal(202);
    await sim.goDown('unavailable');
    expect((await post(sim.eventsUrl, trigger('vb-2'))).status).to.equal(503);
    await sim.comeUp();
    expect((await post(sim.eventsUrl, trigger('vb-2'))).status).to.equal(202);
    expect(sim.alerts().map((a) => a.dedupKey)).to.deep.equal(['vb-1', 'vb-2']);
  });

  it('refuses a body over 512 KB with 400 and serves counts at /__sim/stats outside the request log', async () => {
    const big = await post(sim.eventsUrl, trigger('vb-big', {}, { custom_details: { blob: 'x'.repeat(512 * 1024) } }));
    expect(big.status).to.equal(400);
    expect((big.json?.errors as string[])[0]).to.match(/too large/);
    expect(sim.requests[0]).to.include({ status: 400 });
    expect(sim.requests[0]!.body).to.equal(undefined);
    await post(sim.eventsUrl, trigger('vb-1'));
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as Record<string, number>;
    expect(stats).to.include({ requests: 2, accepted: 1, invalid: 1, alerts: 1, openAlerts: 1, openApiViolations: 0 });
    expect(sim.requests).to.have.length(2);
  });
});
