import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import { ConfigError, ExternalHostError, SinkError, VulnbridgeError } from '../../../connector/errors.js';
import { buildGroupEvent, buildIncidentEvent } from '../../../connector/incidents/buildEvent.js';
import { createIncidentSender } from '../../../connector/sinks/registry.js';
import { lightstepSeverity } from '../../../connector/sinks/incident-webhook/lightstepFormat.js';
import { createWebhookSender } from '../../../connector/sinks/incident-webhook/webhookSender.js';
import { webhookActionSchema } from '../../../connector/routing/actionSchemas.js';
import { closedPort } from '../../support/net.js';
import { vmdrContext } from '../../templates/vmdrContext.js';
import { xrayContext } from '../../templates/xrayContext.js';
import {
  BEARER,
  ENV,
  errorTexts,
  expectNoSecret,
  FIXED_NOW,
  LIGHTSTEP_API_KEY,
  LIGHTSTEP_URL,
  sendError,
  testDeps,
  triggerEvent,
} from '../../incidents/incidentTestKit.js';

const LS = 'https://api.incident.lightstep.com';
const LS_PATH = '/webhooks/generic/7f3a';
const action = (extra: Record<string, unknown> = {}) => webhookActionSchema.parse({ url: { env: 'LIGHTSTEP_WEBHOOK_URL' }, ...extra });
const signal = () => new AbortController().signal;
const xrayEvent = (which: Parameters<typeof xrayContext>[0] = 'securityWithCve', act: 'trigger' | 'resolve' = 'trigger') =>
  buildIncidentEvent({ action: act, dedupKey: `xray|${which}`, module: 'XRAY', ctx: xrayContext(which), now: FIXED_NOW });

