import { expect } from 'chai';
import type { AppContext } from '../../connector/cli/appContext.js';
import { OutboxDrainer } from '../../connector/delivery/outboxDrainer.js';
import { deliveryLanes } from '../../connector/delivery/outboxPump.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import { MAX_INBOX_ATTEMPTS } from '../../connector/state/inbox.js';
import { runMain } from '../cli/support/runMain.js';
import { PD_SIM_ROUTING_KEYS, startPagerDutySim, type PagerDutySim } from '../sim/pagerduty/startPagerDutySim.js';
import { buildWebhookPayloadV11 } from '../sim/xray/webhookPayloads.js';
import type { XrayViolation } from '../sim/xray/xrayTypes.js';
import { jobOf } from './support/world.js';
import { PER_VIOLATION, startXrayWorld, type XrayWorld } from './support/xrayWorld.js';

const PD_KEY_ENV = 'VB_E2E_SETASIDE_PD_KEY';
const dedupOf = (v: XrayViolation) => v.infected_components.map((c) => `vulnbridge:xray:xray|${v.watch_name}|${v.issue_id}|${c}`);
const live = (v: XrayViolation) => !v.ignore_rule_info || v.ignore_rule_info.is_expired;

/**
 * What the person on call does at 3 am, end to end against the simulators: set-aside
 * items put back with `vulnbridge outbox|inbox retry` go through the normal path and
 * arrive exactly once.
 */
