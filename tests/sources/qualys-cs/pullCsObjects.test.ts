import { expect } from 'chai';
import { ExternalHostError, SourceError } from '../../../connector/errors.js';
import { csFindingKey } from '../../../connector/sources/qualys-cs/index.js';
import { generateCsData } from '../../sim/qualys-cs/csSimData.js';
import { startQualysCsSim, type QualysCsSim } from '../../sim/qualys-cs/startQualysCsSim.js';
import { captureLogger, fakeSleep, makeCsSource, pullError, pullFindings } from './csTestKit.js';

const T0 = Date.parse('2026-01-10T12:00:00Z');

describe('qualys-cs: pull against the simulator', () => {
  let sim: QualysCsSim;
  let now = T0;
  beforeEach(async () => {
    now = T0;
    sim = await startQualysCsSim({ images: 5, containersPerImage: 2, vulnsPerObject: 3, seed: 7, now: () => now });
  });
  afterEach(() => sim.close());

  const source = (overrides: Record<string, unknown> = {}, opts: Parameters<typeof makeCsSource>[1] = {}) =>
    makeCsSource({ gateway: sim.url, ...overrides }, { now: () => now, ...opts });

  it('images: one finding per image × vulnerability with key, parentKey, scope and status Active', async () => {
    const { findings, result } = await pullFindings(source());
    expect(findings).to.have.length(15);
    const img = sim.data.images[0]!;
    const vuln = sim.data.vulns.get(img.sha)![1]!; // odd index: no port
    const f = findings.find((x) => x.key === csFindingKey('images', img.sha, String(vuln.qid), ''));
    expect(f, 'finding for image 0 vuln 1').to.not.equal(undefined);
    expect(f!.parentKey).to.equal(`image:${img.sha}`);
    expect(f!.scope).to.equal(`image:${img.sha}`);
    expect(f!.status).to.equal('Active');
    expect(f!.data).to.include({ imageStatus: 'Active', jiraTicketAction: 'Create', totalVulCount: 3, sha: img.sha });
    expect(result.completeScopes).to.have.members(sim.data.images.map((i) => `image:${i.sha}`));
    expect(result.nextCursors).to.deep.equal({});
  });

  it('follows the Link header page by page with the configured limit', async () => {
    const { findings } = await pullFindings(source({ pageSize: 2 }));
    const lists = sim.calls.filter((c) => c.api === 'list');
    expect(lists.map((c) => c.params.limit)).to.deep.equal(['2', '2', '2']);
    expect(lists[0]!.params.paginationQuery).to.equal(undefined);
    expect(lists[1]!.params.paginationQuery).to.be.a('string');
    expect(new Set(findings.map((f) => f.parentKey)).size).to.equal(5);
  });

  it('fetches each object\'s vulnerabilities with type=DETAILS, once per object', async () => {
    await pullFindings(source());
    const vulnCalls = sim.calls.filter((c) => c.api === 'vuln');
    expect(vulnCalls).to.have.length(5);
    expect(vulnCalls.every((c) => c.params.type === 'DETAILS')).to.equal(true);
    expect(vulnCalls.map((c) => c.path.split('/')[4]).sort()).to.deep.equal(sim.data.images.map((i) => i.sha).sort());
  });

  it('epoch-millisecond dates arrive as ISO-8601 (object, host and vuln)', async () => {
    const { findings } = await pullFindings(source({ objects: 'containers' }));
    const f = findings[0]!;
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    expect(f.data.created).to.match(iso);
    expect(f.data.lastScanned).to.match(iso);
    expect((f.data.host as Record<string, unknown>).lastUpdated).to.match(iso);
    expect((f.data.vuln as Record<string, unknown>).published).to.match(iso);
  });

  it('containers: status is the state, DELETED containers still yield their findings', async () => {
    const c = sim.data.containers[0]!;
    sim.deleteContainer(c.sha);
    const { findings, result } = await pullFindings(source({ objects: 'containers' }));
    const mine = findings.filter((f) => f.parentKey === `container:${c.sha}`);
    expect(mine.length).to.be.greaterThan(0);
    expect(mine.every((f) => f.status === 'DELETED' && f.data.state === 'DELETED')).to.equal(true);
    expect(new Set(findings.map((f) => f.status))).to.include('RUNNING');
    expect(findings[0]!.key).to.match(/^cs\|container:[0-9a-f]{64}\|qid:\d+\|port:\d*$/);
    expect(result.completeScopes).to.have.length(10);
  });

  it('a fixed vulnerability is no longer listed; its object is still a complete scope', async () => {
    const img = sim.data.images[1]!;
    const qid = sim.data.vulns.get(img.sha)![0]!.qid;
    sim.fixVuln(img.sha, qid);
    const { findings, result } = await pullFindings(source());
    expect(findings.some((f) => f.parentKey === `image:${img.sha}` && (f.data.vuln as Record<string, unknown>).qid === String(qid))).to.equal(false);
    expect(findings.find((f) => f.parentKey === `image:${img.sha}`)!.data.totalVulCount).to.equal(2);
    expect(result.completeScopes).to.include(`image:${img.sha}`);
  });

  it('an image without vulnerabilities: no findings, but its scope is complete (so its children close)', async () => {
    const img = sim.data.images[2]!;
    for (const v of [...sim.data.vulns.get(img.sha)!]) sim.fixVuln(img.sha, v.qid);
    const { findings, result } = await pullFindings(source());
    expect(findings.filter((f) => f.parentKey === `image:${img.sha}`)).to.deep.equal([]);
    expect(result.completeScopes).to.include(`image:${img.sha}`);
  });

  it('an image that disappears mid-walk (404 on /vuln) is skipped with a warn, not an error', async () => {
    const img = sim.data.images[3]!;
    sim.vanishBeforeVuln(img.sha);
    const { log, lines } = captureLogger();
    const { findings, result, pages } = await pullFindings(source({}, { log }), log);
    expect(findings).to.have.length(12);
    expect(result.completeScopes).to.not.include(`image:${img.sha}`);
    expect(pages.every((p) => !p.rejected)).to.equal(true);
    expect(lines.some((l) => l.level === 'warn' && l.message.includes('disappeared') && l.meta.sha === img.sha)).to.equal(true);
  });

  it('a malformed list record is rejected; the rest of the page is processed', async () => {
    sim.fault('list', { kind: 'malformed' });
    const { findings, pages } = await pullFindings(source());
    expect(findings).to.have.length(15);
    const rejected = pages.flatMap((p) => p.rejected ?? []);
    expect(rejected).to.have.length(1);
    expect(rejected[0]!.reason).to.contain('sha');
  });

  it('a malformed vulnerability entry is rejected and keeps its object out of completeScopes', async () => {
    sim.fault('vuln', { kind: 'malformed' });
    const { findings, pages, result } = await pullFindings(source({ concurrency: 1 }));
    expect(findings).to.have.length(15);
    expect(pages.flatMap((p) => p.rejected ?? [])).to.have.length(1);
    expect(result.completeScopes).to.have.length(4);
    expect(result.completeScopes).to.not.include(`image:${sim.data.images[0]!.sha}`);
  });

  it('5xx and 429 are retried (429 waits its Retry-After); the pull completes', async () => {
    sim.fault('list', { kind: 'status', status: 503 });
    sim.fault('vuln', { kind: 'status', status: 429, retryAfterSec: 7 });
    const sleeps = fakeSleep();
    const { findings } = await pullFindings(source({ concurrency: 1 }, { sleep: sleeps.sleep }));
    expect(findings).to.have.length(15);
    expect(sleeps.calls).to.include(7000);
  });

  it('revoked tokens: one re-login and the pull goes on', async () => {
    const src = source();
    await pullFindings(src);
    sim.revokeTokens();
    const { findings } = await pullFindings(src);
    expect(findings).to.have.length(15);
    expect(sim.tokensIssued()).to.equal(2);
  });

  it('the token is renewed before its 4 h lifetime ends (sim clock)', async () => {
    const src = source();
    await pullFindings(src);
    now = T0 + 2 * 3600_000;
    await pullFindings(src);
    expect(sim.tokensIssued()).to.equal(1);
    now = T0 + 3 * 3600_000 + 55 * 60_000;
    await pullFindings(src);
    expect(sim.tokensIssued()).to.equal(2);
    expect(sim.calls.filter((c) => c.status === 401)).to.deep.equal([]);
  });

  it('wrong password at the sim: AUTH_FAILED', async () => {
    const err = await pullError(source({}, { password: 'nope' }));
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('AUTH_FAILED');
  });

  it('a body that is not JSON: SOURCE_RESPONSE_INVALID', async () => {
    sim.fault('list', { kind: 'notJson' });
    const err = await pullError(source());
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
  });

  it('filter is passed as QQL; an added image shows up on the next pull', async () => {
    const { findings } = await pullFindings(source({ objects: 'containers', filter: 'state:`RUNNING`' }));
    expect(findings.length).to.be.greaterThan(0);
    expect(findings.every((f) => f.status === 'RUNNING')).to.equal(true);
    expect(sim.calls.find((c) => c.api === 'list')!.params.filter).to.equal('state:`RUNNING`');

    const extra = generateCsData({ images: 1, containersPerImage: 0, vulnsPerObject: 2, seed: 99 });
    sim.addImage(extra.images[0]!, extra.vulns.get(extra.images[0]!.sha)!);
    const again = await pullFindings(source());
    expect(again.findings.filter((f) => f.parentKey === `image:${extra.images[0]!.sha}`)).to.have.length(2);
  });

  it('progress is reported per page; findings are chunked by chunkSize', async () => {
    const { pages, progress } = await pullFindings(source({ chunkSize: 4 }));
    expect(pages.every((p) => p.findings.length <= 6)).to.equal(true);
    expect(pages.length).to.be.greaterThan(2);
    expect(progress[progress.length - 1]!.totalFindings).to.equal(15);
  });
});