describe('incidents: webhook sender, lightstep format (nock)', () => {
  it('POSTs the generic REST body to the secret URL (apiKey kept in the query); host is the host only', async () => {
    let seen: unknown;
    const scope = nock(LS).post(LS_PATH, (b) => ((seen = b), true)).query({ apiKey: LIGHTSTEP_API_KEY }).reply(200, { ok: true });
    const { deps } = testDeps();
    const sender = createWebhookSender(action(), deps);
    expect(sender).to.include({ type: 'webhook/lightstep', host: 'api.incident.lightstep.com', eventsPerMinute: 600 });
    const event = triggerEvent();
    await sender.send(event, signal());
    expect(scope.isDone()).to.equal(true);
    expect(seen).to.deep.equal({
      alert: {
        state: 'Open',
        severity: 'P2-High',
        time: '2021-06-16 21:22:18',
        title: event.summary,
        source: 'vulnbridge',
        dedup_key: event.dedupKey,
        description: 'cve: CVE-2021-23337\nseverity: High\nwatch: prod',
        links: event.links,
        original: event.customDetails,
      },
      version: '1.0',
    });
  });

  it('resolve → state Closed', async () => {
    let seen: { alert: { state: string } } | undefined;
    nock(LS).post(LS_PATH, (b) => ((seen = b), true)).query(true).reply(202);
    const { deps } = testDeps();
    await createWebhookSender(action(), deps).send(triggerEvent({ action: 'resolve' }), signal());
    expect(seen?.alert.state).to.equal('Closed');
  });

  it('severity: critical→P1-Critical, error→P2-High, warning→P3-Moderate, info→P4-Low, Information/Unknown→P5-Informational', () => {
    const sev = (severity: 'critical' | 'error' | 'warning' | 'info', name: string) => lightstepSeverity(triggerEvent({ severity, customDetails: { severity: name } }));
    expect([sev('critical', 'Critical'), sev('error', 'High'), sev('warning', 'Medium'), sev('info', 'Low')]).to.deep.equal([
      'P1-Critical',
      'P2-High',
      'P3-Moderate',
      'P4-Low',
    ]);
    expect(sev('info', 'Information')).to.equal('P5-Informational');
    expect(sev('info', 'Unknown')).to.equal('P5-Informational');
    // A map that raises Information to warning keeps P3.
    expect(sev('warning', 'Information')).to.equal('P3-Moderate');
    const vmdrInfo = buildIncidentEvent({ action: 'trigger', dedupKey: 'v', module: 'VMDR', ctx: vmdrContext({ SEVERITY: '1' }) });
    expect(lightstepSeverity(vmdrInfo)).to.equal('P5-Informational');
  });

  it('400/404/422: SINK_REJECTED with the body\'s message, redacted and cut; never the URL or its key', async () => {
    const long = `bad field 'title' for key ${LIGHTSTEP_API_KEY} ${'z'.repeat(5000)}`;
    nock(LS).post(LS_PATH).query(true).reply(400, { message: long });
    nock(LS).post(LS_PATH).query(true).reply(404, 'integration not found');
    nock(LS).post(LS_PATH).query(true).reply(422, { errors: ['alert.title is required'] });
    const { deps, lines } = testDeps();
    const sender = createWebhookSender(action(), deps);
    const errs: VulnbridgeError[] = [];
    for (let i = 0; i < 3; i++) errs.push(await sendError(() => sender.send(triggerEvent(), signal())));
    for (const e of errs) {
      expect(e).to.be.instanceOf(SinkError);
      expect(e.code).to.equal('SINK_REJECTED');
      expect(e.host).to.equal('api.incident.lightstep.com');
      expectNoSecret([...errorTexts(e), lines], [LIGHTSTEP_API_KEY, LIGHTSTEP_URL, 'apiKey=']);
    }
    expect(errs[0]?.message).to.contain("bad field 'title'").and.to.contain('[REDACTED]');
    expect(errs[0]?.message.length).to.be.below(600);
    expect(errs[1]?.message).to.contain('(404): integration not found');
    expect(errs[2]?.message).to.contain('alert.title is required');
  });

  it('401/403: SINK_REJECTED naming the env vars of the URL and the token', async () => {
    nock(LS).post(LS_PATH).query(true).reply(401, 'unauthorized');
    nock(LS).post(LS_PATH).query(true).reply(403, 'forbidden');
    const { deps } = testDeps();
    const sender = createWebhookSender(action({ auth: { bearer: { env: 'HOOK_TOKEN' } } }), deps);
    for (let i = 0; i < 2; i++) {
      const err = await sendError(() => sender.send(triggerEvent(), signal()));
      expect(err.code).to.equal('SINK_REJECTED');
      expect(err.message).to.contain('LIGHTSTEP_WEBHOOK_URL').and.to.contain('HOOK_TOKEN');
      expectNoSecret(errorTexts(err), [BEARER, LIGHTSTEP_API_KEY]);
    }
  });

  it('429 and 5xx are retryable ExternalHostErrors with Retry-After; a closed port is HOST_UNREACHABLE', async () => {
    nock(LS).post(LS_PATH).query(true).reply(429, 'slow down', { 'Retry-After': '12' });
    nock(LS).post(LS_PATH).query(true).reply(503, 'maintenance', { 'Retry-After': '5' });
    const { deps } = testDeps();
    const sender = createWebhookSender(action(), deps);
    const limited = await sendError(() => sender.send(triggerEvent(), signal()));
    expect(limited).to.be.instanceOf(ExternalHostError);
    expect(limited.code).to.equal('HOST_RATE_LIMITED');
    expect((limited as ExternalHostError).retryAfterMs).to.equal(12_000);
    const down = await sendError(() => sender.send(triggerEvent(), signal()));
    expect(down.code).to.equal('HOST_ERROR');
    expect((down as ExternalHostError).retryAfterMs).to.equal(5_000);

    const port = await closedPort();
    const key = 'closedportkey-77889900';
    const local = testDeps({ secret: () => `http://127.0.0.1:${port}/hook?apiKey=${key}` });
    const err = await sendError(() => createWebhookSender(action(), local.deps).send(triggerEvent(), signal()));
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expectNoSecret(errorTexts(err), [key]);
  });

  it('auth: bearer, basic and a custom header are sent', async () => {
    const basic = `Basic ${Buffer.from(`${ENV.HOOK_USER}:${ENV.HOOK_PASSWORD}`).toString('base64')}`;
    const scope = nock(LS)
      .post(LS_PATH).query(true).matchHeader('authorization', `Bearer ${BEARER}`).reply(200)
      .post(LS_PATH).query(true).matchHeader('authorization', basic).reply(200)
      .post(LS_PATH).query(true).matchHeader('x-hook-secret', BEARER).reply(200);
    const { deps } = testDeps();
    await createWebhookSender(action({ auth: { bearer: { env: 'HOOK_TOKEN' } } }), deps).send(triggerEvent(), signal());
    await createWebhookSender(action({ auth: { basic: { username: { env: 'HOOK_USER' }, password: { env: 'HOOK_PASSWORD' } } } }), deps).send(triggerEvent(), signal());
    await createWebhookSender(action({ auth: { header: { name: 'X-Hook-Secret', value: { env: 'HOOK_TOKEN' } } } }), deps).send(triggerEvent(), signal());
    expect(scope.isDone()).to.equal(true);
  });

  it('a URL that is not http(s): ConfigError naming the env var, not the text', () => {
    const { deps } = testDeps({ secret: () => 'ftp://files.example/hook?apiKey=secretish-123' });
    expect(() => createWebhookSender(action(), deps)).to.throw(ConfigError, /LIGHTSTEP_WEBHOOK_URL/).that.satisfies((e: Error) => !e.message.includes('secretish'));
  });

  it('createIncidentSender maps {pagerduty} and {webhook} actions to their senders', () => {
    const { deps } = testDeps();
    expect(createIncidentSender({ webhook: action({ format: 'xray' }) }, deps).type).to.equal('webhook/xray');
    expect(createIncidentSender({ pagerduty: { routingKey: { env: 'PD_ROUTING_KEY' }, url: 'https://events.pagerduty.com/v2/enqueue', severity: {}, groupBy: 'finding', eventsPerMinute: 120 } }, deps).type).to.equal('pagerduty');
  });
});