describe('e2e: retrying set-aside incident events and webhook payloads (simulators)', function () {
  this.timeout(60_000);
  let world: XrayWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startXrayWorld({ violationsPerWatch: 20 });
  });
  afterEach(async () => {
    app?.state.close();
    app = undefined;
    await world.close();
  });

  const cycle = async (mode: 'pull' | 'push' = 'pull'): Promise<CycleReport> => {
    const r = await runCycle(jobOf(app!, 'xray'), app!.state, { now: world.clock.now, mode });
    expect(r.result, r.error).to.equal('ok');
    world.clock.advanceMinutes(60);
    return r;
  };

  describe('outbox', () => {
    let pd: PagerDutySim;
    let clock: number;
    beforeEach(async () => {
      clock = Date.parse('2026-03-02T08:00:00Z');
      pd = await startPagerDutySim({ now: () => clock });
    });
    afterEach(() => pd.close());

    /** The daemon's drainer, on the test's clock. */
    const deliver = () =>
      new OutboxDrainer(app!.state.outbox, deliveryLanes(app!.jobs), app!.log, () => clock, async (ms) => {
        clock += ms;
      }).drain({ signal: new AbortController().signal });

    it('events PagerDuty rejected (a wrong routing key) are sent exactly once after the key is fixed and they are retried; a fixed finding\'s old trigger is not', async () => {
      const routes = `
      - name: critical-to-pager
        when: { minSeverity: Critical }
        actions: [ { jira: {} }, { pagerduty: { routingKey: { env: ${PD_KEY_ENV} }, url: "${pd.eventsUrl}", eventsPerMinute: 1000 } } ]
`;
      process.env[PD_KEY_ENV] = 'not-a-known-routing-key-00000001';
      const file = world.writeConfig([{ name: 'xray', template: PER_VIOLATION, routes }]);
      app = world.open(file);
      const first = await cycle();
      const criticals = world.xray.data.violations.filter((v) => live(v) && v.severity === 'Critical');
      expect(criticals.length, 'seed has several critical violations').to.be.greaterThan(1);
      const triggers = criticals.flatMap(dedupOf).length;
      expect(first.counts.triggered).to.equal(triggers);
      expect(await deliver()).to.include({ sent: 0, rejected: triggers, waiting: 0 });
      expect(pd.alerts()).to.deep.equal([]);

      // One critical is fixed meanwhile: its resolve is queued behind the rejected trigger.
      const fixed = criticals[0]!;
      world.xray.resolveViolations(fixed);
      world.clock.advanceMinutes(25 * 60);
      expect((await cycle()).counts.resolved).to.equal(dedupOf(fixed).length);

      // The key is fixed (the daemon restarted with it); the person on call looks and retries.
      process.env[PD_KEY_ENV] = PD_SIM_ROUTING_KEYS[0];
      app.state.close();
      app = world.open(file);
      const list = await runMain(['outbox', 'list', '--config', file]);
      expect(list.code).to.equal(0);
      expect(list.stdout.match(/ trigger  set aside /g)).to.have.length(triggers - dedupOf(fixed).length);
      expect(list.stdout.match(/ trigger  superseded /g)).to.have.length(dedupOf(fixed).length);
      expect(list.stdout).to.include('routing_key').and.not.include('not-a-known-routing-key');

      const retry = await runMain(['outbox', 'retry', '--all', '--config', file]);
      expect(retry.code, 'the superseded triggers are left: exit 1').to.equal(1);
      expect(retry.stdout).to.match(new RegExp(`^retried ${triggers - dedupOf(fixed).length} events of job xray: ids `, 'm'));
      expect(retry.stdout.match(/superseded by a later event of its alert/g)).to.have.length(dedupOf(fixed).length);
      // A second retry before the drainer ran changes nothing: they are waiting now.
      expect((await runMain(['outbox', 'retry', '--all', '--config', file])).code).to.equal(1);

      const d = await deliver();
      // The retried triggers, and the fixed finding's resolve (for an alert PagerDuty never opened: harmless).
      expect(d).to.include({ rejected: 0, waiting: 0, sent: triggers - dedupOf(fixed).length + dedupOf(fixed).length });
      const paged = criticals.slice(1).flatMap(dedupOf);
      expect(pd.alerts().filter((a) => a.status === 'triggered').map((a) => [a.dedupKey, a.triggers])).to.have.deep.members(paged.map((k) => [k, 1]));
      for (const k of dedupOf(fixed)) expect(pd.alertsByDedupKey(k).filter((a) => a.status === 'triggered'), 'a fixed finding does not page').to.deep.equal([]);

      // Nothing more goes out: not from the drainer, not from the next cycle.
      expect((await deliver()).sent).to.equal(0);
      expect((await cycle()).counts).to.include({ triggered: 0, resolved: 0 });
      expect((await deliver()).sent).to.equal(0);
      const drop = await runMain(['outbox', 'drop', '--all', '--config', file]);
      expect(drop.code).to.equal(0);
      expect(drop.stdout).to.match(new RegExp(`^dropped ${dedupOf(fixed).length} events? of job xray: ids? `, 'm'));
      expect(app.state.outbox.counts()).to.deep.equal([]);
      expect(pd.alerts().reduce((n, a) => n + a.triggers, 0)).to.equal(paged.length);
    });
  });

  it('a webhook payload set aside after failed attempts is ticketed exactly once after inbox retry, and a pull of the same violation adds nothing', async () => {
    const file = world.writeConfig([{ name: 'xray', template: PER_VIOLATION }]);
    app = world.open(file);
    await cycle();
    const before = world.jira.issues().length;
    const v = world.xray.addViolation({ watch_name: world.xray.data.watches[0]!.name, type: 'Security', severity: 'High' });
    const id = app.state.inbox.add('xray', JSON.stringify(buildWebhookPayloadV11([v], { created: world.clock.now() })), 'schema 1.1: 1 issue', world.clock.now());
    // As a payload whose processing failed every time (say Xray's API was down for its lookups).
    for (let i = 0; i < MAX_INBOX_ATTEMPTS; i++) app.state.inbox.failed([id], 'Xray answered 503 Service Unavailable');
    expect((await cycle('push')).counts.created, 'a set-aside payload is not processed').to.equal(0);
    expect(world.jira.issues()).to.have.length(before);

    const list = await runMain(['inbox', 'list', '--config', file]);
    expect(list.stdout).to.match(new RegExp(`^${id}\\s+xray\\s+set aside\\s+${MAX_INBOX_ATTEMPTS}\\s`, 'm')).and.include('why: Xray answered 503');
    const retry = await runMain(['inbox', 'retry', String(id), '--config', file]);
    expect(retry.code).to.equal(0);
    expect(retry.stdout).to.include(`retried 1 payload of job xray: id ${id}\n`);

    const pushed = await cycle('push');
    expect(pushed.counts.created).to.equal(v.infected_components.length);
    expect(world.jira.issues()).to.have.length(before + v.infected_components.length);
    expect(app.state.inbox.counts()).to.deep.equal([]);
    // Processed once: no second push, and the pull that lists the violation too finds its tickets.
    expect((await cycle('push')).counts.created).to.equal(0);
    expect((await cycle('pull')).counts.created).to.equal(0);
    expect(world.jira.issues()).to.have.length(before + v.infected_components.length);
    const again = await runMain(['inbox', 'retry', String(id), '--config', file]);
    expect(again.code).to.equal(1);
    expect(again.stdout).to.equal(`no payload with id ${id}\n`);
  });
});
