import { expect } from 'chai';
import type { AppContext } from '../../connector/cli/appContext.js';
import { validateCommand } from '../../connector/cli/commands/validateCommand.js';
import { startDaemon, type Daemon } from '../../connector/daemon/startDaemon.js';
import type { ScheduleFn } from '../../connector/daemon/jobScheduler.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { runCycle, type CycleReport } from '../../connector/pipeline/runCycle.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import { buildLegacyWebhookPayload, buildWebhookPayloadV11, sendXrayWebhook } from '../sim/xray/webhookPayloads.js';
import type { XrayViolation } from '../sim/xray/xrayTypes.js';
import { jobOf, jiraWrites, withTestRetries } from './support/world.js';
import { COMPONENT_LINKING, PER_VIOLATION, startXrayWorld, WEBHOOK_AUTH, type XrayWorld } from './support/xrayWorld.js';

/** The identity the product gives a violation's ticket (its Primary Key): watch|issue|component. */
function keysOf(v: XrayViolation): string[] {
  return v.infected_components.map((c) => `${v.watch_name}|${v.issue_id}|${c}`);
}

function ignored(v: XrayViolation): boolean {
  const rule = v.ignore_rule_info;
  return !!rule && !rule.is_expired;
}

/** Primary Keys of the violations Xray lists now that should have an open ticket. */
function openKeys(world: XrayWorld): Set<string> {
  return new Set(world.xray.data.violations.filter((v) => !ignored(v)).flatMap(keysOf));
}

function primaryKeyField(world: XrayWorld): string {
  const f = world.jira.data.fields.find((x) => x.name === 'Primary Key');
  if (!f) throw new Error('test: the Jira simulator has no Primary Key field');
  return f.id;
}

function ticketsByKey(world: XrayWorld): Map<string, SimIssue> {
  const field = primaryKeyField(world);
  return new Map(world.jira.issues().map((i) => [String(i.fields[field]), i]));
}

const violationCalls = (world: XrayWorld, from = 0) =>
  world.xray.requests.slice(from).filter((r) => r.route === 'violations') as Array<{ body: { filters: Record<string, unknown>; pagination: Record<string, unknown> } }>;

async function cycle(world: XrayWorld, rt: JobRuntime, app: AppContext): Promise<CycleReport> {
  const report = await runCycle(rt, app.state, { now: world.clock.now });
  world.clock.advanceMinutes(60);
  return report;
}

