import { expect } from 'chai';
import type { AppContext } from '../../connector/cli/appContext.js';
import { readConfig } from '../../connector/cli/appContext.js';
import { syncCommand } from '../../connector/cli/commands/syncCommand.js';
import { OutboxDrainer } from '../../connector/delivery/outboxDrainer.js';
import { deliveryLanes } from '../../connector/delivery/outboxPump.js';
import { describeError } from '../../connector/errors.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import { startIncidentWebhookSim, type IncidentWebhookSim } from '../sim/incident-webhook/startIncidentWebhookSim.js';
import { PD_SIM_ROUTING_KEYS, startPagerDutySim, type PagerDutySim } from '../sim/pagerduty/startPagerDutySim.js';
import type { XrayViolation } from '../sim/xray/xrayTypes.js';
import { jiraWrites, jobOf } from './support/world.js';
import { buildWebhookPayloadV11 } from '../sim/xray/webhookPayloads.js';
import { PER_VIOLATION, startXrayWorld, type XrayWorld } from './support/xrayWorld.js';

const PD_KEY_ENV = 'VB_E2E_PD_KEY';
const LS_URL_ENV = 'VB_E2E_LIGHTSTEP_URL';

const ROUTES = (pdUrl: string, eventsPerMinute = 1000) => `
      - name: critical-to-pager
        when: { minSeverity: Critical }
        actions: [ { jira: {} }, { pagerduty: { routingKey: { env: ${PD_KEY_ENV} }, url: "${pdUrl}", eventsPerMinute: ${eventsPerMinute} } } ]
      - name: licenses-to-lightstep
        when: { types: [license] }
        actions: [ { webhook: { url: { env: ${LS_URL_ENV} }, format: lightstep } } ]
      - name: medium-and-up
        when: { minSeverity: Medium }
        actions: [ { jira: {} } ]
`;

const RANK: Record<string, number> = { Critical: 5, High: 4, Medium: 3, Low: 2, Information: 1, Unknown: 0 };
const ignored = (v: XrayViolation) => !!v.ignore_rule_info && !v.ignore_rule_info.is_expired;
const keysOf = (v: XrayViolation) => v.infected_components.map((c) => `xray|${v.watch_name}|${v.issue_id}|${c}`);
const dedupOf = (fkey: string) => `vulnbridge:xray:${fkey}`;

/** Which rule the test expects for a violation (the first that matches, as the product decides). */
function expectedRule(v: XrayViolation): 'critical-to-pager' | 'licenses-to-lightstep' | 'medium-and-up' | undefined {
  if (v.severity === 'Critical') return 'critical-to-pager';
  if (v.type === 'License') return 'licenses-to-lightstep';
  if ((RANK[v.severity] ?? 0) >= 3) return 'medium-and-up';
  return undefined;
}

