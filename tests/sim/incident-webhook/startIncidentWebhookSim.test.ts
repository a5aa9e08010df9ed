import { expect } from 'chai';
import { INCIDENT_WEBHOOK_SIM_API_KEY, startIncidentWebhookSim, type IncidentWebhookSim } from './startIncidentWebhookSim.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The Lightstep generic REST sample body, with our dedup key. */
const lir = (dedupKey: string, state: 'Open' | 'Closed', title = `CVE-2024-0001 in lodash (${dedupKey})`) => ({
  alert: { state, severity: 'P1-Critical', time: '2026-03-01 12:00:00', title, source: 'vulnbridge', dedup_key: dedupKey, original: { watch: 'prod-watch' } },
  version: '1.0',
});

/** The cause code of a fetch that fails to connect ('answered' if it got an answer). */
async function connectionError(send: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await send();
    return 'answered';
  } catch (e) {
    return (e as { cause?: { code?: string } }).cause?.code;
  }
}

describe('sim/incident-webhook: the generic incident webhook simulator', () => {
  let sim: IncidentWebhookSim;
  let clock: number;
  beforeEach(async () => {
    clock = Date.parse('2026-03-01T12:00:00Z');
    sim = await startIncidentWebhookSim({ now: () => clock });
  });
  afterEach(async () => sim.close());

  it('takes the API key from the URL: missing or wrong is 401; records the query and headers redacted', async () => {
    expect((await post(`${sim.url}/lir/webhook`, lir('vb-1', 'Open'))).status).to.equal(401);
    expect((await post(`${sim.url}/lir/webhook?apiKey=wrong`, lir('vb-1', 'Open'))).status).to.equal(401);
    expect(sim.incidents()).to.deep.equal([]);
    const ok = await post(`${sim.webhookUrl()}&team=sec`, lir('vb-1', 'Open'), { Authorization: 'Bearer not-checked-here' });
    expect(ok.status).to.equal(200);
    const last = sim.requests[2]!;
    expect(last).to.include({ method: 'POST', path: '/lir/webhook', status: 200, dedupKey: 'vb-1', state: 'Open', at: clock });
    expect(last.query).to.deep.equal({ apiKey: '<redacted>', team: 'sec' });
    expect(last.headers.authorization).to.equal('Bearer <redacted>');
    expect(JSON.stringify(sim.requests)).to.not.include(INCIDENT_WEBHOOK_SIM_API_KEY);
    expect(sim.counts).to.include({ requests: 3, unauthorized: 2, accepted: 1 });
  });

  it('groups events by alert.dedup_key (else dedup_key) and keeps the state and its transitions', async () => {
    await post(sim.webhookUrl(), lir('vb-1', 'Open', 'first'));
    clock += 1000;
    await post(sim.webhookUrl(), lir('vb-2', 'Open'));
    await post(sim.webhookUrl(), lir('vb-1', 'Open', 'second'));
    await post(sim.webhookUrl(), lir('vb-1', 'Closed'));
    await post(sim.webhookUrl('/other/path'), { dedup_key: 'vb-3', status: 'failure' });
    await post(sim.webhookUrl(), { alert: { state: 'Open' } });
    expect(sim.incidents().map((i) => [i.dedupKey, i.state, i.events, i.transitions])).to.deep.equal([
      ['vb-1', 'Closed', 3, ['Open', 'Closed']],
      ['vb-2', 'Open', 1, ['Open']],
      ['vb-3', undefined, 1, []],
    ]);
    const one = sim.incident('vb-1')!;
    expect((one.lastBody as { alert: { state: string } }).alert.state).to.equal('Closed');
    expect([one.firstAt, one.lastAt]).to.deep.equal([clock - 1000, clock]);
    expect(sim.incident('vb-3')?.lastPath).to.equal('/other/path');
    expect(sim.counts).to.include({ accepted: 6, ungrouped: 1 });
  });

  it('reads the dedup key and state at configured paths', async () => {
    await sim.close();
    sim = await startIncidentWebhookSim({ dedupKeyPaths: ['labels.fingerprint'], statePath: 'status' });
    await post(sim.webhookUrl(), { labels: { fingerprint: 42 }, status: 'firing' });
    await post(sim.webhookUrl(), { labels: { fingerprint: 42 }, status: 'resolved' });
    expect(sim.incidents().map((i) => [i.dedupKey, i.state, i.events])).to.deep.equal([['42', 'resolved', 2]]);
  });

  it('checks Bearer, Basic or header auth on top of the key, and redacts the header', async () => {
    await sim.close();
    sim = await startIncidentWebhookSim({ auth: { header: { name: 'X-Api-Token', value: 'tok-1' } } });
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'))).status).to.equal(401);
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'), { 'X-Api-Token': 'tok-1' })).status).to.equal(200);
    expect(sim.requests[1]!.headers['x-api-token']).to.equal('<redacted>');
    await sim.close();

    sim = await startIncidentWebhookSim({ apiKeys: [], auth: { basic: { username: 'svc', password: 'pw' } } });
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await post(`${sim.url}/hook`, lir('vb-1', 'Open'), basic('svc', 'nope'))).status).to.equal(401);
    expect((await post(`${sim.url}/hook`, lir('vb-1', 'Open'), basic('svc', 'pw'))).status).to.equal(200);
    await sim.close();

    sim = await startIncidentWebhookSim({ auth: { bearer: 'b-1' } });
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'), { Authorization: 'Bearer b-2' })).status).to.equal(401);
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'), { Authorization: 'Bearer b-1' })).status).to.equal(200);
  });

  it('fails the next requests as asked, refuses non-JSON, goes down and comes back', async () => {
    sim.failNext({ kind: 'status', status: 502 }, { times: 2 });
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'))).status).to.equal(502);
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'))).status).to.equal(502);
    expect((await post(sim.webhookUrl(), 'not json')).status).to.equal(400);
    expect(sim.incidents()).to.deep.equal([]);

    await sim.goDown('unavailable');
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'))).status).to.equal(503);
    await sim.goDown('refuse');
    // A pooled keep-alive socket may meet the close first; a new connection is refused.
    expect(await connectionError(() => post(sim.webhookUrl(), lir('vb-1', 'Open')))).to.be.oneOf(['ECONNREFUSED', 'UND_ERR_SOCKET', 'ECONNRESET']);
    expect(await connectionError(() => post(sim.webhookUrl(), lir('vb-1', 'Open')))).to.equal('ECONNREFUSED');
    await sim.comeUp();
    expect((await post(sim.webhookUrl(), lir('vb-1', 'Open'))).status).to.equal(200);
    expect(sim.incidents().map((i) => i.events)).to.deep.equal([1]);
    expect(sim.counts).to.include({ faulted: 2, invalid: 1, unavailable: 1, accepted: 1 });
  });
});
