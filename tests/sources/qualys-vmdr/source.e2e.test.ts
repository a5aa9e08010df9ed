import { expect } from 'chai';
import { ExternalHostError, SourceError } from '../../../connector/errors.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim, type QualysSim } from '../../sim/qualys/startQualysSim.js';
import type { SimChange } from '../../sim/qualys/generateVmdrData.js';
import { enrichContext, fakeSleep, makeSource, pullAll, pullContext, pullError } from './qualysTestKit.js';
import { stringifyValue } from '../../../connector/templates/stringifyValue.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

function simSource(sim: QualysSim, overrides: Record<string, unknown> = {}, opts: { sleep?: (ms: number) => Promise<void>; password?: string } = {}) {
  return makeSource({ url: sim.url, ...overrides }, { username: QUALYS_SIM_CREDENTIALS.username, password: opts.password ?? QUALYS_SIM_CREDENTIALS.password, sleep: opts.sleep });
}

const keyOf = (c: SimChange): string => `host:${c.hostId}|qid:${c.qid}|port:${c.port}|proto:${c.protocol}`;

describe('qualys-vmdr against the Qualys simulator (end to end)', () => {
  let sim: QualysSim;
  let nowMs = T0;

  // Simulators only: the root hooks (tests/support/nockHooks.ts) refuse any other host.
  beforeEach(async () => {
    nowMs = T0;
    sim = await startQualysSim({ seed: 7, hosts: 7, detectionsPerHost: 4, now: () => new Date(nowMs) });
  });
  afterEach(async () => sim.close());

  it('pulls every detection over several pages, re-posting id_min with our auth to the configured host', async () => {
    sim.setPublicUrl('https://qualysapi.elsewhere.invalid');
    const { pages, result } = await pullAll(simSource(sim, { truncationLimit: 3 }), pullContext({}, new Date(T0)));
    const findings = pages.flatMap((p) => p.findings);
    expect(findings).to.have.length(sim.data.totalDetections());
    expect(new Set(findings.map((f) => f.key)).size).to.equal(findings.length);
    const hld = sim.calls.filter((c) => c.api === 'hld');
    expect(hld).to.have.length(3);
    expect(hld.every((c) => c.authorized && c.method === 'POST' && c.contentType === 'application/x-www-form-urlencoded' && c.requestedWith === 'vulnbridge')).to.equal(true);
    expect(hld[0]!.params).to.not.have.property('id_min');
    expect(hld[1]!.params.id_min).to.equal(sim.data.hosts[3]!.ID);
    expect(hld[2]!.params.id_min).to.equal(sim.data.hosts[6]!.ID);
    expect(hld[2]!.params.status).to.equal('New,Active,Re-Opened,Fixed');
    expect(pages.map((p) => p.label)).to.include(`page 2 (id_min=${sim.data.hosts[3]!.ID})`);
    expect(result.nextCursors.detection_updated_since).to.equal('2026-02-28T23:50:00Z');
    const ignored = [...sim.data.allDetections()].filter(([, d]) => d.IS_IGNORED === '1').length;
    expect(findings.filter((f) => f.ignored)).to.have.length(ignored);
  });

  it('sees exactly what the mutators changed on the next incremental pull', async () => {
    const first = await pullAll(simSource(sim), pullContext({}, new Date(T0)));
    nowMs = T0 + 3_600_000;
    const changed = [...sim.data.fixSome(2), ...sim.data.moveQds(1), ...sim.data.ignoreOne(), ...sim.data.reopenOne()];
    const added = sim.data.addHost(3);
    nowMs += 60_000;
    const second = await pullAll(simSource(sim), pullContext(first.result.nextCursors, new Date(nowMs)));
    const keys = second.pages.flatMap((p) => p.findings).map((f) => f.key).sort();
    const expected = [...new Set([...changed.map(keyOf), ...sim.data.detectionsOf(added).map((d) => keyOf({ hostId: added.ID, qid: d.QID, port: d.PORT ?? '', protocol: d.PROTOCOL ?? '' }))])].sort();
    expect(keys).to.deep.equal(expected);
    const hld = sim.calls.filter((c) => c.api === 'hld');
    expect(hld[0]!.params).to.not.have.property('detection_updated_since');
    expect(hld[1]!.params.detection_updated_since).to.equal('2026-02-28T23:50:00Z');
    const fixed = second.pages.flatMap((p) => p.findings).filter((f) => f.status === 'Fixed');
    expect(fixed.length).to.be.greaterThanOrEqual(1);
  });

  it('enriches with KB entries and TruRisk scores from the simulator', async () => {
    const { pages } = await pullAll(simSource(sim));
    const findings = pages.flatMap((p) => p.findings);
    const qids = [...new Set(findings.map((f) => String(f.data.QID)))];
    const hostIds = [...new Set(findings.map((f) => String(f.data.ID)))];
    const ctx = enrichContext({ 'qualys.kb': qids, 'qualys.host': hostIds });
    await simSource(sim, { kbBatchSize: 5 }).enrich(ctx);
    const kb = ctx.puts.filter((p) => p.ns === 'qualys.kb');
    expect(kb.map((p) => p.id).sort()).to.deep.equal([...qids].sort());
    expect(sim.calls.filter((c) => c.api === 'kb')).to.have.length(Math.ceil(qids.length / 5));
    const sample = sim.data.kb(kb[0]!.id)!;
    expect(kb[0]!.data).to.include({ TITLE: sample.TITLE, CVSS_BASE: sample.CVSS_BASE, CVSS_V3_ATTACK_VECTOR: sample.CVSS_V3_ATTACK_VECTOR, CVES: sample.CVES.join(', ') });
    // A text with a link is {content, rich} (model/richValue.ts); its text is what templates render as plain text.
    expect(stringifyValue(kb[0]!.data.DIAGNOSIS)).to.match(/was detected\.\nThe installed version is affected & exploitable\.\n\nSee advisory \d+ \[https:\/\/example\.com\/qid\/\d+\]\./);
    const hosts = ctx.puts.filter((p) => p.ns === 'qualys.host');
    expect(hosts).to.have.length(hostIds.length);
    const h = sim.data.host(hosts[0]!.id)!;
    expect(hosts[0]!.data).to.deep.equal({ TRURISK_SCORE: h.TRURISK_SCORE, ASSET_CRITICALITY_SCORE: h.ASSET_CRITICALITY_SCORE, ASSET_RISK_SCORE: h.ASSET_RISK_SCORE });
  });

  it('waits out an exhausted rate-limit window (X-RateLimit-Remaining 0) before the next page', async () => {
    sim.setRateLimit('hld', { limit: 2 });
    const sleeps = fakeSleep((ms) => {
      nowMs += ms;
    });
    const { pages } = await pullAll(simSource(sim, { truncationLimit: 3 }, { sleep: sleeps.sleep }));
    expect(pages.flatMap((p) => p.findings)).to.have.length(sim.data.totalDetections());
    expect(sleeps.calls).to.deep.equal([3_600_000]);
    expect(sim.calls.filter((c) => c.api === 'hld').map((c) => c.status)).to.deep.equal([200, 200, 200]);
  });

  it('retries after 409 CODE 1965 (SECONDS_TO_WAIT) and 409 CODE 1960 (short wait)', async () => {
    sim.failNext('hld', { kind: 'rateLimit', secondsToWait: 5 });
    sim.failNext('hld', { kind: 'concurrency' });
    const sleeps = fakeSleep();
    const { pages } = await pullAll(simSource(sim, {}, { sleep: sleeps.sleep }));
    expect(pages.flatMap((p) => p.findings)).to.have.length(sim.data.totalDetections());
    expect(sleeps.calls).to.deep.equal([5_000, 10_000]);
    expect(sim.calls.map((c) => c.status)).to.deep.equal([409, 409, 200]);
  });

  it('retries a 500', async () => {
    sim.failNext('hld', { kind: 'status', status: 500 });
    const { pages } = await pullAll(simSource(sim));
    expect(pages.flatMap((p) => p.findings)).to.have.length(sim.data.totalDetections());
    expect(sim.calls.map((c) => c.status)).to.deep.equal([500, 200]);
  });

  it('fails the cycle with SOURCE_RESPONSE_INVALID naming the page when a page is truncated, malformed or cut off', async () => {
    for (const fault of [{ kind: 'truncate', afterBytes: 3000 }, { kind: 'malformed', afterHosts: 1 }, { kind: 'reset', afterBytes: 3000 }] as const) {
      // The fault hits the second page.
      sim.failNext('hld', fault, { skip: 1 });
      const err = await pullError(simSource(sim, { truncationLimit: 3 }));
      expect(err, fault.kind).to.be.instanceOf(SourceError);
      expect((err as SourceError).code, fault.kind).to.equal('SOURCE_RESPONSE_INVALID');
      expect((err as SourceError).message, fault.kind).to.contain(`page 2 (id_min=${sim.data.hosts[3]!.ID})`);
      expect((err as SourceError).host, fault.kind).to.equal(new URL(sim.url).host);
    }
  });

  it('reports a Qualys error body on a 200 and an unrecognized parameter (show_trurisk on HLD)', async () => {
    sim.failNext('hld', { kind: 'simpleReturn', status: 200, code: '1904', text: 'Please specify only one of these parameters: ids, id_min' });
    const e1 = await pullError(simSource(sim));
    expect((e1 as SourceError).code).to.equal('SOURCE_FAILED');
    expect((e1 as SourceError).message).to.contain('CODE 1904');

    const e2 = await pullError(simSource(sim, { extraParams: { show_trurisk: 1 } }));
    expect((e2 as SourceError).code).to.equal('SOURCE_FAILED');
    expect((e2 as SourceError).message).to.contain('Unrecognized parameter(s): show_trurisk');
  });

  it('fails with AUTH_FAILED on a wrong password, without retrying', async () => {
    const err = await pullError(simSource(sim, {}, { password: 'wrong-password-123' }));
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('AUTH_FAILED');
    expect(sim.calls).to.have.length(1);
  });

  it('streams a larger pull in bounded chunks', async () => {
    const big = await startQualysSim({ seed: 3, hosts: 120, detectionsPerHost: 60 });
    try {
      const { pages } = await pullAll(simSource(big, { chunkSize: 250, truncationLimit: 50 }));
      expect(pages.flatMap((p) => p.findings)).to.have.length(big.data.totalDetections());
      expect(Math.max(...pages.map((p) => p.findings.length))).to.be.at.most(250);
      expect(big.calls.filter((c) => c.api === 'hld')).to.have.length(3);
    } finally {
      await big.close();
    }
  });
});
