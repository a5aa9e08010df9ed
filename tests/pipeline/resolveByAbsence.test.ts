import { expect } from 'chai';
import path from 'node:path';
import type { JobConfig } from '../../connector/config/loadConfig.js';
import { VulnbridgeError } from '../../connector/errors.js';
import { silentLogger } from '../../connector/log.js';
import type { Finding, FindingPage } from '../../connector/model/finding.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { singleLane } from '../../connector/pipeline/lanes.js';
import { runCycle } from '../../connector/pipeline/runCycle.js';
import type { PullContext, PullResult, Source, WebhookIntake } from '../../connector/sources/types.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { MemorySink } from '../support/memorySink.js';
import { xrayContext } from '../templates/xrayContext.js';

const PER_VIOLATION = path.resolve(process.cwd(), 'templates/xray-per-violation.json');

interface FakeViolation {
  issue: string;
  component: string;
  severity?: string;
  fixVersions?: string[];
  ignored?: boolean;
}

function finding(watch: string, v: FakeViolation, partial = false): Finding {
  const data = xrayContext('securityWithCve');
  Object.assign(data, {
    WATCH: watch,
    ISSUE_ID: v.issue,
    COMPONENT: v.component,
    VIOLATION_KEY: `${watch}|${v.issue}|${v.component}`,
    SEVERITY: v.severity ?? 'High',
    FIX_VERSIONS: v.fixVersions ?? ['2.0.0'],
  });
  return { key: `xray|${watch}|${v.issue}|${v.component}`, parentKey: v.component, scope: watch, status: 'Active', ignored: v.ignored ?? false, data, partial };
}

/** An Xray-like source: lists violations per watch, resolves by absence, takes webhooks. */
class FakeXraySource implements Source {
  readonly type = 'fake-xray';
  readonly host = 'xray.test';
  readonly moduleName = 'XRAY';
  readonly lookupTtlSec = {};
  readonly resolvesByAbsence = { status: 'Resolved' };
  listed = new Map<string, FakeViolation[]>([['prod', []]]);
  /** Watches whose pull counts as complete (a full pull). */
  complete = new Set<string>(['prod']);
  failOnPage?: number;

  async *pull(_ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
    let page = 0;
    for (const [watch, list] of this.listed) {
      page++;
      if (this.failOnPage === page) throw new VulnbridgeError('HOST_UNREACHABLE', 'Xray timed out mid-walk', { host: this.host });
      yield { label: `watch ${watch}`, findings: list.map((v) => finding(watch, v)) };
    }
    return { nextCursors: { pulled: 'yes' }, completeScopes: [...this.complete] };
  }

  async enrich(): Promise<void> {}

  readonly webhook: WebhookIntake = {
    check(body) {
      if (typeof body !== 'object' || body === null || !('watch' in body)) throw new VulnbridgeError('WEBHOOK_INVALID', 'no watch');
      return { description: 'fake payload' };
    },
    async findings(body) {
      const b = body as { watch: string; violations: FakeViolation[] };
      return { label: 'webhook', findings: b.violations.map((v) => finding(b.watch, v, true)) };
    },
  };
}

