import { expect } from 'chai';
import { parseOrgJson, type OrgJsonObject } from '../../../connector/sources/qualys-vmdr/orgJson.js';
import { generateVmdrData } from './generateVmdrData.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim, type QualysSim } from './startQualysSim.js';

const HLD = '/api/5.0/fo/asset/host/vm/detection/';
const AUTH = `Basic ${Buffer.from(`${QUALYS_SIM_CREDENTIALS.username}:${QUALYS_SIM_CREDENTIALS.password}`).toString('base64')}`;
const T0 = Date.parse('2026-03-01T00:00:00Z');

async function post(sim: QualysSim, path: string, params: Record<string, string>, headers: Record<string, string> = { Authorization: AUTH, 'X-Requested-With': 'test' }) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, doc: tryParse(text) };
}

function tryParse(text: string): ReturnType<typeof parseOrgJson> | undefined {
  try {
    return parseOrgJson(text);
  } catch {
    return undefined;
  }
}

// Test-only helpers to walk the parsed answers.
const response = (r: { doc?: { value: OrgJsonObject } }): OrgJsonObject => r.doc!.value.RESPONSE as OrgJsonObject;
const hostsOf = (r: { doc?: { value: OrgJsonObject } }): OrgJsonObject[] => ((response(r).HOST_LIST as OrgJsonObject | undefined)?.HOST as OrgJsonObject[] | undefined) ?? [];
const detectionsOf = (h: OrgJsonObject): OrgJsonObject[] => (h.DETECTION_LIST as OrgJsonObject).DETECTION as OrgJsonObject[];

