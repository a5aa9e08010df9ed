import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { JiraSim } from '../sim/jira/startJiraSim.js';
import { detectionsById, issueDetectionId } from './support/detections.js';
import type { CycleReport } from '../../connector/pipeline/runCycle.js';
import { OneJob } from './support/oneJob.js';
import { OUR_TEMPLATES } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');

/** The per-detection job on Jira (Cloud unless told), with `hosts` × 4 detections. */
export class BulkJob extends OneJob {
  constructor(private readonly o: { hosts: number; flavor?: 'cloud' | 'datacenter' }) {
    super({ seed: 11, hosts: o.hosts, detectionsPerHost: 4 });
  }

  begin(): Promise<void> {
    const flavor = this.o.flavor ?? 'cloud';
    return this.start(PER_DETECTION, { flavor, data: simplifiedWorkflowData() }, 'VULN', { truncationLimit: 50 });
  }

  /** One cycle and the Jira calls it made. */
  async measured(): Promise<{ r: CycleReport; calls: string[] }> {
    const from = this.world.jira.requests.length;
    const r = await this.run();
    return { r, calls: jiraCalls(this.world.jira, from) };
  }

  /** A new process after a kill -9 of this one (the state file as it was), then one cycle measured. */
  async restarted(): Promise<{ r: CycleReport; calls: string[] }> {
    this.app.state.close();
    this.reopen();
    withLogLines(this.rt);
    return this.measured();
  }

  /** Fix `n` open detections in Qualys; their ids. */
  fix(n: number): string[] {
    const data = this.world.qualys.data;
    const before = detectionsById(data);
    data.fixSome(n);
    const after = detectionsById(data);
    return [...before].filter(([id, v]) => v.open && !after.get(id)?.open).map(([id]) => id);
  }

  statusOf(id: string): string | undefined {
    return this.world.jira.issues().find((i) => issueDetectionId(i) === id)?.status;
  }

}