describe('e2e: JFrog Xray violations → Jira (simulators)', function () {
  this.timeout(60_000);
  let world: XrayWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startXrayWorld();
  });
  afterEach(async () => {
    app?.state.close();
    app = undefined;
    await world.close();
  });

  it('tickets every listed violation × component once (ignored ones none), then pulls incrementally and writes nothing', async () => {
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION }]));
    const rt = jobOf(app, 'xray');
    const first = await cycle(world, rt, app);
    expect(first.result, first.error).to.equal('ok');
    const expected = openKeys(world);
    expect(world.xray.data.violations.some(ignored), 'seed has an ignored violation').to.equal(true);
    expect([...ticketsByKey(world).keys()].sort()).to.deep.equal([...expected].sort());
    expect(first.counts.created).to.equal(expected.size);
    expect(first.writes).to.equal(first.minimumWrites);

    // Every call names one watch, pages are 1-based page numbers, oldest first.
    const calls = violationCalls(world);
    expect(calls.every((c) => typeof c.body.filters.watch_name === 'string' && c.body.filters.include_details === true)).to.equal(true);
    expect(calls.map((c) => c.body.pagination.offset).filter((o) => o === 1)).to.have.length(2);
    expect(calls.every((c) => c.body.pagination.order_by === 'created' && c.body.pagination.direction === 'asc' && c.body.pagination.limit === 5)).to.equal(true);
    expect(calls.some((c) => 'created_from' in c.body.filters)).to.equal(false);

    const before = world.jira.requests.length;
    const mark = world.xray.requests.length;
    const second = await cycle(world, rt, app);
    expect(second.result).to.equal('ok');
    expect(jiraWrites(world.jira, before)).to.deep.equal([]);
    const incremental = violationCalls(world, mark);
    expect(incremental.length).to.be.greaterThan(0);
    expect(incremental.every((c) => typeof c.body.filters.created_from === 'string')).to.equal(true);
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });

  it('tickets a new violation at the next incremental pull; closes a resolved one only at the full pull', async () => {
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, fullPullHours: 12 }]));
    const rt = jobOf(app, 'xray');
    await cycle(world, rt, app);
    const watch = world.xray.data.watches[0]!.name;
    const gone = world.xray.data.violations.find((v) => v.watch_name === watch && !ignored(v))!;
    const added = world.xray.addViolation({ watch_name: watch, type: 'Security', severity: 'Critical' });
    world.xray.resolveViolations(gone);

    const incremental = await cycle(world, rt, app);
    expect(incremental.counts).to.include({ created: keysOf(added).length, transitioned: 0 });
    for (const k of keysOf(gone)) expect(ticketsByKey(world).get(k)?.status).to.equal('To Do');

    world.clock.advanceMinutes(12 * 60);
    const full = await cycle(world, rt, app);
    expect(full.result).to.equal('ok');
    expect(full.counts.transitioned).to.equal(keysOf(gone).length);
    for (const k of keysOf(gone)) expect(ticketsByKey(world).get(k)?.status).to.equal('Done');
    const open = [...ticketsByKey(world).entries()].filter(([, i]) => i.status !== 'Done').map(([k]) => k);
    expect(open.sort()).to.deep.equal([...openKeys(world)].sort());
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });

  it('one parent ticket per component with its violation tickets linked (component-linking template)', async () => {
    app = world.open(world.writeConfig([{ name: 'xray-components', template: COMPONENT_LINKING }]));
    const rt = jobOf(app, 'xray-components');
    const r = await cycle(world, rt, app);
    expect(r.result, r.error).to.equal('ok');
    const components = new Set(world.xray.data.violations.filter((v) => !ignored(v)).flatMap((v) => v.infected_components));
    const field = primaryKeyField(world);
    const parents = world.jira.issues().filter((i) => String(i.fields[field]).startsWith('Component:'));
    expect(parents.map((p) => String(p.fields[field]).slice('Component:'.length)).sort()).to.deep.equal([...components].sort());
    expect(r.counts.linked).to.equal(openKeys(world).size);
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });

  describe('bad input gets a clear error and loses nothing', () => {
    it('an Xray that hangs mid-walk: the cycle fails naming the host, the cursor stays, nothing is closed', async () => {
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, timeoutSeconds: 1 }]));
      const rt = withTestRetries(jobOf(app, 'xray'));
      await cycle(world, rt, app);
      const cursors = app.state.cursors.get('xray');
      const gone = world.xray.data.violations.find((v) => !ignored(v))!;
      world.xray.resolveViolations(gone);
      world.clock.advanceMinutes(25 * 60);
      world.xray.failNext({ kind: 'hang' }, { route: 'violations', page: 2, times: 5 });
      const r = await cycle(world, rt, app);
      expect(r.result).to.equal('failed');
      expect(r.error).to.include(new URL(world.xray.url).host).and.match(/timed out/);
      expect(app.state.cursors.get('xray')).to.deep.equal(cursors);
      for (const k of keysOf(gone)) expect(ticketsByKey(world).get(k)?.status).to.equal('To Do');
    });

    it('a page with one malformed violation: that one is reported and skipped, the rest ticketed, its watch not closed', async () => {
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION }]));
      const rt = jobOf(app, 'xray');
      world.xray.failNext({ kind: 'corrupt', how: 'missingIssueId', index: 0 }, { route: 'violations', page: 1 });
      const r = await cycle(world, rt, app);
      expect(r.result).to.equal('ok');
      expect(r.counts.rejected).to.equal(1);
      const ticketed = ticketsByKey(world).size;
      expect(ticketed).to.be.within(openKeys(world).size - 2, openKeys(world).size - 1);
      // That watch is listed completely again next time (it was not complete this time).
      const mark = world.xray.requests.length;
      await cycle(world, rt, app);
      const again = violationCalls(world, mark);
      expect(again.filter((c) => !('created_from' in c.body.filters))).to.have.length.greaterThan(0);
      expect(ticketsByKey(world).size).to.be.greaterThan(ticketed - 1);
    });

    it('a wrong token fails the cycle naming the platform host and the env var, never the token', async () => {
      process.env.VB_E2E_XRAY_WRONG = 'wrong-xray-token-123456';
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, tokenEnv: 'VB_E2E_XRAY_WRONG' }]));
      const r = await cycle(world, jobOf(app, 'xray'), app);
      expect(r.result).to.equal('failed');
      expect(r.error).to.include(new URL(world.xray.url).host).and.include('VB_E2E_XRAY_WRONG').and.not.include('wrong-xray-token-123456');
      expect(world.jira.issues()).to.have.length(0);
    });

    it('an unknown watch fails the cycle listing the watches Xray shows', async () => {
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, watches: ['prod-wacth'] }]));
      const r = await cycle(world, jobOf(app, 'xray'), app);
      expect(r.result).to.equal('failed');
      expect(r.error).to.include('prod-wacth');
      for (const w of world.xray.data.watches) expect(r.error).to.include(w.name);
    });
  });

  it('validate --online reaches Xray and Jira, and names a misspelt watch with the ones Xray has', async () => {
    const lines: string[] = [];
    const good = world.writeConfig([{ name: 'xray', template: PER_VIOLATION }]);
    expect(await validateCommand({ config: good, configGiven: true, online: true, templates: world.dir, out: (t) => lines.push(t) })).to.equal(0);
    expect(lines.join('\n')).to.include(`${new URL(world.xray.url).host} and Jira`);
    lines.length = 0;
    const bad = world.writeConfig([{ name: 'xray', template: PER_VIOLATION, watches: ['prod-wacth'] }]);
    expect(await validateCommand({ config: bad, configGiven: true, online: true, templates: world.dir, out: (t) => lines.push(t) })).to.equal(1);
    expect(lines.join('\n')).to.include('"prod-wacth" not found').and.include(world.xray.data.watches[0]!.name);
  });

  describe('the daemon takes Xray webhooks', () => {
    let daemon: Daemon | undefined;
    const manual: ScheduleFn = () => ({ stop: () => {} });
    afterEach(async () => {
      await daemon?.stop(0);
      daemon = undefined;
    });

    /** Wait (bounded) for the push cycles the webhooks started to finish. */
    async function settled(job: string): Promise<void> {
      for (let i = 0; i < 500; i++) {
        if (!daemon!.scheduler.isRunning(job) && !app!.state.inbox.any(job)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('test: webhook processing did not finish');
    }

    it('tickets a pushed violation at once, once, whichever way and however often it arrives', async () => {
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, webhook: true }], { serverPort: 0 }));
      const pushes: CycleReport[] = [];
      daemon = await startDaemon(app, { schedule: manual, onCycle: (r, kind) => kind === 'push' && pushes.push(r) });
      const url = `${daemon.server!.url}/webhooks/xray/xray`;
      const basic = { basic: WEBHOOK_AUTH };

      const v = world.xray.addViolation({ watch_name: world.xray.data.watches[0]!.name, type: 'Security', severity: 'High' });
      const payload = buildWebhookPayloadV11([v], { created: world.clock.now() });
      const sent = await sendXrayWebhook(url, payload, { auth: basic });
      expect(sent.status, sent.body).to.equal(202);
      await settled('xray');
      for (const k of keysOf(v)) expect(ticketsByKey(world).has(k), k).to.equal(true);
      expect(pushes.at(-1)?.counts.created).to.equal(keysOf(v).length);

      // The same payload again (Xray retries), gzip-encoded: no second ticket.
      expect((await sendXrayWebhook(url, payload, { auth: basic, gzip: true })).status).to.equal(202);
      await settled('xray');
      expect(world.jira.issues()).to.have.length(keysOf(v).length);

      // A legacy-format payload for another violation: the product resolves its issue id through the API.
      const legacy = world.xray.addViolation({ watch_name: world.xray.data.watches[1]!.name, type: 'Security', severity: 'Critical' });
      expect((await sendXrayWebhook(url, buildLegacyWebhookPayload([legacy]), { auth: basic })).status).to.equal(202);
      await settled('xray');
      for (const k of keysOf(legacy)) expect(ticketsByKey(world).has(k), k).to.equal(true);

      // The scheduled pull then sees both: same identities, no duplicates.
      await daemon.scheduler.trigger('xray');
      const byKey = ticketsByKey(world);
      expect([...byKey.keys()].sort()).to.deep.equal([...openKeys(world)].sort());
      expect(world.jira.issues()).to.have.length(openKeys(world).size);
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });

    it('refuses a wrong secret (401) and a malformed or unknown payload (400): nothing stored, nothing ticketed', async () => {
      app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION, webhook: true }], { serverPort: 0 }));
      daemon = await startDaemon(app, { schedule: manual });
      const url = `${daemon.server!.url}/webhooks/xray/xray`;
      const v = world.xray.addViolation({ watch_name: world.xray.data.watches[0]!.name });
      const payload = buildWebhookPayloadV11([v]);
      const wrong = await sendXrayWebhook(url, payload, { auth: { basic: { username: WEBHOOK_AUTH.username, password: 'guess' } } });
      expect(wrong.status).to.equal(401);
      const invalid = await sendXrayWebhook(url, '{"watch_name": "x", "issues": [', { auth: { basic: WEBHOOK_AUTH } });
      expect(invalid.status).to.equal(400);
      expect(invalid.body).to.match(/invalid JSON/i);
      const unknown = await sendXrayWebhook(url, { domain: 'artifact', event_type: 'deployed', data: {} }, { auth: { basic: WEBHOOK_AUTH } });
      expect(unknown.status).to.equal(400);
      expect(JSON.parse(unknown.body).error).to.be.a('string').and.not.equal('');
      // An unknown job is answered as a wrong secret: job names cannot be probed.
      const other = await sendXrayWebhook(`${daemon.server!.url}/webhooks/xray/nope`, payload, { auth: { basic: WEBHOOK_AUTH } });
      expect(other.status).to.equal(401);
      expect(app.state.inbox.counts()).to.deep.equal([]);
      expect(world.jira.issues()).to.have.length(0);
    });
  });
});