describe('e2e: routing rules, PagerDuty and a Lightstep webhook (simulators)', function () {
  this.timeout(60_000);
  let world: XrayWorld;
  let pd: PagerDutySim;
  let ls: IncidentWebhookSim;
  let app: AppContext | undefined;
  let clock: number;

  beforeEach(async () => {
    world = await startXrayWorld({ violationsPerWatch: 20 });
    clock = Date.parse('2026-03-02T08:00:00Z');
    pd = await startPagerDutySim({ now: () => clock });
    ls = await startIncidentWebhookSim();
    process.env[PD_KEY_ENV] = PD_SIM_ROUTING_KEYS[0];
    process.env[LS_URL_ENV] = ls.webhookUrl();
  });
  afterEach(async () => {
    app?.state.close();
    app = undefined;
    await Promise.all([world.close(), pd.close(), ls.close()]);
  });

  const open = (routes = ROUTES(pd.eventsUrl)) => {
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, routes }]));
    return jobOf(app, 'xray');
  };
  /** Deliver the outbox with the test's clock: waits for the rate limit move the clock, not real time. */
  const deliver = (a: AppContext, wait = true) =>
    new OutboxDrainer(a.state.outbox, deliveryLanes(a.jobs), a.log, () => clock, async (ms) => {
      clock += ms;
    }).drain({ signal: new AbortController().signal, wait });
  const cycle = async (rt: JobRuntime): Promise<CycleReport> => {
    const r = await runCycle(rt, app!.state, { now: world.clock.now });
    world.clock.advanceMinutes(60);
    return r;
  };
  const live = () => world.xray.data.violations.filter((v) => !ignored(v));

  it('routes each violation by the first matching rule: criticals page and get tickets, licenses go to Lightstep, the rest to Jira, low ones nowhere', async () => {
    const rt = open();
    const r = await cycle(rt);
    expect(r.result, r.error).to.equal('ok');
    const byRule = (rule: string) => live().filter((v) => expectedRule(v) === rule).flatMap(keysOf);
    expect(byRule('critical-to-pager').length, 'seed has critical violations').to.be.greaterThan(0);
    expect(byRule('licenses-to-lightstep').length, 'seed has license violations').to.be.greaterThan(0);

    const d = await deliver(app!);
    expect(d).to.include({ rejected: 0, waiting: 0 });
    expect(pd.openAlerts().map((a) => a.dedupKey).sort()).to.deep.equal(byRule('critical-to-pager').map(dedupOf).sort());
    expect(ls.incidents().filter((i) => i.state === 'Open').map((i) => i.dedupKey).sort()).to.deep.equal(byRule('licenses-to-lightstep').map(dedupOf).sort());
    const ticketed = world.jira.issues().length;
    expect(ticketed).to.equal(byRule('critical-to-pager').length + byRule('medium-and-up').length);
    expect(r.counts.unrouted).to.equal(world.xray.data.violations.filter((v) => expectedRule(v) === undefined).flatMap(keysOf).length);
    expect(pd.openApiViolations).to.deep.equal([]);
    // Every alert links back to its Jira ticket and Xray's watch page.
    const alert = pd.openAlerts()[0]!;
    const links = (alert.lastEvent as { links?: Array<{ href: string }> }).links ?? [];
    expect(links.some((l) => l.href.includes('/browse/'))).to.equal(true);
    expect(links.some((l) => l.href.includes('/ui/watchesNew/edit/'))).to.equal(true);

    // Nothing changed: no event, no write.
    const again = await cycle(rt);
    expect(again.counts).to.include({ triggered: 0, resolved: 0, created: 0 });
    expect((await deliver(app!)).sent).to.equal(0);
  });

  it('a webhook push and the next unchanged pull keep each other\'s fields: 0 Jira writes, 0 incident events', async () => {
    // List items shaped like JFrog's (no summary, provider or matched_policies, which a schema 1.1 webhook carries).
    await world.close();
    world = await startXrayWorld({ violationsPerWatch: 20, listOmits: ['summary', 'provider', 'matched_policies'] });
    const rt = open();
    const v = world.xray.addViolation({ watch_name: world.xray.data.watches[0]!.name, type: 'Security', severity: 'Critical' });
    expect((await cycle(rt)).result).to.equal('ok');
    await deliver(app!);
    const sentBefore = () => pd.openAlerts().length;
    expect(sentBefore(), 'the critical violation pages').to.be.greaterThan(0);

    const push = async () => {
      const payload = buildWebhookPayloadV11([v], { created: world.clock.now() });
      app!.state.inbox.add('xray', JSON.stringify(payload), 'schema 1.1 test push', world.clock.now());
      const r = await runCycle(rt, app!.state, { now: world.clock.now, mode: 'push' });
      expect(r.result, r.error).to.equal('ok');
      return r;
    };
    // The first push brings the summary, provider, policy and rule the pull lacked: one edit is fair.
    await push();
    await deliver(app!);
    const [key] = keysOf(v);
    const withPushed = app!.state.findings.lastData('xray', [key!]).get(key!)!;
    expect(withPushed.SUMMARY).to.equal(v.summary);
    expect(withPushed.POLICY).to.deep.equal(v.matched_policies!.map((p) => p.policy).slice(0, 1));

    // Then round after round of unchanged pull, push, pull: nothing is written or sent.
    for (const step of ['pull', 'push', 'pull'] as const) {
      const from = world.jira.requests.length;
      const r = step === 'pull' ? await cycle(rt) : await push();
      expect(r.result, r.error).to.equal('ok');
      expect(jiraWrites(world.jira, from), step).to.deep.equal([]);
      expect(r.counts, step).to.include({ updated: 0, triggered: 0, resolved: 0 });
      expect((await deliver(app!)).sent, step).to.equal(0);
    }
    expect(app!.state.findings.lastData('xray', [key!]).get(key!)).to.deep.include({ SUMMARY: v.summary, PROVIDER: v.provider ?? 'JFrog' });
  });

  it('resolves the alert with the same dedup key when the violation is gone (full pull) or no longer routed', async () => {
    const rt = open();
    await cycle(rt);
    await deliver(app!);
    const [gone, demoted] = live().filter((v) => expectedRule(v) === 'critical-to-pager');
    expect(demoted, 'seed has two critical violations').to.not.equal(undefined);
    world.xray.resolveViolations(gone!);
    world.xray.setSeverity(demoted!, 'Low');
    world.clock.advanceMinutes(25 * 60); // the next pull is a full one
    const r = await cycle(rt);
    expect(r.counts.resolved).to.equal(keysOf(gone!).length + keysOf(demoted!).length);
    await deliver(app!);
    for (const k of [...keysOf(gone!), ...keysOf(demoted!)]) {
      const alerts = pd.alertsByDedupKey(dedupOf(k));
      expect(alerts.map((a) => a.status), k).to.deep.equal(['resolved']);
    }
    expect(pd.dropped()).to.deep.equal([]);
  });

  it('loses nothing when PagerDuty is down for a cycle: the outbox holds the events and drains them later, once each', async () => {
    const rt = open();
    pd.goDown('unavailable');
    await cycle(rt);
    const first = await deliver(app!, false);
    expect(pd.alerts()).to.have.length(0);
    expect(first.waiting).to.be.greaterThan(0);
    expect(app!.state.outbox.counts().find((c) => c.lane.startsWith('pagerduty'))?.lastError).to.match(/503|unavailable/i);
    pd.comeUp();
    clock += 10 * 60_000;
    const later = await deliver(app!);
    expect(later).to.include({ waiting: 0, rejected: 0 });
    const critical = live().filter((v) => expectedRule(v) === 'critical-to-pager').flatMap(keysOf);
    expect(pd.alerts().map((a) => [a.dedupKey, a.triggers])).to.have.deep.members(critical.map((k) => [dedupOf(k), 1]));
  });

  it('stays within the endpoint rate limit: throttles itself, no 429 left unretried', async () => {
    await pd.close();
    pd = await startPagerDutySim({ now: () => clock, eventsPerMinute: 2 });
    const rt = open(ROUTES(pd.eventsUrl, 2));
    await cycle(rt);
    const queued = app!.state.outbox.counts().find((c) => c.lane.startsWith('pagerduty'))?.waiting ?? 0;
    expect(queued).to.be.greaterThan(2);
    const d = await deliver(app!);
    expect(d).to.include({ sent: queued + (ls.incidents().length ? d.sent - queued : 0), waiting: 0 });
    expect(pd.counts.throttled).to.equal(0);
    expect(pd.openAlerts()).to.have.length(queued);
  });

  it('a PagerDuty 400 is set aside naming the field; the other events go on', async () => {
    process.env[PD_KEY_ENV] = 'not-a-known-routing-key-00000001';
    const rt = open();
    await cycle(rt);
    const d = await deliver(app!);
    expect(d.rejected).to.be.greaterThan(0);
    const pdLane = app!.state.outbox.counts().find((c) => c.lane.startsWith('pagerduty'));
    expect(pdLane?.lastError).to.include('routing_key').and.not.include('not-a-known-routing-key');
    expect(ls.incidents().length).to.be.greaterThan(0);
  });

  it('sync --dry-run shows per finding which rule matched and what follows, and sends nothing', async () => {
    open();
    const lines: string[] = [];
    await syncCommand(app!, { dryRun: true, json: false, out: (t) => lines.push(t) });
    const text = lines.join('\n');
    expect(text).to.include('rule "critical-to-pager": jira VULN (xray-per-violation.json), pagerduty VB_E2E_PD_KEY');
    expect(text).to.include('no rule matched: no action');
    expect(text).to.match(/trigger\s+alert\s+\[critical\]/);
    expect(pd.requests).to.have.length(0);
    expect(app!.state.outbox.counts()).to.deep.equal([]);
  });

  it('groupBy watch: one alert per watch and severity with counts, resolved when its last violation goes', async () => {
    const rt = open(`
      - name: criticals-grouped
        when: { minSeverity: Critical }
        actions: [ { pagerduty: { routingKey: { env: ${PD_KEY_ENV} }, url: "${pd.eventsUrl}", groupBy: watch } } ]
`);
    await cycle(rt);
    await deliver(app!);
    const critical = live().filter((v) => v.severity === 'Critical');
    const watches = [...new Set(critical.map((v) => v.watch_name))];
    expect(pd.openAlerts().map((a) => a.dedupKey).sort()).to.deep.equal(watches.map((w) => `vulnbridge:xray:watch:${w}:Critical`).sort());
    const w0 = watches[0]!;
    const inW0 = critical.filter((v) => v.watch_name === w0).flatMap(keysOf).length;
    const alert = pd.openAlerts().find((a) => a.dedupKey.includes(`:${w0}:`))!;
    expect(alert.lastPayload?.summary).to.match(new RegExp(`^${inW0} Critical violations? in watch ${w0}`));
    // The watch's criticals are fixed: a complete listing resolves the group alert.
    world.xray.resolveViolations((v) => v.watch_name === w0 && v.severity === 'Critical');
    world.clock.advanceMinutes(25 * 60);
    const r = await cycle(rt);
    expect(r.counts.resolved).to.equal(1);
    await deliver(app!);
    expect(pd.alertsByDedupKey(alert.dedupKey).map((a) => a.status)).to.deep.equal(['resolved']);
    expect(pd.openAlerts()).to.have.length(watches.length - 1);
  });

  it('bad routes are reported with their YAML line and path; a missing integration key names its env var', () => {
    const bad = world.writeConfig([{ name: 'xray', template: PER_VIOLATION, routes: '      - when: { qds: { min: 50 } }\n        actions: [ none ]\n' }]);
    let message = '';
    try {
      readConfig(bad);
    } catch (err) {
      message = describeError(err);
    }
    expect(message).to.match(/vulnbridge\.yml:\d+/).and.include('jobs[0].routes[0].when.qds');
    delete process.env[PD_KEY_ENV];
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, routes: ROUTES(pd.eventsUrl) }]));
    expect(app.jobs).to.have.length(0);
    expect(app.broken[0]?.error).to.include(PD_KEY_ENV);
  });

  it('a routing key that is not 32 characters fails the job at load (and in validate), naming where it came from but never the key', () => {
    const short = 'abcdef0123456789abcdef012345678';
    process.env[PD_KEY_ENV] = short;
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, routes: ROUTES(pd.eventsUrl) }]));
    expect(app.jobs).to.have.length(0);
    expect(app.broken[0]?.error).to.include(PD_KEY_ENV).and.include('is 31 characters long; a PagerDuty Events API v2 integration key has 32').and.not.include(short);
    expect(pd.requests).to.have.length(0);
  });
});