/** Requests to Jira from `from` on, as `METHOD path` with the issue key replaced by `{key}`. */
export function jiraCalls(jira: JiraSim, from = 0): string[] {
  return jira.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/\/issue\/[A-Z]+-\d+/, '/issue/{key}')}`);
}

export function countOf(calls: readonly string[], call: string): number {
  return calls.filter((c) => c === call).length;
}

describe('e2e: closing is one step (a fixed detection: one transition, no read, no edit)', () => {
  const t = new BulkJob({ hosts: 4 });
  beforeEach(() => t.begin());
  afterEach(() => t.stop());

  it('closing N tickets makes N transition calls, no GET of an issue and no edit (the template does not change)', async () => {
    const r1 = await t.run();
    expect(r1.result, r1.error).to.equal('ok');
    const ids = t.fix(6);
    expect(ids.length).to.be.at.least(4);
    const from = t.world.jira.requests.length;
    const r2 = await t.run();
    expect(r2.result, r2.error).to.equal('ok');
    expect(r2.counts).to.include({ transitioned: ids.length, updated: 0, failed: 0 });
    const calls = jiraCalls(t.world.jira, from);
    expect(countOf(calls, 'POST /rest/api/3/issue/{key}/transitions')).to.equal(ids.length);
    expect(countOf(calls, 'GET /rest/api/3/issue/{key}'), 'no read of an issue before its move').to.equal(0);
    expect(countOf(calls, 'PUT /rest/api/3/issue/{key}'), 'no edit').to.equal(0);
    // The workflow step's transitions are learnt once per run, not per ticket.
    expect(countOf(calls, 'GET /rest/api/3/issue/{key}/transitions')).to.equal(1);
    expect(r2.writes).to.equal(r2.minimumWrites);
    for (const id of ids) expect(t.statusOf(id), id).to.equal('Done');
    const rows = t.app.state.db.prepare(`SELECT state, jira_status AS status, field_hashes AS h FROM tickets WHERE state = 'closed'`).all() as Array<{ state: string; status: string; h: string }>;
    expect(rows).to.have.length(ids.length);
    for (const row of rows) {
      expect(row.status).to.equal('Done');
      expect(JSON.parse(row.h)).to.not.have.property('@moving');
    }
  });

  it('a ticket a person moved meanwhile: the refused transition makes it look, then it is recorded or moved from where it is', async () => {
    await t.run();
    const ids = t.fix(4);
    const issues = t.world.jira.issues();
    const keyOf = (id: string) => issues.find((i) => issueDetectionId(i) === id)?.key as string;
    // One closed by a person (already Done), one moved along the workflow (In Progress).
    t.world.jira.setStatus(keyOf(ids[0] as string), 'Done');
    t.world.jira.setStatus(keyOf(ids[1] as string), 'In Progress');
    const from = t.world.jira.requests.length;
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ transitioned: ids.length - 1, failed: 0 });
    const calls = jiraCalls(t.world.jira, from);
    expect(countOf(calls, 'GET /rest/api/3/issue/{key}'), 'a look only where the move was refused').to.be.at.most(2);
    for (const id of ids) expect(t.statusOf(id), id).to.equal('Done');
  });

  it('a move sent but not recorded (a kill -9 after the transition) is looked at first next cycle: no second transition', async () => {
    await t.run();
    const ids = t.fix(3);
    const r1 = await t.run();
    expect(r1.counts).to.include({ transitioned: ids.length, failed: 0 });
    // What a kill -9 after Jira made the move of one ticket, before our record of it, leaves:
    // the row still open with the move intended (written, so updated, before the move: that
    // voids the finding's digest, which a killed run would not have recorded), and the cursor
    // where it was.
    const first = t.world.jira.issues().find((i) => issueDetectionId(i) === ids[0]) as { key: string };
    const rowOf = () => t.app.state.db.prepare(`SELECT state, field_hashes AS h FROM tickets WHERE jira_key = ?`).get(first.key) as { state: string; h: string };
    const hashes = { ...(JSON.parse(rowOf().h) as Record<string, string>), '@moving': 'Done' };
    t.app.state.db
      .prepare(`UPDATE tickets SET state = 'open', jira_status = NULL, field_hashes = ?, updated_at = ? WHERE jira_key = ?`)
      .run(JSON.stringify(hashes), new Date(Date.now() + 1000).toISOString(), first.key);
    t.app.state.cursors.clear('vmdr');
    t.app.state.close();
    t.reopen();
    expect(t.statusOf(ids[0] as string)).to.equal('Done');

    const from = t.world.jira.requests.length;
    const r2 = await t.run();
    expect(r2.result, r2.error).to.equal('ok');
    expect(r2.counts).to.include({ transitioned: 0, failed: 0 });
    const calls = jiraCalls(t.world.jira, from);
    expect(countOf(calls, 'POST /rest/api/3/issue/{key}/transitions'), 'no second transition').to.equal(0);
    expect(countOf(calls, 'GET /rest/api/3/issue/{key}'), 'one look, at the ticket whose move was not recorded').to.equal(1);
    expect(rowOf().state).to.equal('closed');
    expect(JSON.parse(rowOf().h)).to.not.have.property('@moving');
  });
});

/** Rebuild the job's sink with a logger that keeps its lines (and no waits between retries or polls). */
function withLogLines(rt: JobRuntime): string[] {
  const lines: string[] = [];
  const log = winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }) })],
  });
  const secret = (ref: { env?: string }) => process.env[ref.env ?? ''] ?? '';
  rt.sink = rt.config.sink.factory.create(rt.config.sink.config, { log, secret, sleep: async () => {}, retry: { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0 } });
  rt.prepared = false;
  return lines;
}

const BULK_TRANSITION = 'POST /rest/api/3/bulk/issues/transition';
const ONE_TRANSITION = 'POST /rest/api/3/issue/{key}/transitions';
const ONE_READ = 'GET /rest/api/3/issue/{key}';
const polls = (calls: readonly string[]) => calls.filter((c) => c.startsWith('GET /rest/api/3/bulk/queue/')).length;
const permissionChecks = (jira: JiraSim, from = 0) => jira.requests.slice(from).filter((r) => r.path.endsWith('/mypermissions') && r.query.permissions === 'BULK_CHANGE').length;

describe('e2e: mass closes in bulk on Jira Cloud (bulk/issues/transition, polled on bulk/queue)', () => {
  const t = new BulkJob({ hosts: 16 });
  beforeEach(() => t.begin());
  afterEach(() => t.stop());

  const closedRows = () => t.app.state.db.prepare(`SELECT jira_key AS key, jira_status AS status FROM tickets WHERE state = 'closed'`).all() as Array<{ key: string; status: string }>;

  it('closes N ≥ 20 tickets with one bulk task: one submit, its polls, no per-issue transition, no read; each ticket recorded Done', async () => {
    withLogLines(t.rt);
    await t.run();
    const ids = t.fix(30);
    expect(ids.length).to.be.at.least(20);
    t.world.jira.bulk.options.pollsBeforeDone = 2;
    const from = t.world.jira.requests.length;
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ transitioned: ids.length, updated: 0, failed: 0 });
    const calls = jiraCalls(t.world.jira, from);
    expect(countOf(calls, BULK_TRANSITION)).to.equal(1);
    expect(polls(calls)).to.equal(3);
    expect(countOf(calls, ONE_TRANSITION)).to.equal(0);
    expect(countOf(calls, ONE_READ)).to.equal(0);
    // Asked once, at the first run's Jira setup: not in the cycle that needs it.
    expect(permissionChecks(t.world.jira, from)).to.equal(0);
    expect(permissionChecks(t.world.jira)).to.equal(1);
    for (const id of ids) expect(t.statusOf(id), id).to.equal('Done');
    expect(closedRows()).to.have.length(ids.length);
    for (const row of closedRows()) expect(row.status).to.equal('Done');
    expect(t.app.state.bulkTasks.list('vmdr')).to.deep.equal([]);
    expect(t.world.jira.openApiViolations).to.deep.equal([]);
    expect(t.world.jira.responseViolations).to.deep.equal([]);
  });

  it('below the threshold the closes go one step each (no bulk task; the permission was asked once, at setup)', async () => {
    await t.run();
    expect(permissionChecks(t.world.jira)).to.equal(1);
    const ids = t.fix(5);
    const { r, calls } = await t.measured();
    expect(r.counts).to.include({ transitioned: ids.length, failed: 0 });
    expect(countOf(calls, BULK_TRANSITION)).to.equal(0);
    expect(countOf(calls, ONE_TRANSITION)).to.equal(ids.length);
    expect(permissionChecks(t.world.jira)).to.equal(1);
  });

  it('a permission check that fails (Jira answers 500) rules bulk out only until it can be asked again: the next mass change asks and goes in bulk', async () => {
    const lines = withLogLines(t.rt);
    t.world.jira.failNext(500, { match: /GET .*\/mypermissions/, times: 3 });
    await t.run();
    expect(lines.filter((l) => l.includes('could not be checked')), lines.join('\n')).to.have.length(1);
    const asked = permissionChecks(t.world.jira);
    const ids = t.fix(24);
    const { r, calls } = await t.measured();
    expect(r.counts).to.include({ transitioned: ids.length, failed: 0 });
    expect(countOf(calls, BULK_TRANSITION)).to.equal(1);
    expect(countOf(calls, ONE_TRANSITION)).to.equal(0);
    expect(permissionChecks(t.world.jira)).to.equal(asked + 1);
  });

  it('without the Bulk Change permission: one transition per ticket, the permission asked once, and said once in the log', async () => {
    const lines = withLogLines(t.rt);
    t.world.jira.data.bulkChange = false;
    await t.run();
    for (const n of [24, 22]) {
      const ids = t.fix(n);
      expect(ids.length).to.be.at.least(20);
      const { r, calls } = await t.measured();
      expect(r.counts).to.include({ transitioned: ids.length, failed: 0 });
      expect(countOf(calls, BULK_TRANSITION)).to.equal(0);
      expect(countOf(calls, ONE_TRANSITION)).to.equal(ids.length);
      expect(countOf(calls, ONE_READ)).to.equal(0);
    }
    expect(permissionChecks(t.world.jira)).to.equal(1);
    const said = lines.filter((l) => l.includes('Bulk Change'));
    expect(said, lines.join('\n')).to.have.length(1);
    expect(said[0]).to.include("'Make bulk changes'");
  });

  it('a task with per-issue failures records those failures (tickets stay open, findings retried) and closes them next cycle', async () => {
    withLogLines(t.rt);
    await t.run();
    const ids = t.fix(26);
    const issues = t.world.jira.issues();
    const keyOf = (id: string) => issues.find((i) => issueDetectionId(i) === id)?.key as string;
    const refused = [keyOf(ids[0] as string), keyOf(ids[1] as string)];
    for (const k of refused) t.world.jira.bulk.options.failures.set(k, 'The transition Done is not available for this issue.');
    const r = await t.run();
    expect(r.result).to.equal('partial');
    expect(r.counts).to.include({ transitioned: ids.length - 2, failed: 2 });
    for (const k of refused) expect(t.world.jira.issue(k)?.status).to.equal('To Do');
    const open = t.app.state.db.prepare(`SELECT jira_key AS key FROM tickets WHERE state = 'open' AND jira_key IN (?, ?)`).all(...refused);
    expect(open).to.have.length(2);
    expect(t.app.state.pending.list('vmdr').map((p) => p.error).join('\n')).to.include('not available');

    t.world.jira.bulk.options.failures.clear();
    const from = t.world.jira.requests.length;
    const r2 = await t.run();
    expect(r2.result, r2.error).to.equal('ok');
    expect(r2.counts).to.include({ transitioned: 2, failed: 0 });
    expect(countOf(jiraCalls(t.world.jira, from), ONE_TRANSITION)).to.equal(2);
    for (const k of refused) expect(t.world.jira.issue(k)?.status).to.equal('Done');
    expect(t.app.state.pending.list('vmdr')).to.deep.equal([]);
  });

  it('killed after the submit and before the outcome: the restart asks the recorded task and records it, with no second transition', async () => {
    withLogLines(t.rt);
    await t.run();
    const ids = t.fix(25);
    // The process dies between the submit and the poll: every poll fails past the retries.
    t.world.jira.failNext(500, { match: /GET .*\/bulk\/queue\//, times: 3 });
    const r1 = await t.run();
    expect(r1.result).to.equal('failed');
    const [task] = t.app.state.bulkTasks.list('vmdr');
    expect(task?.taskId, 'the task id is recorded before the outcome').to.be.a('string');
    expect(task?.items).to.have.length(ids.length);
    for (const id of ids) expect(t.statusOf(id)).to.equal('Done');
    // Jira moved them; the state does not know yet.
    expect(closedRows()).to.have.length(0);

    const { r: r2, calls } = await t.restarted();
    expect(r2.result, r2.error).to.equal('ok');
    expect(countOf(calls, BULK_TRANSITION), 'no second bulk transition').to.equal(0);
    expect(countOf(calls, ONE_TRANSITION), 'no per-issue transition either').to.equal(0);
    expect(countOf(calls, ONE_READ)).to.equal(0);
    expect(polls(calls)).to.equal(1);
    expect(r2.counts.transitioned).to.equal(ids.length);
    expect(closedRows().length).to.equal(ids.length);
    expect(t.app.state.bulkTasks.list('vmdr')).to.deep.equal([]);
  });

  it('a task still running when the cycle stops waiting: its tickets are failed for now, and the next cycle records its outcome first (no second transition)', async () => {
    withLogLines(t.rt);
    await t.run();
    const ids = t.fix(25);
    t.world.jira.bulk.options.pollsBeforeDone = 100_000;
    const r1 = await t.run();
    expect(r1.result).to.equal('partial');
    expect(r1.counts).to.include({ transitioned: 0, failed: ids.length });
    expect(t.app.state.pending.list('vmdr')[0]?.error).to.include('still running');
    expect(t.app.state.bulkTasks.list('vmdr')).to.have.length(1);

    t.world.jira.bulk.options.pollsBeforeDone = 0;
    const { r: r2, calls } = await t.measured();
    expect(r2.result, r2.error).to.equal('ok');
    expect(r2.counts).to.include({ transitioned: ids.length, failed: 0 });
    expect(countOf(calls, BULK_TRANSITION)).to.equal(0);
    expect(countOf(calls, ONE_TRANSITION)).to.equal(0);
    expect(polls(calls)).to.equal(1);
    expect(closedRows()).to.have.length(ids.length);
    expect(t.app.state.bulkTasks.list('vmdr')).to.deep.equal([]);
    expect(t.app.state.pending.list('vmdr')).to.deep.equal([]);
  });

  it('killed after Jira made the task but before its id was recorded: the restart looks at each ticket before any move (no second transition)', async () => {
    withLogLines(t.rt);
    await t.run();
    const ids = t.fix(25);
    // The submit is made but its answer is lost (502): no task id to ask.
    t.world.jira.failNext(502, { match: /POST .*\/bulk\/issues\/transition$/, afterApply: true });
    const r1 = await t.run();
    expect(r1.result).to.equal('failed');
    const [task] = t.app.state.bulkTasks.list('vmdr');
    expect(task).to.not.equal(undefined);
    expect(task?.taskId).to.equal(undefined);

    const { r: r2, calls } = await t.restarted();
    expect(r2.result, r2.error).to.equal('ok');
    expect(countOf(calls, BULK_TRANSITION)).to.equal(0);
    expect(countOf(calls, ONE_TRANSITION)).to.equal(0);
    expect(countOf(calls, ONE_READ), 'one look per ticket of the lost task').to.equal(ids.length);
    expect(closedRows().length).to.equal(ids.length);
    expect(t.app.state.bulkTasks.list('vmdr')).to.deep.equal([]);
  });
});

describe('e2e: Jira Data Center never uses bulk operations', () => {
  const t = new BulkJob({ hosts: 16, flavor: 'datacenter' });
  beforeEach(() => t.begin());
  afterEach(() => t.stop());

  it('closes 20+ tickets one transition each, with no bulk call and no permission check', async () => {
    await t.run();
    const ids = t.fix(25);
    expect(ids.length).to.be.at.least(20);
    const from = t.world.jira.requests.length;
    const r = await t.run();
    expect(r.counts).to.include({ transitioned: ids.length, failed: 0 });
    const calls = t.world.jira.requests.slice(from).map((q) => `${q.method} ${q.path}`);
    expect(calls.filter((c) => c.includes('/bulk/'))).to.deep.equal([]);
    expect(calls.filter((c) => c.endsWith('/mypermissions'))).to.deep.equal([]);
    expect(calls.filter((c) => /^POST \/rest\/api\/2\/issue\/[A-Z]+-\d+\/transitions$/.test(c))).to.have.length(ids.length);
    expect(calls.filter((c) => /^GET \/rest\/api\/2\/issue\/[A-Z]+-\d+$/.test(c))).to.deep.equal([]);
  });
});

describe('e2e: an SLA breach day labels many tickets in bulk on Jira Cloud (bulk/issues/fields)', () => {
  const t = new BulkJob({ hosts: 16 });
  const BREACHED = 'vb-sla-breached';
  beforeEach(async () => {
    await t.begin();
    // Due dates years after every detection's first found: none breached at first.
    const config = readFileSync(t.configFile, 'utf8').replace('\njobs:\n', '\nsla:\n  days: { critical: 1900, high: 1900, medium: 1900, low: 1900, info: 1900 }\njobs:\n');
    writeFileSync(t.configFile, config);
    t.app.state.close();
    t.reopen();
  });
  afterEach(() => t.stop());

  const openIssues = () => t.world.jira.issues().filter((i) => i.status !== 'Done');
  const labelsOf = (i: { fields: Record<string, unknown> }) => (i.fields.labels as string[] | undefined) ?? [];

  for (const granted of [true, false]) {
    it(granted ? 'with the Bulk Change permission: one bulk edit adds the breach label to every open ticket, no per-issue edit' : 'without it: one edit per ticket', async () => {
      withLogLines(t.rt);
      t.world.jira.data.bulkChange = granted;
      const r1 = await t.run();
      expect(r1.result, r1.error).to.equal('ok');
      const open = openIssues();
      expect(open.length).to.be.at.least(20);
      for (const i of open) expect(labelsOf(i)).to.not.include(BREACHED);

      // Five years on, with no scanner change: every open ticket is past its due date.
      t.world.clock.advanceMinutes(5 * 365 * 24 * 60);
      const from = t.world.jira.requests.length;
      const r2 = await t.run();
      expect(r2.result, r2.error).to.equal('ok');
      expect(r2.counts.updated).to.equal(open.length);
      const calls = jiraCalls(t.world.jira, from);
      expect(countOf(calls, 'POST /rest/api/3/bulk/issues/fields')).to.equal(granted ? 1 : 0);
      expect(countOf(calls, 'PUT /rest/api/3/issue/{key}')).to.equal(granted ? 0 : open.length);
      for (const i of openIssues()) expect(labelsOf(i), i.key).to.include(BREACHED);
      const rows = t.app.state.db.prepare(`SELECT labels FROM tickets WHERE state = 'open'`).all() as Array<{ labels: string }>;
      for (const row of rows) expect(JSON.parse(row.labels)).to.include(BREACHED);
      expect(t.app.state.bulkTasks.list('vmdr')).to.deep.equal([]);
      expect(t.world.jira.openApiViolations).to.deep.equal([]);

      // Nothing more to write the cycle after.
      const from3 = t.world.jira.requests.length;
      const r3 = await t.run();
      expect(r3.counts.updated).to.equal(0);
      expect(jiraCalls(t.world.jira, from3).filter((c) => !c.startsWith('GET'))).to.deep.equal([]);
    });
  }
});