describe('incidents: webhook sender, xray format (nock)', () => {
  // The fields of Xray's schema_version 1.1 payload (xray-pagerduty-lightstep.md §2.1).
  const TOP = ['schema_version', 'alert_id', 'created', 'top_severity', 'watch_name', 'policy_name', 'policy_rule', 'issues'];
  const ISSUE = ['vulnerability_id', 'severity', 'type', 'provider', 'created', 'summary', 'description', 'impacted_artifacts'];

  async function capture(event: ReturnType<typeof xrayEvent>): Promise<Record<string, unknown>> {
    let seen: Record<string, unknown> = {};
    nock(LS).post(LS_PATH, (b: Record<string, unknown>) => ((seen = b), true)).query(true).reply(200);
    const { deps } = testDeps();
    await createWebhookSender(action({ format: 'xray' }), deps).send(event, signal());
    return seen;
  }

  it('one security issue in Xray\'s 1.1 shape, impacted artifacts as in JFrog\'s samples', async () => {
    const body = await capture(xrayEvent('securityWithCve'));
    expect(Object.keys(body)).to.deep.equal(TOP);
    expect(body).to.include({ schema_version: '1.1', created: '2026-03-01T10:00:00.000Z', top_severity: 'Critical', watch_name: 'prod-watch', policy_name: 'block-critical', policy_rule: 'critical-cves' });
    expect(body.alert_id).to.match(/^[0-9a-f]{24}$/);
    const issues = body.issues as Array<Record<string, unknown>>;
    expect(issues).to.have.length(1);
    const issue = issues[0] as Record<string, unknown>;
    expect(Object.keys(issue)).to.include.members(ISSUE);
    expect(issue).to.include({ vulnerability_id: 'XRAY-191893', severity: 'Critical', type: 'security', provider: 'JFrog', created: '2021-12-10T08:14:02Z', cve: 'CVE-2021-44228' });
    expect(issue.impacted_artifacts).to.deep.equal([
      {
        name: 'billing-1.4.0.jar',
        display_name: 'billing-1.4.0.jar',
        path: 'default/libs-release-local/com/acme/billing/1.4.0/',
        pkg_type: 'Maven',
        sha256: '',
        sha1: '',
        depth: 0,
        parent_sha: '',
        infected_files: [
          { name: 'org.apache.logging.log4j:log4j-core:2.14.1', display_name: 'org.apache.logging.log4j:log4j-core:2.14.1', path: '', pkg_type: 'Maven', sha256: '', depth: 0, parent_sha: '' },
        ],
      },
    ]);
    // Same event, same alert id: a receiver that deduplicates drops our retries.
    expect((await capture(xrayEvent('securityWithCve'))).alert_id).to.equal(body.alert_id);
  });

  it('license: type License, no cve, no provider (as JFrog\'s license sample)', async () => {
    const issue = ((await capture(xrayEvent('license'))).issues as Array<Record<string, unknown>>)[0];
    expect(issue).to.include({ vulnerability_id: 'GPL-3.0', type: 'License', summary: 'GPL-3.0', description: 'GNU General Public License v3.0' });
    expect(issue).not.to.have.any.keys('cve', 'provider');
  });

  it('a group event becomes one payload with many issues', async () => {
    const items = [xrayContext('securityWithCve'), xrayContext('securityWithoutCve'), xrayContext('license', { WATCH: 'prod-watch' })];
    const event = buildGroupEvent({ action: 'trigger', dedupKey: 'g', module: 'XRAY', groupBy: 'watch', group: 'prod-watch', severity: 'High', items });
    const body = await capture(event);
    expect((body.issues as unknown[]).length).to.equal(3);
    expect(body).to.include({ watch_name: 'prod-watch', top_severity: 'Critical' });
  });

  it('resolve: Xray has no equivalent, so nothing is sent and the send succeeds', async () => {
    const scope = nock(LS).post(LS_PATH).query(true).reply(200);
    const { deps } = testDeps();
    await createWebhookSender(action({ format: 'xray' }), deps).send(xrayEvent('securityWithCve', 'resolve'), signal());
    expect(scope.isDone()).to.equal(false);
    nock.cleanAll(); // a trap: it had to stay unused
  });

  it('a VMDR event cannot be an Xray payload: SINK_REJECTED', async () => {
    const { deps } = testDeps();
    const vmdr = buildIncidentEvent({ action: 'trigger', dedupKey: 'v', module: 'VMDR', ctx: vmdrContext() });
    const err = await sendError(() => createWebhookSender(action({ format: 'xray' }), deps).send(vmdr, signal()));
    expect(err.code).to.equal('SINK_REJECTED');
    expect(err.message).to.contain('VMDR');
  });
});