describe('sim/qualys: the Qualys VMDR simulator', () => {
  let sim: QualysSim;
  let nowMs = T0;
  beforeEach(async () => {
    nowMs = T0;
    sim = await startQualysSim({ seed: 11, hosts: 5, detectionsPerHost: 6, now: () => new Date(nowMs) });
  });
  afterEach(async () => sim.close());

  it('generates the same data from the same seed, and different data from another', () => {
    const a = generateVmdrData({ seed: 5, hosts: 3, detectionsPerHost: 4 });
    const b = generateVmdrData({ seed: 5, hosts: 3, detectionsPerHost: 4 });
    const c = generateVmdrData({ seed: 6, hosts: 3, detectionsPerHost: 4 });
    expect([...a.allDetections()]).to.deep.equal([...b.allDetections()]);
    expect([...a.allDetections()].map(([, d]) => d.QID)).to.not.deep.equal([...c.allDetections()].map(([, d]) => d.QID));
    expect(a.totalDetections()).to.equal(12);
    // One host never carries the same QID twice.
    const qids = a.detectionsOf(a.hosts[0]!).map((d) => d.QID);
    expect(new Set(qids).size).to.equal(qids.length);
  });

  it('serves valid, streamed HLD XML in the documented element order, honoring show_* flags', async () => {
    const r = await post(sim, HLD, { action: 'list', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', show_qds: '1', show_qds_factors: '1', show_tags: '1', show_asset_id: '1' });
    expect(r.status).to.equal(200);
    expect(r.headers.get('transfer-encoding')).to.equal('chunked');
    expect(r.doc!.rootName).to.equal('HOST_LIST_VM_DETECTION_OUTPUT');
    const host = hostsOf(r)[0]!;
    expect(Object.keys(host).slice(0, 4)).to.deep.equal(['ID', 'ASSET_ID', 'IP', 'TRACKING_METHOD']);
    expect(Object.keys(host).at(-1)).to.equal('DETECTION_LIST');
    expect((host.TAGS as OrgJsonObject).TAG).to.be.an('array');
    expect(host.OS).to.equal(sim.data.hosts[0]!.OS);
    const d = detectionsOf(host)[0]!;
    expect(Object.keys(d).slice(0, 3)).to.deep.equal(['UNIQUE_VULN_ID', 'QID', 'TYPE']);
    expect(d.QDS).to.have.keys('severity', 'content');
    expect(d.RESULTS).to.contain('& co');
    expect(hostsOf(r).flatMap(detectionsOf)).to.have.length(sim.data.totalDetections());

    const plain = await post(sim, HLD, { action: 'list', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1' });
    const d2 = detectionsOf(hostsOf(plain)[0]!)[0]!;
    expect(d2).to.not.have.property('QDS');
    expect(hostsOf(plain)[0]).to.not.have.property('TAGS');
  });

  it('pages by truncation_limit with WARNING 1980 and an id_min URL on the public host', async () => {
    sim.setPublicUrl('https://qualysapi.qg9.example');
    const r = await post(sim, HLD, { action: 'list', truncation_limit: '2', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1' });
    expect(hostsOf(r)).to.have.length(2);
    const warning = response(r).WARNING as OrgJsonObject;
    expect(warning.CODE).to.equal('1980');
    const url = new URL(String(warning.URL));
    expect(url.origin).to.equal('https://qualysapi.qg9.example');
    expect(url.searchParams.get('id_min')).to.equal(sim.data.hosts[2]!.ID);
    const last = await post(sim, HLD, { action: 'list', truncation_limit: '2', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', id_min: sim.data.hosts[4]!.ID });
    expect(hostsOf(last)).to.have.length(1);
    expect(response(last)).to.not.have.property('WARNING');
  });

  it('filters by status (default without Fixed), include_ignored, severities, qids and detection_updated_since', async () => {
    const all = [...sim.data.allDetections()].map(([, d]) => d);
    const count = async (params: Record<string, string>) => hostsOf(await post(sim, HLD, { action: 'list', ...params })).flatMap(detectionsOf).length;
    expect(await count({})).to.equal(all.filter((d) => d.STATUS !== 'Fixed' && d.IS_IGNORED === '0').length);
    expect(await count({ status: 'Fixed', include_ignored: '1' })).to.equal(all.filter((d) => d.STATUS === 'Fixed').length);
    expect(await count({ status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', severities: '4-5' })).to.equal(all.filter((d) => Number(d.SEVERITY) >= 4).length);
    expect(await count({ status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', qids: all[0]!.QID })).to.equal(all.filter((d) => d.QID === all[0]!.QID).length);

    nowMs = T0 + 86_400_000;
    const changed = sim.data.fixSome(3);
    expect(changed).to.have.length(3);
    const since = await post(sim, HLD, { action: 'list', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', detection_updated_since: '2026-03-01T12:00:00Z' });
    const got = hostsOf(since).flatMap((h) => detectionsOf(h).map((d) => `${String(h.ID)}:${String(d.QID)}:${String(d.STATUS)}:${String(d.LAST_UPDATE_DATETIME)}`));
    expect(got.sort()).to.deep.equal(changed.map((c) => `${c.hostId}:${c.qid}:Fixed:2026-03-02T00:00:00Z`).sort());
  });

  it('filters hosts by tags (use_tags, by name or id, any or all)', async () => {
    const tagged = sim.data.hosts.filter((h) => h.TAGS.some((t) => t.NAME === 'Production'));
    const r = await post(sim, HLD, { action: 'list', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', use_tags: '1', tag_set_by: 'name', tag_set_include: 'Production' });
    expect(hostsOf(r).map((h) => h.ID)).to.deep.equal(tagged.map((h) => h.ID));

    const both = sim.data.hosts.filter((h) => ['7001', '7004'].every((id) => h.TAGS.some((t) => t.TAG_ID === id)));
    const all = await post(sim, HLD, { action: 'list', status: 'New,Active,Re-Opened,Fixed', include_ignored: '1', use_tags: '1', tag_set_by: 'id', tag_include_selector: 'all', tag_set_include: '7001,7004' });
    expect(hostsOf(all).map((h) => h.ID)).to.deep.equal(both.map((h) => h.ID));
  });

  it('answers show_trurisk on HLD with 400 CODE 1901, and serves TruRisk from the Host List API', async () => {
    const bad = await post(sim, HLD, { action: 'list', show_trurisk: '1' });
    expect(bad.status).to.equal(400);
    expect((bad.doc!.value.RESPONSE as OrgJsonObject).CODE).to.equal('1901');
    const host = sim.data.hosts[1]!;
    const ok = await post(sim, '/api/5.0/fo/asset/host/', { action: 'list', details: 'Basic', show_trurisk: '1', ids: host.ID, truncation_limit: '0' });
    expect(hostsOf(ok)).to.have.length(1);
    expect(hostsOf(ok)[0]).to.include({ ID: host.ID, TRURISK_SCORE: host.TRURISK_SCORE, ASSET_CRITICALITY_SCORE: host.ASSET_CRITICALITY_SCORE });
  });

  it('serves KnowledgeBase entries for ids and leaves out QIDs it does not know', async () => {
    const qid = sim.data.detectionsOf(sim.data.hosts[0]!)[0]!.QID;
    sim.data.kbMissing.add('10001');
    const r = await post(sim, '/api/2.0/fo/knowledge_base/vuln/', { action: 'list', details: 'All', ids: `${qid},10001,5` });
    const vulns = (response(r).VULN_LIST as OrgJsonObject).VULN as OrgJsonObject[];
    expect(vulns.map((v) => v.QID)).to.deep.equal([qid]);
    expect(vulns[0]!.TITLE).to.equal(sim.data.kb(qid)!.TITLE);
    expect((vulns[0]!.CVSS as OrgJsonObject).BASE).to.deep.equal({ source: 'service', content: sim.data.kb(qid)!.CVSS_BASE });
  });

  it('answers 401 without the right Basic auth or without X-Requested-With', async () => {
    const noHeader = await post(sim, HLD, { action: 'list' }, { Authorization: AUTH });
    const wrong = await post(sim, HLD, { action: 'list' }, { Authorization: `Basic ${Buffer.from('x:y').toString('base64')}`, 'X-Requested-With': 't' });
    expect([noHeader.status, wrong.status]).to.deep.equal([401, 401]);
    expect(wrong.text).to.contain('Bad Login/Password');
    expect(sim.calls.map((c) => c.authorized)).to.deep.equal([false, false]);
  });

  it('sends rate-limit headers, 409 CODE 1965 past the limit and 409 CODE 1960 past the concurrency limit', async () => {
    sim.setRateLimit('hld', { limit: 2, concurrencyLimit: 1 });
    const r1 = await post(sim, HLD, { action: 'list' });
    expect(r1.headers.get('x-ratelimit-remaining')).to.equal('1');
    expect(r1.headers.get('x-concurrency-limit-limit')).to.equal('1');
    const r2 = await post(sim, HLD, { action: 'list' });
    expect(r2.headers.get('x-ratelimit-remaining')).to.equal('0');
    expect(r2.headers.get('x-ratelimit-towait-sec')).to.equal('3600');
    const r3 = await post(sim, HLD, { action: 'list' });
    expect(r3.status).to.equal(409);
    expect((r3.doc!.value.RESPONSE as OrgJsonObject).CODE).to.equal('1965');
    nowMs += 3_600_000;
    // Hold one call open, then a second one hits the concurrency limit.
    sim.failNext('hld', { kind: 'hold' });
    const held = post(sim, HLD, { action: 'list' });
    while (sim.calls.length < 4) await new Promise((resolve) => setImmediate(resolve));
    const busy = await post(sim, HLD, { action: 'list' });
    expect(busy.status).to.equal(409);
    expect((busy.doc!.value.RESPONSE as OrgJsonObject).CODE).to.equal('1960');
    expect(busy.headers.get('x-concurrency-limit-running')).to.equal('1');
    sim.releaseHeld();
    expect((await held).status).to.equal(200);
  });

  it('breaks responses on demand: truncated and malformed XML', async () => {
    sim.failNext('hld', { kind: 'truncate', afterBytes: 500 });
    const cut = await post(sim, HLD, { action: 'list' });
    expect(cut.status).to.equal(200);
    expect(Buffer.byteLength(cut.text)).to.equal(500);
    expect(cut.doc).to.equal(undefined);
    sim.failNext('hld', { kind: 'malformed' });
    const bad = await post(sim, HLD, { action: 'list' });
    expect(bad.status).to.equal(200);
    expect(bad.text).to.contain('</HOST_LIST_VM_DETECTION_OUTPUT>');
    expect(() => parseOrgJson(bad.text)).to.throw(/attribute|value/i);
    const good = await post(sim, HLD, { action: 'list' });
    expect(good.doc?.rootName).to.equal('HOST_LIST_VM_DETECTION_OUTPUT');
  });

  it('mutators stamp LAST_UPDATE_DATETIME with the sim clock and change what they say', () => {
    nowMs = T0 + 7_200_000;
    const data = sim.data;
    const [fixed] = data.fixSome(1);
    const host = data.host(fixed!.hostId)!;
    const d = data.detectionsOf(host).find((x) => x.QID === fixed!.qid)!;
    expect(d.STATUS).to.equal('Fixed');
    expect(d.LAST_UPDATE_DATETIME).to.equal('2026-03-01T02:00:00Z');
    const [reopened] = data.reopenOne();
    const r = data.detectionsOf(data.host(reopened!.hostId)!).find((x) => x.QID === reopened!.qid)!;
    expect(r.STATUS).to.equal('Re-Opened');
    const [ignored] = data.ignoreOne();
    expect(data.detectionsOf(data.host(ignored!.hostId)!).find((x) => x.QID === ignored!.qid)!.IS_IGNORED).to.equal('1');
    const before = data.hosts.length;
    const added = data.addHost(2);
    expect(data.hosts).to.have.length(before + 1);
    expect(Number(added.ID)).to.be.greaterThan(Number(data.hosts[before - 1]!.ID));
    expect(data.detectionsOf(added).every((x) => x.STATUS === 'New')).to.equal(true);
  });
});
