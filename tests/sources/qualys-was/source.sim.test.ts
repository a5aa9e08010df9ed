import { expect } from 'chai';
import { ExternalHostError } from '../../../connector/errors.js';
import { qualysWasSource } from '../../../connector/sources/qualys-was/index.js';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim, type QualysWasSim } from '../../sim/qualys-was/index.js';
import { enrichContext, fakeSleep, makeWasSource, pullAll, pullContext, pullError } from './wasTestKit.js';

const creds = { username: QUALYS_WAS_SIM_CREDENTIALS.username, password: QUALYS_WAS_SIM_CREDENTIALS.password };

describe('qualys-was source against the WAS simulator', () => {
  let sim: QualysWasSim;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2025-06-01T12:00:00Z');
    sim = await startQualysWasSim({ webApps: 3, findingsPerApp: 5, seed: 1, now: () => clock });
  });
  afterEach(() => sim.close());

  it('pulls every finding across pages, decodes RESULT, and enriches VULN.* from the KB', async () => {
    const source = makeWasSource({ url: sim.url, pageSize: 4 }, creds);
    expect(source.moduleName).to.equal('WAS');
    expect(qualysWasSource.type).to.equal('qualys-was');
    const { pages } = await pullAll(source);
    const findings = pages.flatMap((p) => p.findings);
    expect(pages).to.have.length(4);
    expect(findings.map((f) => Number(f.data.ID))).to.deep.equal(sim.data.findings.map((f) => f.id));
    const searches = sim.calls.filter((c) => c.api === 'search');
    expect(searches.map((c) => c.limitResults)).to.deep.equal([4, 4, 4, 4]);
    expect(searches.every((c) => c.contentType === 'application/json' && c.accept === 'application/json')).to.equal(true);
    for (const f of findings) {
      const sf = sim.data.finding(Number(f.data.ID))!;
      expect(f.status).to.equal(sf.status);
      expect(f.ignored).to.equal(sf.isIgnored === 'true');
      for (const text of sf.responseTexts) expect(f.data.RESULT).to.include(text.trimEnd());
    }
    expect(findings.some((f) => f.ignored)).to.equal(true);

    const qids = [...new Set(findings.map((f) => String(f.data.QID)))];
    const ctx = enrichContext({ 'qualys.kb': qids });
    await source.enrich(ctx);
    expect(ctx.puts.map((p) => p.id).sort()).to.deep.equal([...qids].sort());
    expect(ctx.puts.every((p) => p.ns === 'qualys.kb' && p.data.CATEGORY === 'Web Application' && p.data.CVSS_V3_ATTACK_VECTOR === 'Network')).to.equal(true);
  });

  it('incremental: the next pull sees the fixed, protected, reopened and added findings, plus only the overlap', async () => {
    const source = makeWasSource({ url: sim.url, pageSize: 100 }, creds);
    const first = await pullAll(source, pullContext({}, clock));
    const cursor = first.result.nextCursors.lastTestedDate!;
    expect(cursor).to.equal(sim.data.findings.map((f) => f.lastTestedDate).sort().at(-1));

    clock = new Date('2025-06-02T09:00:00Z');
    const reopened = sim.data.reopenOne()!;
    const fixed = sim.data.fixOne()!;
    const protectedOne = sim.data.protectOne()!;
    const added = sim.data.addOne(sim.data.webApps[1]!.id);
    const second = await pullAll(source, pullContext({ lastTestedDate: cursor }, clock));
    const got = Object.fromEntries(second.pages.flatMap((p) => p.findings).map((f) => [f.data.ID, f.status]));
    expect(got).to.deep.include({
      [String(fixed.id)]: 'FIXED',
      [String(protectedOne.id)]: 'PROTECTED',
      [String(reopened.id)]: 'REOPENED',
      [String(added.id)]: 'NEW',
    });
    // Besides the four: only findings tested within the overlap before the cursor (pulled again on purpose).
    const since = Date.parse(cursor) - 10 * 60_000;
    const expected = sim.data.findings.filter((f) => Date.parse(f.lastTestedDate) > since).map((f) => String(f.id));
    expect(Object.keys(got).sort()).to.deep.equal(expected.sort());
    expect(expected.length).to.be.lessThan(sim.data.findings.length / 2);
    expect(second.result.nextCursors).to.deep.equal({ lastTestedDate: '2025-06-02T09:00:00Z' });
    const criteria = sim.calls.at(-1)!.criteria!;
    expect(criteria).to.deep.include({ field: 'lastTestedDate', operator: 'GREATER', value: new Date(Date.parse(cursor) - 10 * 60_000).toISOString().replace('.000', '') });
  });

  it('a 409 rate limit is waited out and retried; a malformed record is rejected, the rest kept', async () => {
    sim.failNext({ kind: 'rateLimit', toWaitSec: 5 });
    sim.failNext({ kind: 'malformed' }, { skip: 0 });
    const sleeps = fakeSleep();
    const { pages } = await pullAll(makeWasSource({ url: sim.url, pageSize: 100 }, { ...creds, sleep: sleeps.sleep }));
    expect(sleeps.calls).to.deep.equal([5000]);
    expect(pages[0]!.rejected).to.have.length(1);
    expect(pages[0]!.rejected![0]!.reason).to.match(/without id, webApp\.id/);
    expect(pages[0]!.findings).to.have.length(sim.data.findings.length - 1);
  });

  it('a wrong password: AUTH_FAILED from the sim\'s 401 INVALID_CREDENTIALS, one call only', async () => {
    const err = (await pullError(makeWasSource({ url: sim.url }, { username: creds.username, password: 'wrong' }))) as ExternalHostError;
    expect(err.code).to.equal('AUTH_FAILED');
    expect(err.message).to.include('127.0.0.1').and.include('QUALYS_WAS_PASSWORD');
    expect(sim.calls.filter((c) => c.api === 'search')).to.have.length(1);
  });
});
