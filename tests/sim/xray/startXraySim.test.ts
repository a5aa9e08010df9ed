import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { artifactsOf, componentOf, generateXrayData } from './generateXrayData.js';
import { startXraySim, XRAY_SIM_CREDENTIALS, type XraySim } from './startXraySim.js';
import { buildLegacyWebhookPayload, buildWebhookPayloadV11, infectedFileIdentity, sendXrayWebhook } from './webhookPayloads.js';
import type { XrayViolation } from './xrayTypes.js';

const BEARER = { Authorization: `Bearer ${XRAY_SIM_CREDENTIALS.token}` };
const VIOLATIONS = '/xray/api/v1/violations';

interface Page {
  total_violations: number;
  violations: XrayViolation[];
}

async function call(sim: XraySim, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...(init.headers ?? BEARER) },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const list = async (sim: XraySim, body: unknown, headers?: Record<string, string>) => {
  const r = await call(sim, VIOLATIONS, { method: 'POST', body, headers });
  return { ...r, page: r.json as Page };
};

/** The fetchable path of a details URL: Xray names its internal host, clients keep only the rest. */
const detailsPath = (v: XrayViolation): string => {
  const u = v.violation_details_url!;
  return u.slice(u.indexOf('/xray/'));
};

describe('sim/xray: the JFrog Xray simulator', () => {
  let sim: XraySim;
  beforeEach(async () => {
    sim = await startXraySim({ seed: 7, watches: ['prod-watch', 'npm-watch'], violationsPerWatch: 60, recordRequests: true, now: () => new Date('2026-03-01T12:00:00Z') });
  });
  afterEach(async () => sim.close());

  it('generates the same data from the same seed, varied and shaped like Xray list items', () => {
    const a = generateXrayData({ seed: 3, watches: 4, violationsPerWatch: 400 });
    const b = generateXrayData({ seed: 3, watches: 4, violationsPerWatch: 400 });
    const c = generateXrayData({ seed: 4, watches: 4, violationsPerWatch: 400 });
    expect(a.violations).to.deep.equal(b.violations);
    expect(a.violations.map((v) => v.issue_id)).to.not.deep.equal(c.violations.map((v) => v.issue_id));
    const vs = a.violations;
    expect(vs).to.have.length(1600);
    for (const w of a.watches) {
      expect(w.id).to.match(/^[0-9a-f]{24}$/);
      expect(vs.filter((v) => v.watch_name === w.name)).to.have.length(400);
    }
    const created = vs.map((v) => Date.parse(v.created));
    expect(created.every((t, i) => i === 0 || t >= created[i - 1]!)).to.equal(true);
    expect(created.filter((t, i) => i > 0 && t === created[i - 1]).length).to.be.greaterThan(100);
    expect(vs[0]!.created).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(new Set(vs.map((v) => `${v.watch_name}|${v.issue_id}|${componentOf(v)}`)).size).to.equal(vs.length);
    expect(new Set(vs.map((v) => v.violation_id)).size).to.equal(vs.length);
    expect(vs.every((v) => /^\d+$/.test(v.violation_id!))).to.equal(true);

    const security = vs.filter((v) => v.type === 'Security');
    expect(security.some((v) => v.properties?.some((p) => p.cve?.startsWith('CVE-')))).to.equal(true);
    expect(security.some((v) => !v.properties?.some((p) => p.cve))).to.equal(true);
    expect(security.some((v) => v.fix_versions?.length === 0)).to.equal(true);
    expect(security.some((v) => v.extended_information)).to.equal(true);
    expect(security.some((v) => v.applicability_details?.length)).to.equal(true);
    const license = vs.find((v) => v.type === 'License')!;
    expect(license).to.not.have.property('properties');
    expect(license.issue_id).to.equal(license.summary);
    expect(vs.find((v) => v.type === 'Operational_Risk')!.operational_risk).to.include.keys('risk', 'risk_reason', 'is_eol');
    expect(vs.some((v) => v.impact_artifacts && !v.impacted_artifacts)).to.equal(true);
    expect(vs.some((v) => v.ignore_rule_info?.is_expired === false)).to.equal(true);
    expect(vs.some((v) => v.infected_components.length === 2)).to.equal(true);
    expect(new Set(vs.map((v) => v.severity))).to.include.members(['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown']);
    for (const scheme of ['npm://', 'gav://', 'deb://', 'pypi://', 'go://', 'docker://']) expect(vs.some((v) => componentOf(v).startsWith(scheme)), scheme).to.equal(true);

    // Internal host, Go's path escaping, both parameter orders.
    const urls = vs.map((v) => v.violation_details_url!);
    expect(urls.every((u) => u.startsWith('http://localhost:8046/xray/api/v1/violations?'))).to.equal(true);
    expect(urls.some((u) => /\?watch_id=.*&issue_id=.*&comp_id=/.test(u))).to.equal(true);
    expect(urls.some((u) => /\?comp_id=.*&issue_id=.*&watch_id=/.test(u))).to.equal(true);
    const gav = vs.find((v) => componentOf(v).startsWith('gav://'))!;
    expect(gav.violation_details_url).to.contain(`comp_id=gav:%2F%2F${componentOf(gav).slice(6)}`);
  });

  it('pages with 1-based page numbers: full pages, a partial last page, then an empty page', async () => {
    const mine = sim.data.violations.filter((v) => v.watch_name === 'prod-watch');
    const seen: XrayViolation[] = [];
    for (let page = 1; page <= 9; page++) {
      const r = await list(sim, { filters: { watch_name: 'prod-watch', include_details: true }, pagination: { limit: 7, offset: page, order_by: 'created', direction: 'asc' } });
      expect(r.status).to.equal(200);
      expect(r.page.total_violations).to.equal(60);
      expect(r.page.violations).to.have.length(page <= 8 ? 7 : 4);
      seen.push(...r.page.violations);
    }
    expect(seen).to.deep.equal(mine);
    const past = await list(sim, { filters: { watch_name: 'prod-watch' }, pagination: { limit: 7, offset: 10 } });
    expect(past.page).to.deep.equal({ total_violations: 60, violations: [] });

    // Defaults: 25 per page, page 1, created ascending, every watch.
    const all = await list(sim, {});
    expect(all.page.total_violations).to.equal(120);
    expect(all.page.violations.map((v) => v.issue_id)).to.deep.equal(sim.data.violations.slice(0, 25).map((v) => v.issue_id));
  });

  it('filters by created_from (inclusive) and created_until, min_severity, type, issue_id, cve_id and name_contains', async () => {
    const vs = sim.data.violations;
    const pivot = vs[50]!.created;
    const from = await list(sim, { filters: { created_from: pivot }, pagination: { limit: 500 } });
    expect(from.page.total_violations).to.equal(vs.filter((v) => v.created >= pivot).length);
    expect(from.page.violations[0]!.created).to.equal(pivot);
    const until = await list(sim, { filters: { created_until: pivot }, pagination: { limit: 500 } });
    expect(until.page.total_violations).to.equal(vs.filter((v) => v.created <= pivot).length);

    const high = await list(sim, { filters: { min_severity: 'High' }, pagination: { limit: 500 } });
    expect(high.page.total_violations).to.equal(vs.filter((v) => v.severity === 'Critical' || v.severity === 'High').length);
    const low = await list(sim, { filters: { min_severity: 'Low' }, pagination: { limit: 500 } });
    expect(low.page.violations.map((v) => v.severity)).to.not.include.members(['Information', 'Unknown']);

    const lic = await list(sim, { filters: { violation_type: 'License' }, pagination: { limit: 500 } });
    expect(lic.page.total_violations).to.equal(vs.filter((v) => v.type === 'License').length).and.be.greaterThan(0);
    const target = vs.find((v) => v.properties?.some((p) => p.cve))!;
    const cve = target.properties!.find((p) => p.cve)!.cve!;
    const byCve = await list(sim, { filters: { cve_id: cve }, pagination: { limit: 500 } });
    expect(byCve.page.violations.map((v) => v.issue_id)).to.include(target.issue_id);
    const byIssue = await list(sim, { filters: { issue_id: target.issue_id } });
    expect(byIssue.page.violations.every((v) => v.issue_id === target.issue_id)).to.equal(true);
    const word = target.description!.split(' ')[0]!;
    expect((await list(sim, { filters: { name_contains: word } })).page.total_violations).to.be.greaterThan(0);
    expect((await list(sim, { filters: { name_contains: word.toUpperCase() + 'zz' } })).page.total_violations).to.equal(0);
  });

  it('orders by severity (default desc) and by created desc', async () => {
    const bySeverity = await list(sim, { pagination: { order_by: 'severity', limit: 500 } });
    expect(bySeverity.page.violations[0]!.severity).to.equal('Critical');
    expect(['Information', 'Unknown']).to.include(bySeverity.page.violations.at(-1)!.severity);
    const desc = await list(sim, { filters: { include_details: true }, pagination: { direction: 'desc', limit: 3 } });
    expect(desc.page.violations.map((v) => v.violation_id)).to.deep.equal(sim.data.violations.slice(-3).reverse().map((v) => v.violation_id));
  });

  it('leaves detail fields out without include_details', async () => {
    const plain = (await list(sim, { pagination: { limit: 120 } })).page.violations;
    for (const v of plain) {
      expect(v).to.include.keys('issue_id', 'type', 'watch_name', 'severity', 'created', 'infected_components', 'violation_details_url', 'description');
      expect(v).to.not.have.any.keys('properties', 'matched_policies', 'extended_information', 'applicability_details', 'violation_id', 'summary', 'operational_risk');
    }
    const detailed = (await list(sim, { filters: { include_details: true }, pagination: { limit: 120 } })).page.violations;
    expect(detailed.every((v) => v.matched_policies!.length > 0)).to.equal(true);
    expect(detailed.some((v) => v.properties)).to.equal(true);
  });

  it('answers 400 with {"error"} to bodies a strict server refuses', async () => {
    const bad = ['not json', '[]', { pagination: { offset: 0 } }, { pagination: { limit: '10' } }, { filters: { violation_type: 'security' } }, { filters: { min_severity: 'Major' } }, { filters: { created_from: '2026-01-01' } }, { filters: { include_details: 'yes' } }, { pagination: { order_by: 'cvss' } }];
    for (const body of bad) {
      const r = await list(sim, body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.json).to.have.property('error').that.is.a('string');
    }
  });

  it('requires a Bearer token or Basic credentials on every route', async () => {
    const refused: Array<Record<string, string>> = [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${Buffer.from('vbsim_xray:nope').toString('base64')}` }];
    for (const headers of refused) {
      const r = await list(sim, {}, headers);
      expect(r.status).to.equal(401);
      expect(r.json).to.deep.equal({ errors: [{ status: 401, message: 'Bad credentials' }] });
    }
    expect((await call(sim, '/xray/api/v2/watches', { headers: {} })).status).to.equal(401);
    const basic = { Authorization: `Basic ${Buffer.from(`${XRAY_SIM_CREDENTIALS.username}:${XRAY_SIM_CREDENTIALS.password}`).toString('base64')}` };
    expect((await list(sim, {}, basic)).status).to.equal(200);
    sim.setCredentials({ token: 'rotated' });
    expect((await list(sim, {})).status).to.equal(401);
    expect((await list(sim, {}, { Authorization: 'Bearer rotated' })).status).to.equal(200);
  });

  it('serves one violation with details at the path of its details URL, 404 once resolved', async () => {
    const v = sim.data.violations.find((x) => x.type === 'Security' && x.properties)!;
    const r = await call(sim, detailsPath(v));
    expect(r.status).to.equal(200);
    const { violation_details_url: _u, ...expected } = v;
    expect(r.json).to.deep.equal(expected);
    // Built with URLSearchParams (order and escaping of the client's choice) works too.
    const q = new URL(v.violation_details_url!).searchParams;
    const rebuilt = new URLSearchParams({ watch_id: q.get('watch_id')!, issue_id: q.get('issue_id')!, comp_id: componentOf(v) });
    expect((await call(sim, `${VIOLATIONS}?${rebuilt.toString()}`)).status).to.equal(200);

    expect(sim.resolveViolations(v)).to.equal(1);
    expect((await call(sim, detailsPath(v))).status).to.equal(404);
    expect((await list(sim, { filters: { issue_id: v.issue_id, watch_name: v.watch_name } })).page.violations.map((x) => x.violation_details_url)).to.not.include(v.violation_details_url);
    expect((await call(sim, `${VIOLATIONS}?watch_id=x`)).status).to.equal(400);
  });

  it('lists watches in the Get Watches shape, and answers 403 when told the user lacks Manage Watches', async () => {
    const r = await call(sim, '/xray/api/v2/watches');
    expect(r.status).to.equal(200);
    const watches = r.json as Array<{ general_data: { name: string; active: boolean }; assigned_policies: Array<{ type: string }>; project_resources: { resources: unknown[] } }>;
    expect(watches.map((w) => w.general_data.name)).to.deep.equal(['prod-watch', 'npm-watch']);
    expect(watches[0]!.general_data.active).to.equal(true);
    expect(watches[0]!.assigned_policies.map((p) => p.type)).to.include.members(['security', 'license', 'operational_risk']);
    expect(watches[0]!.project_resources.resources).to.not.be.empty;
    expect((await call(sim, '/xray/api/v2/watches/npm-watch')).json).to.have.nested.property('general_data.name', 'npm-watch');
    sim.setWatchesForbidden(true);
    expect((await call(sim, '/xray/api/v2/watches')).status).to.equal(403);
  });

  it('answers an unknown watch_name with an empty list by default, or with the status it is told', async () => {
    const r = await list(sim, { filters: { watch_name: 'no-such-watch' } });
    expect(r.status).to.equal(200);
    expect(r.page).to.deep.equal({ total_violations: 0, violations: [] });
    sim.setUnknownWatch({ status: 404 });
    expect((await list(sim, { filters: { watch_name: 'no-such-watch' } })).status).to.equal(404);
    expect((await list(sim, { filters: { watch_name: 'prod-watch' } })).status).to.equal(200);
  });

  it('fails the next requests with 429 + Retry-After, 502 HTML, then answers normally', async () => {
    sim.failNext({ kind: 'status', status: 429, retryAfterSec: 7 });
    sim.failNext({ kind: 'status', status: 502 }, { route: 'violations' });
    const first = await list(sim, {});
    expect(first.status).to.equal(429);
    expect(first.headers.get('retry-after')).to.equal('7');
    const second = await list(sim, {});
    expect(second.status).to.equal(502);
    expect(second.headers.get('content-type')).to.contain('text/html');
    expect((await list(sim, {})).status).to.equal(200);
    expect(sim.counts.violations).to.equal(3);
  });

  it('hangs on a given page until the client gives up, then serves it', async () => {
    sim.failNext({ kind: 'hang' }, { page: 2 });
    expect((await list(sim, { pagination: { limit: 10, offset: 1 } })).status).to.equal(200);
    const controller = new AbortController();
    const hung = call(sim, VIOLATIONS, { method: 'POST', body: { pagination: { limit: 10, offset: 2 } }, signal: controller.signal });
    // Abort once the simulator has the request: its record exists before the hang.
    while (sim.requests.length < 2) await new Promise((r) => setImmediate(r));
    controller.abort();
    let error: unknown;
    await hung.catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(Error).with.property('name', 'AbortError');
    const again = await list(sim, { pagination: { limit: 10, offset: 2 } });
    expect(again.page.violations).to.have.length(10);
  });

  it('breaks pages on demand: a corrupt violation, a truncated body, an HTML page', async () => {
    sim.failNext({ kind: 'corrupt', how: 'missingIssueId', index: 1 }, { page: 1 });
    const corrupt = await list(sim, { pagination: { limit: 5 } });
    expect(corrupt.page.violations[1]).to.not.have.property('issue_id');
    expect(corrupt.page.violations[0]).to.have.property('issue_id');
    sim.failNext({ kind: 'corrupt', how: 'bogus' }, { page: 1 });
    expect((await list(sim, { pagination: { limit: 5 } })).page.violations[0]).to.deep.equal({ bogus: true });
    sim.failNext({ kind: 'truncate' });
    const cut = await list(sim, {});
    expect(cut.status).to.equal(200);
    expect(cut.json).to.equal(undefined);
    sim.failNext({ kind: 'invalidJson' });
    const html = await list(sim, {});
    expect(html.text).to.match(/^<!DOCTYPE html>/);
  });

  it('mutators: a new violation is listed last with created now; ignore, hide and re-rate', async () => {
    const added = sim.addViolation({ watch_name: 'npm-watch', type: 'Security' });
    expect(added.created).to.equal('2026-03-01T12:00:00Z');
    const fresh = await list(sim, { filters: { created_from: '2026-03-01T00:00:00Z', include_details: true } });
    expect(fresh.page.violations).to.deep.equal([added]);
    expect(sim.data.violations.at(-1)).to.equal(added);

    const ignored = sim.ignoreViolation(added, { notes: 'accepted' });
    expect(ignored.ignore_rule_info).to.include({ notes: 'accepted', is_expired: false });
    expect((await list(sim, { filters: { created_from: '2026-03-01T00:00:00Z' } })).page.violations[0]!.ignore_rule_info!.notes).to.equal('accepted');
    sim.setIgnoredViolations('hidden');
    expect((await list(sim, { filters: { created_from: '2026-03-01T00:00:00Z' } })).page.total_violations).to.equal(0);
    sim.setIgnoredViolations('listed');

    const v = sim.data.violations[0]!;
    sim.setSeverity({ watch_name: v.watch_name, issue_id: v.issue_id, component: componentOf(v) }, 'Critical');
    expect((await call(sim, detailsPath(v))).json).to.have.property('severity', 'Critical');
    expect(sim.resolveViolations((x) => x.watch_name === 'npm-watch')).to.equal(61);
    expect((await list(sim, {})).page.total_violations).to.equal(60);
  });

  it('records requests without the credential', async () => {
    await list(sim, { filters: { watch_name: 'prod-watch' }, pagination: { limit: 3 } });
    const [r] = sim.requests;
    expect(r).to.include({ route: 'violations', method: 'POST', path: VIOLATIONS, status: 200, authorized: true });
    expect(r!.body).to.deep.equal({ filters: { watch_name: 'prod-watch' }, pagination: { limit: 3 } });
    expect(r!.headers.authorization).to.equal('Bearer <redacted>');
    expect(JSON.stringify(sim.requests)).to.not.contain(XRAY_SIM_CREDENTIALS.token);
  });

  it('names infected files the way Xray does for each package type', () => {
    expect(infectedFileIdentity('deb://debian:buster:libssl1.1:1.1.1d-0')).to.deep.equal({ name: 'libssl1.1:1.1.1d-0', display_name: 'debian:buster:libssl1.1:1.1.1d-0', pkg_type: 'Debian' });
    expect(infectedFileIdentity('npm://lodash:4.17.19')).to.deep.equal({ name: 'lodash:4.17.19', display_name: 'lodash:4.17.19', pkg_type: 'Npm' });
    expect(infectedFileIdentity('gav://g:a:v')).to.include({ display_name: 'g:a:v', pkg_type: 'Maven' });
    expect(infectedFileIdentity('pypi://x:1')).to.include({ display_name: 'x:1', pkg_type: 'Pypi' });
    expect(infectedFileIdentity('docker://nginx:1.19.0')).to.include({ display_name: 'nginx:1.19.0', pkg_type: 'Docker' });
    expect(infectedFileIdentity('go://golang.org/x/net:v0.7.0')).to.include({ display_name: 'golang.org/x/net:v0.7.0', pkg_type: 'Go' });
  });

  describe('webhooks', () => {
    let server: ReturnType<typeof createServer>;
    let received: Array<{ headers: IncomingHttpHeaders; body: Buffer }>;
    let hookUrl: string;
    beforeEach(async () => {
      received = [];
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks) });
          res.writeHead(202, { 'Content-Type': 'application/json' });
          res.end('{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/xray`;
    });
    afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    it('legacy payload: nanosecond created, lowercase security / capitalised License, cve only when there is one', async () => {
      const vs = sim.data.violations.filter((v) => v.watch_name === 'prod-watch');
      const withCve = vs.find((v) => v.type === 'Security' && v.properties?.some((p) => p.cve))!;
      const cveLess = vs.find((v) => v.type === 'Security' && !v.properties?.some((p) => p.cve))!;
      const license = vs.find((v) => v.type === 'License')!;
      const payload = buildLegacyWebhookPayload([withCve, cveLess, license], { created: new Date('2026-03-01T12:00:00.935Z') });
      expect(payload.created).to.equal('2026-03-01T12:00:00.935220997Z');
      expect(payload).to.not.have.property('schema_version');
      expect(payload.watch_name).to.equal('prod-watch');
      const [a, b, c] = payload.issues;
      expect(a).to.include({ type: 'security', provider: 'JFrog', cve: withCve.properties!.find((p) => p.cve)!.cve });
      expect(b).to.not.have.property('cve');
      expect(c).to.include({ type: 'License', summary: license.summary, description: license.description });
      expect(c).to.not.have.any.keys('cve', 'provider');
      const artifact = a!.impacted_artifacts[0]!;
      expect(artifact.path + artifact.name).to.equal(artifactsOf(withCve)[0]);
      expect(artifact.infected_files[0]).to.include(infectedFileIdentity(componentOf(withCve)));

      const res = await sendXrayWebhook(hookUrl, payload, { auth: { basic: { username: 'hook', password: 's3cret' }, header: { name: 'X-Hook-Secret', value: 'abc' } }, gzip: true });
      expect(res).to.include({ status: 202, body: '{"ok":true}' });
      const got = received[0]!;
      expect(got.headers).to.include({ 'user-agent': 'Xray/3.104.8', 'x-xray-version': '3.104.8', 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-hook-secret': 'abc' });
      expect(got.headers.authorization).to.equal(`Basic ${Buffer.from('hook:s3cret').toString('base64')}`);
      expect(JSON.parse(gunzipSync(got.body).toString('utf8'))).to.deep.equal(payload);
    });

    it('schema 1.1 payload: schema_version, alert_id, policy_rule and vulnerability_id per issue', async () => {
      const vs = sim.data.violations.filter((v) => v.watch_name === 'npm-watch' && v.type === 'Security').slice(0, 3);
      const payload = buildWebhookPayloadV11(vs, { created: new Date('2026-03-01T12:00:00Z'), nanos: 0 });
      expect(payload).to.include({ schema_version: '1.1', watch_name: 'npm-watch', created: '2026-03-01T12:00:00Z', policy_name: 'sec-baseline', policy_rule: 'all-severities' });
      expect(payload.alert_id).to.match(/^[0-9a-f]{24}$/);
      expect(payload.issues.map((i) => i.vulnerability_id)).to.deep.equal(vs.map((v) => v.issue_id));
      const rank = ['Unknown', 'Information', 'Low', 'Medium', 'High', 'Critical'];
      expect(payload.top_severity).to.equal(vs.map((v) => v.severity).sort((x, y) => rank.indexOf(y) - rank.indexOf(x))[0]);
      expect(() => buildWebhookPayloadV11([vs[0]!, sim.data.violations.find((v) => v.watch_name === 'prod-watch')!])).to.throw(/one watch/);

      const res = await sendXrayWebhook(hookUrl, payload);
      expect(res.status).to.equal(202);
      expect(received[0]!.headers).to.not.have.property('authorization');
      expect(JSON.parse(received[0]!.body.toString('utf8'))).to.deep.equal(payload);
    });
  });
});