describe('pipeline: sources that resolve by absence and take pushes', () => {
  let state: State;
  let source: FakeXraySource;
  let sink: MemorySink;
  let rt: JobRuntime;
  let clock: number;
  const now = () => new Date(clock);
  const run = (mode: 'pull' | 'push' = 'pull', dryRun = false) => {
    clock += 60_000;
    return runCycle(rt, state, { mode, now, dryRun });
  };
  const a: FakeViolation = { issue: 'XRAY-1', component: 'npm://a:1.0.0' };
  const b: FakeViolation = { issue: 'XRAY-2', component: 'npm://b:2.0.0' };

  beforeEach(() => {
    clock = Date.parse('2026-11-01T00:00:00Z');
    state = openStateBundle(':memory:');
    source = new FakeXraySource();
    sink = new MemorySink();
    sink.statuses['To Do'] = 'new';
    const config = { name: 'xray', project: 'SEC', timeoutMinutes: 5, schedule: '* * * * *', enabled: true, templatePath: PER_VIOLATION } as JobConfig;
    rt = { config, source, sink, scheme: loadScheme(PER_VIOLATION), log: silentLogger(), prepared: false, lanes: singleLane(config, loadScheme(PER_VIOLATION)) };
  });
  afterEach(() => state.close());

  const statusOf = (issue: string) => [...sink.issues.values()].find((i) => String(i.fields.summary).includes(issue))?.status.name;

  it('closes the ticket of a violation a complete listing no longer holds, and only then', async () => {
    source.listed.set('prod', [a, b]);
    expect((await run()).counts.created).to.equal(2);
    source.listed.set('prod', [a]);
    source.complete.clear();
    const partialListing = await run();
    expect(partialListing.counts.transitioned).to.equal(0);
    expect(statusOf('XRAY-2')).to.equal('Open');
    source.complete.add('prod');
    const complete = await run();
    expect(complete.counts).to.include({ transitioned: 1, created: 0 });
    expect(statusOf('XRAY-2')).to.equal('Done');
    expect(state.findings.countsByStatus('xray')).to.deep.equal({ Active: 1, Resolved: 1 });
    // Gone once is enough: the next complete listing does not touch it again.
    const again = await run();
    expect(again.counts).to.include({ transitioned: 0, updated: 0 });
  });

  it('closes nothing and keeps the cursor when the pull fails mid-walk', async () => {
    source.listed.set('prod', [a, b]);
    await run();
    source.listed = new Map([['prod', []], ['other', []]]);
    source.failOnPage = 2;
    state.cursors.set('xray', { pulled: 'before' });
    const r = await run();
    expect(r.result).to.equal('failed');
    expect(statusOf('XRAY-1')).to.equal('Open');
    expect(statusOf('XRAY-2')).to.equal('Open');
    expect(state.cursors.get('xray')).to.deep.equal({ pulled: 'before' });
  });

  it('re-opens a ticket a person closed once its violation was resolved and comes back', async () => {
    source.listed.set('prod', [a]);
    await run();
    const key = [...sink.issues.keys()][0] as string;
    sink.issues.get(key)!.status = { name: 'Done', category: 'done' };
    source.listed.set('prod', []);
    await run(); // resolved: the ticket is already Done
    source.listed.set('prod', [a]);
    const back = await run();
    expect(back.counts.transitioned).to.equal(1);
    expect(sink.issues.get(key)?.status.name).to.equal('To Do');
  });

  it('turns a stored webhook payload into a ticket and drops it from the inbox; twice the same is one ticket', async () => {
    const body = { watch: 'prod', violations: [a] };
    state.inbox.add('xray', JSON.stringify(body), 'fake payload', now());
    state.inbox.add('xray', JSON.stringify(body), 'fake payload', now());
    const r = await run('push');
    expect(r.counts.created).to.equal(1);
    expect(sink.issues.size).to.equal(1);
    expect(state.inbox.any('xray')).to.equal(false);
    expect(state.cursors.get('xray')).to.deep.equal({});
    // The pull sees the same violation: same identity, no second ticket.
    source.listed.set('prod', [a]);
    const pulled = await run();
    expect(pulled.counts.created).to.equal(0);
    expect(sink.issues.size).to.equal(1);
  });

  it('keeps fields a partial push lacks from the last pull instead of clearing them', async () => {
    source.listed.set('prod', [{ ...a, fixVersions: ['1.2.3'] }]);
    await run();
    const writesBefore = sink.calls().writes;
    state.inbox.add('xray', JSON.stringify({ watch: 'prod', violations: [{ ...a, fixVersions: [] }] }), 'fake payload', now());
    const r = await run('push');
    expect(r.counts).to.include({ updated: 0, created: 0 });
    expect(sink.calls().writes).to.equal(writesBefore);
  });

  it('keeps the payload in the inbox when the cycle fails, and a dry run leaves it there', async () => {
    state.inbox.add('xray', JSON.stringify({ watch: 'prod', violations: [a] }), 'fake payload', now());
    await run('push', true);
    expect(state.inbox.any('xray')).to.equal(true);
    expect(sink.issues.size).to.equal(0);
    const failing = new MemorySink();
    failing.prepare = async () => {
      throw new VulnbridgeError('AUTH_FAILED', 'Jira said no', { host: 'jira.test' });
    };
    rt.sink = failing;
    rt.prepared = false;
    const r = await run('push');
    expect(r.result).to.equal('failed');
    expect(state.inbox.any('xray')).to.equal(true);
    rt.sink = sink;
    expect((await run('push')).counts.created).to.equal(1);
    expect(state.inbox.any('xray')).to.equal(false);
  });

  it('sets aside a payload that cannot be read after repeated attempts, and processes the others', async () => {
    state.inbox.add('xray', '{"watch": "prod", "violations": 7}', 'broken', now());
    state.inbox.add('xray', JSON.stringify({ watch: 'prod', violations: [b] }), 'fake payload', now());
    const r = await run('push');
    expect(r.counts).to.include({ created: 1, rejected: 1 });
    for (let n = 0; n < 5; n++) await run('push');
    expect(state.inbox.any('xray')).to.equal(false);
    expect(state.inbox.counts()).to.deep.equal([{ job: 'xray', waiting: 0, setAside: 1, lastError: state.inbox.counts()[0]?.lastError }]);
    expect(state.inbox.counts()[0]?.lastError).to.match(/not a function|not iterable|map/);
  });
});