describe('incidents: webhook sender, template format (nock)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vb-hook-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text);
    return name;
  };

  it('renders every string leaf with the event\'s and the finding\'s placeholders; keys and non-strings are kept', async () => {
    const template = write(
      'ok.json',
      JSON.stringify({
        kind: 'vuln-${ACTION}',
        id: '${DEDUP_KEY}',
        text: '${SUMMARY}',
        level: '${SEVERITY}',
        where: { source: '${SOURCE}', at: '${TIMESTAMP}' },
        facts: ['${CVE} on ${COMPONENT}', 'score ${CVSS_SCORE}', 42, true, null],
        '${NOT_RENDERED}': 'key',
      }),
    );
    let seen: unknown;
    nock(LS).post(LS_PATH, (b) => ((seen = b), true)).query(true).reply(200);
    const { deps } = testDeps({ baseDir: dir });
    const event = xrayEvent('securityWithCve');
    await createWebhookSender(action({ format: 'template', template }), deps).send(event, signal());
    expect(seen).to.deep.equal({
      kind: 'vuln-trigger',
      id: 'xray|securityWithCve',
      text: event.summary,
      level: 'critical',
      where: { source: 'prod-watch', at: '2021-12-10T08:14:02.000Z' },
      facts: ['CVE-2021-44228 on gav://org.apache.logging.log4j:log4j-core:2.14.1', 'score 10', 42, true, null],
      '${NOT_RENDERED}': 'key',
    });
  });

  it('VMDR fields render too (nested paths)', async () => {
    const template = write('vmdr.json', JSON.stringify({ host: '${DNS}', qds: '${QDS.content}', title: '${VULN.TITLE}' }));
    let seen: unknown;
    nock(LS).post(LS_PATH, (b) => ((seen = b), true)).query(true).reply(200);
    const { deps } = testDeps({ baseDir: dir });
    const event = buildIncidentEvent({ action: 'trigger', dedupKey: 'v', module: 'VMDR', ctx: vmdrContext() });
    await createWebhookSender(action({ format: 'template', template }), deps).send(event, signal());
    expect(seen).to.deep.equal({ host: 'adfssrvr.adfs.local', qds: '95', title: 'Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities (USN-4579-1)' });
  });

  it('bad JSON: ConfigError naming the file, at create time', () => {
    const template = write('bad.json', '{"a": "${SUMMARY}",}');
    const { deps } = testDeps({ baseDir: dir });
    expect(() => createWebhookSender(action({ format: 'template', template }), deps))
      .to.throw(ConfigError, /not valid JSON/)
      .with.property('file', path.join(dir, 'bad.json'));
  });

  it('unknown or malformed placeholder: ConfigError naming the file, the JSON path and a suggestion', () => {
    const template = write('typo.json', JSON.stringify({ alert: { title: '${SUMARY}', items: ['ok', '${CVE} ${VULN.TITEL}', '${bad name}'] } }));
    const { deps } = testDeps({ baseDir: dir });
    let err: ConfigError | undefined;
    try {
      createWebhookSender(action({ format: 'template', template }), deps);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).to.be.instanceOf(ConfigError);
    expect(err?.file).to.equal(path.join(dir, 'typo.json'));
    expect(err?.path).to.equal('$.alert.title');
    expect(err?.message).to.contain('unknown placeholder ${SUMARY} (did you mean ${SUMMARY}?)');
    expect(err?.message).to.contain('$.alert.items[1]: unknown placeholder ${VULN.TITEL} (did you mean ${VULN.TITLE}?)');
    expect(err?.message).to.contain('$.alert.items[2]: malformed placeholder');
  });

  it('format template without `template`, or a missing file: ConfigError', () => {
    const { deps } = testDeps({ baseDir: dir });
    expect(() => createWebhookSender(action({ format: 'template' }), deps)).to.throw(ConfigError, /needs `template`/);
    expect(() => createWebhookSender(action({ format: 'template', template: 'nope.json' }), deps))
      .to.throw(ConfigError, /ENOENT/)
      .with.property('file', path.join(dir, 'nope.json'));
  });
});
