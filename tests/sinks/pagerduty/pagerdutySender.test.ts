import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SinkError } from '../../../connector/errors.js';
import { buildIncidentEvent } from '../../../connector/incidents/buildEvent.js';
import { jsonBytes, MAX_BODY_BYTES } from '../../../connector/incidents/fitSize.js';
import { createPagerDutySender } from '../../../connector/sinks/pagerduty/pagerdutySender.js';
import { pagerdutyActionSchema } from '../../../connector/routing/actionSchemas.js';
import { closedPort } from '../../support/net.js';
import { xrayContext } from '../../templates/xrayContext.js';
import { errorTexts, expectNoSecret, FIXED_NOW, ROUTING_KEY, sendError, testDeps, triggerEvent, validatePagerDutyBody } from '../../incidents/incidentTestKit.js';

const PD = 'https://events.pagerduty.com';
const action = (extra: Record<string, unknown> = {}) => pagerdutyActionSchema.parse({ routingKey: { env: 'PD_ROUTING_KEY' }, ...extra });
const signal = () => new AbortController().signal;
const ACCEPTED = { status: 'success', message: 'Event processed', dedup_key: 'x' };

describe('incidents: PagerDuty Events API v2 sender (nock)', () => {
  it('trigger: POSTs exactly the documented body to /v2/enqueue, valid against PagerDuty\'s OpenAPI schema', async () => {
    const event = buildIncidentEvent({ action: 'trigger', dedupKey: 'xray|prod-watch|XRAY-191893|gav', module: 'XRAY', ctx: xrayContext('securityWithCve'), now: FIXED_NOW });
    let seen: Record<string, unknown> | undefined;
    let headers: Record<string, unknown> = {};
    const scope = nock(PD)
      .post('/v2/enqueue', (b: Record<string, unknown>) => ((seen = b), true))
      .reply(function () {
        headers = this.req.headers;
        return [202, ACCEPTED];
      });
    const { deps } = testDeps();
    const sender = createPagerDutySender(action(), deps);
    await sender.send(event, signal());
    expect(scope.isDone()).to.equal(true);
    expect(seen).to.deep.equal({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'xray|prod-watch|XRAY-191893|gav',
      payload: {
        summary: event.summary,
        source: 'prod-watch',
        severity: 'critical',
        timestamp: '2021-12-10T08:14:02.000Z',
        component: 'gav://org.apache.logging.log4j:log4j-core:2.14.1',
        group: 'prod-watch',
        class: 'Security',
        custom_details: event.customDetails,
      },
      links: [{ href: 'https://acme.jfrog.io/ui/watchesNew/edit/prod-watch?activeTab=violations', text: 'Xray watch violations' }],
      client: 'vulnbridge',
    });
    expect(validatePagerDutyBody(seen)).to.deep.equal([]);
    expect(headers['content-type']).to.contain('application/json');
    expect(headers).not.to.have.property('authorization');
  });

  it('the schema check itself catches a wrong body (so a green check means something)', () => {
    expect(validatePagerDutyBody({ routing_key: ROUTING_KEY, event_action: 'trigger', payload: { summary: 's', source: 'x', severity: 'high' } })).not.to.deep.equal([]);
    expect(validatePagerDutyBody({ event_action: 'trigger' })).not.to.deep.equal([]);
  });

  it('resolve: only routing_key, event_action and dedup_key', async () => {
    let seen: unknown;
    nock(PD).post('/v2/enqueue', (b) => ((seen = b), true)).reply(202, ACCEPTED);
    const { deps } = testDeps();
    await createPagerDutySender(action(), deps).send(triggerEvent({ action: 'resolve' }), signal());
    expect(seen).to.deep.equal({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'xray|prod|XRAY-1|npm://lodash:4.17.19' });
    expect(validatePagerDutyBody(seen)).to.deep.equal([]);
  });

  it('host, type and eventsPerMinute come from the action; host never carries the path', () => {
    const { deps } = testDeps();
    const sender = createPagerDutySender(action({ eventsPerMinute: 60 }), deps);
    expect(sender).to.include({ type: 'pagerduty', host: 'events.pagerduty.com', eventsPerMinute: 60 });
    expect(createPagerDutySender(action(), deps).eventsPerMinute).to.equal(120);
  });

  it('legacy /integration/<key>/enqueue URL: sent there, the key in the path is the body\'s routing_key, and it stays out of errors', async () => {
    const legacyKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    let seen: Record<string, unknown> | undefined;
    const scope = nock(PD)
      .post(`/integration/${legacyKey}/enqueue`, (b: Record<string, unknown>) => ((seen = b), true))
      .reply(202, ACCEPTED)
      .post(`/integration/${legacyKey}/enqueue`)
      .reply(400, { status: 'invalid event', message: 'Event object is invalid', errors: [`Unknown integration key ${legacyKey}`] });
    const { deps, lines } = testDeps();
    const sender = createPagerDutySender(action({ url: `${PD}/integration/${legacyKey}/enqueue` }), deps);
    expect(sender.host).to.equal('events.pagerduty.com');
    await sender.send(triggerEvent(), signal());
    expect(seen?.routing_key).to.equal(legacyKey);
    const err = await sendError(() => sender.send(triggerEvent(), signal()));
    expect(scope.isDone()).to.equal(true);
    expect(err.code).to.equal('SINK_REJECTED');
    expectNoSecret([...errorTexts(err), lines], [legacyKey, ROUTING_KEY]);
    expect(lines.some((l) => l.level === 'warn' && /different from routingKey/.test(l.message))).to.equal(true);
  });

  it('400: SINK_REJECTED naming the host, PagerDuty\'s errors[] and the field, without the routing key', async () => {
    nock(PD)
      .post('/v2/enqueue')
      .reply(400, { status: 'invalid event', message: 'Event object is invalid', errors: [`'payload.summary' is missing or blank (key ${ROUTING_KEY})`] });
    const { deps, lines } = testDeps();
    const err = await sendError(() => createPagerDutySender(action(), deps).send(triggerEvent(), signal()));
    expect(err).to.be.instanceOf(SinkError);
    expect(err.code).to.equal('SINK_REJECTED');
    expect(err.message).to.contain('events.pagerduty.com').and.to.contain('Event object is invalid').and.to.contain("'payload.summary' is missing");
    expect(err.path).to.equal('payload.summary');
    expectNoSecret([...errorTexts(err), lines], [ROUTING_KEY]);
  });

  for (const status of [401, 403]) {
    it(`${status}: SINK_REJECTED naming the env var of the routing key, never its value`, async () => {
      nock(PD).post('/v2/enqueue').reply(status, { status: 'Forbidden', message: 'Forbidden' });
      const { deps } = testDeps();
      const err = await sendError(() => createPagerDutySender(action(), deps).send(triggerEvent(), signal()));
      expect(err.code).to.equal('SINK_REJECTED');
      expect(err.message).to.contain('PD_ROUTING_KEY');
      expectNoSecret(errorTexts(err), [ROUTING_KEY]);
    });
  }

  it('429: HOST_RATE_LIMITED with Retry-After, else PagerDuty\'s advised 30 s', async () => {
    nock(PD).post('/v2/enqueue').reply(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' }, { 'Retry-After': '90' });
    nock(PD).post('/v2/enqueue').reply(429, { status: 'throttle event' });
    const { deps } = testDeps();
    const sender = createPagerDutySender(action(), deps);
    const first = await sendError(() => sender.send(triggerEvent(), signal()));
    const second = await sendError(() => sender.send(triggerEvent(), signal()));
    expect(first).to.be.instanceOf(ExternalHostError);
    expect(first.code).to.equal('HOST_RATE_LIMITED');
    expect((first as ExternalHostError).retryAfterMs).to.equal(90_000);
    expect((second as ExternalHostError).retryAfterMs).to.equal(30_000);
  });

  for (const status of [500, 502, 503]) {
    it(`${status}: a retryable HOST_ERROR with the status`, async () => {
      nock(PD).post('/v2/enqueue').reply(status, 'upstream down');
      const { deps } = testDeps();
      const err = await sendError(() => createPagerDutySender(action(), deps).send(triggerEvent(), signal()));
      expect(err).to.be.instanceOf(ExternalHostError);
      expect(err.code).to.equal('HOST_ERROR');
      expect((err as ExternalHostError).status).to.equal(status);
      expect(err.host).to.equal('events.pagerduty.com');
    });
  }

  it('nothing listening: HOST_UNREACHABLE naming host:port only', async () => {
    const port = await closedPort();
    const { deps } = testDeps();
    const err = await sendError(() => createPagerDutySender(action({ url: `http://127.0.0.1:${port}/v2/enqueue` }), deps).send(triggerEvent(), signal()));
    expect(err).to.be.instanceOf(ExternalHostError);
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.host).to.equal(`127.0.0.1:${port}`);
  });

  it('an aborted send is ABORTED, not a host failure', async () => {
    // No mock: an already aborted send must not reach the network at all.
    const { deps } = testDeps();
    const ctl = new AbortController();
    ctl.abort();
    const err = await sendError(() => createPagerDutySender(action(), deps).send(triggerEvent(), ctl.signal));
    expect(err.code).to.equal('ABORTED');
  });

  it('an oversized event (not from the builder) is cut to 512 KB before sending', async () => {
    let bytes = 0;
    nock(PD).post('/v2/enqueue', (b) => ((bytes = jsonBytes(b)), true)).reply(202, ACCEPTED);
    const { deps } = testDeps();
    const event = triggerEvent({ customDetails: { description: 'x'.repeat(1024 * 1024), cve: 'CVE-2021-23337' } });
    await createPagerDutySender(action(), deps).send(event, signal());
    expect(bytes).to.be.above(0).and.at.most(MAX_BODY_BYTES);
  });
});
