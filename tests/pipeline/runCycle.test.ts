import { expect } from 'chai';
import path from 'node:path';
import type { JobConfig } from '../../connector/config/loadConfig.js';
import { silentLogger } from '../../connector/log.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { PlanStep } from '../../connector/pipeline/planStep.js';
import { singleLane } from '../../connector/pipeline/lanes.js';
import { runCycle } from '../../connector/pipeline/runCycle.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { FakeVmdrSource } from '../support/fakeSource.js';
import { MemorySink } from '../support/memorySink.js';

const REFERENCE = path.resolve(process.cwd(), '../shared/reference/qualys-ticketing-templates');

/** The Jira key of a detection's ticket, by the Primary Key the reference template writes. */
function keyOf(sink: MemorySink, host: string, qid: string, port: string): string {
  const pk = `Host ID:${host}-QID:${qid}-Port:${port}`;
  const issue = [...sink.issues.values()].find((i) => i.fields['cf:Primary Key'] === pk);
  if (!issue) throw new Error(`no issue for ${pk}`);
  return issue.key;
}

function runtime(template: string, source: FakeVmdrSource, sink: MemorySink): JobRuntime {
  const config = { name: 'vmdr', project: 'VULN', timeoutMinutes: 5, schedule: '* * * * *', enabled: true, templatePath: template } as JobConfig;
  return { config, source, sink, scheme: loadScheme(template), log: silentLogger(), prepared: false, lanes: singleLane(config, loadScheme(template)) };
}

describe('pipeline/runCycle: one ticket per detection', () => {
  let state: State;
  let source: FakeVmdrSource;
  let sink: MemorySink;
  let rt: JobRuntime;
  const template = path.join(REFERENCE, 'Per_Detection_Separate_Ticket_Scheme.json');

  beforeEach(() => {
    state = openStateBundle(':memory:');
    source = new FakeVmdrSource();
    sink = new MemorySink();
    rt = runtime(template, source, sink);
    source.detections = [
      { host: '1', qid: '100', port: '443', status: 'Active', qds: 95 },
      { host: '1', qid: '101', port: '22', status: 'New', qds: 45 },
      { host: '2', qid: '100', port: '443', status: 'Active', qds: 72 },
      { host: '2', qid: '102', status: 'Fixed', qds: 20 },
    ];
  });
  afterEach(() => state.close());

  it('creates a ticket per open detection, skips fixed ones, and stores the cursor', async () => {
    const r = await runCycle(rt, state);
    expect(r.result).to.equal('ok');
    expect(r.counts).to.include({ findings: 4, created: 3, unchanged: 1, failed: 0 });
    expect(sink.issues.size).to.equal(3);
    const first = sink.issues.get(keyOf(sink, '1', '100', '443'));
    expect(first?.fields.summary).to.equal('QID: 100 : Title of 100');
    expect(first?.fields.priority).to.deep.equal({ name: 'Highest' });
    expect(first?.labels).to.include.members(['qualys-host-1', 'qid-100', 'port-443', 'vb-job-vmdr']);
    expect(first?.labels.some((l) => /^vb-[0-9a-f]{24}$/.test(l))).to.equal(true);
    expect(state.cursors.get('vmdr')).to.have.property('detection_updated_since');
    expect(state.tickets.counts('vmdr')).to.deep.include({ open: 3 });
    expect(r.writes).to.equal(r.minimumWrites);
  });

  it('makes no Jira writes when nothing changed', async () => {
    await runCycle(rt, state);
    const before = sink.calls().writes;
    const r = await runCycle(rt, state);
    expect(sink.calls().writes - before).to.equal(0);
    expect(r.counts).to.include({ created: 0, updated: 0, transitioned: 0, unchanged: 4 });
    expect(source.pulls[1]).to.have.property('detection_updated_since');
  });

  it('updates only changed fields, closes fixed detections, creates new ones', async () => {
    await runCycle(rt, state);
    source.detections[0].qds = 40; // Highest -> Medium
    source.detections[2].status = 'Fixed';
    source.detections.push({ host: '3', qid: '103', port: '80', status: 'New', qds: 10 });
    sink.log.length = 0;
    const r = await runCycle(rt, state);
    expect(r.counts).to.include({ created: 1, updated: 2, transitioned: 1 });
    const k1 = keyOf(sink, '1', '100', '443');
    expect(sink.issues.get(k1)?.fields.priority).to.deep.equal({ name: 'Medium' });
    const update = sink.log.find((l) => l.startsWith(`update ${k1} `));
    expect(update).to.match(/priority/);
    expect(update).to.not.match(/summary/);
    expect(sink.issues.get(keyOf(sink, '2', '100', '443'))?.status.name).to.equal('Closed');
    expect(r.writes).to.equal(r.minimumWrites);
  });

  it('leaves a ticket a person closed alone until the scanner says Re-Opened', async () => {
    await runCycle(rt, state);
    const k1 = keyOf(sink, '1', '100', '443');
    sink.setStatus(k1, 'Done');
    source.detections[0].qds = 91;
    source.detections[0].lastFound = '2026-11-02T00:00:00Z';
    await runCycle(rt, state);
    expect(sink.issues.get(k1)?.status.name).to.equal('Done');
    source.detections[0].status = 'Re-Opened';
    const r = await runCycle(rt, state);
    expect(r.counts.transitioned).to.equal(1);
    expect(sink.issues.get(k1)?.status.name).to.equal('Reopened');
  });

  it('adds the template comment when a detection is found again', async () => {
    await runCycle(rt, state);
    source.detections[0].lastFound = '2026-11-20T10:00:00Z';
    const r = await runCycle(rt, state);
    expect(r.counts.commented).to.equal(1);
    expect(sink.issues.get(keyOf(sink, '1', '100', '443'))?.comments).to.have.length(1);
  });

  it('finds its tickets again after the database is lost instead of creating duplicates', async () => {
    await runCycle(rt, state);
    state.close();
    state = openStateBundle(':memory:');
    rt.prepared = false;
    const r = await runCycle(rt, state);
    expect(sink.issues.size).to.equal(3);
    expect(r.counts.created).to.equal(0);
    expect(state.tickets.counts('vmdr').open).to.equal(3);
  });

  it('records a ticket Jira rejects, goes on with the rest, and retries it next cycle', async () => {
    sink.rejectSummaries.add('QID: 101 : Title of 101');
    const r1 = await runCycle(rt, state);
    expect(r1.result).to.equal('partial');
    expect(r1.counts).to.include({ created: 2, failed: 1 });
    expect(state.pending.list('vmdr').map((p) => p.fkey)).to.deep.equal(['host:1|qid:101|port:22']);
    sink.rejectSummaries.clear();
    source.detections = []; // the incremental pull no longer returns it
    const r2 = await runCycle(rt, state);
    expect(r2.counts.created).to.equal(1);
    expect(state.pending.list('vmdr')).to.have.length(0);
  });

  it('applies nothing and keeps the cursor when the pull fails midway', async () => {
    source.failAfterPages = 1;
    const r = await runCycle(rt, state);
    expect(r.result).to.equal('failed');
    expect(r.error).to.match(/truncated XML on page 2/);
    expect(sink.issues.size).to.equal(0);
    expect(state.cursors.get('vmdr')).to.deep.equal({});
    expect(state.runs.last('vmdr')?.result).to.equal('failed');
  });

  it('dry run plans every step and writes neither Jira nor the state', async () => {
    const steps: PlanStep[] = [];
    const r = await runCycle(rt, state, { dryRun: true, onStep: (s) => steps.push(s) });
    expect(r.dryRun).to.equal(true);
    expect(steps.filter((s) => s.op === 'create')).to.have.length(3);
    const create = steps.find((s) => s.op === 'create');
    expect(create).to.include({ summary: 'QID: 100 : Title of 100', priority: 'Highest' });
    expect(sink.calls().writes).to.equal(0);
    expect(state.tickets.counts('vmdr').open).to.equal(0);
    expect(state.cursors.get('vmdr')).to.deep.equal({});
    expect(state.runs.last('vmdr')).to.equal(undefined);
    expect(state.db.prepare('SELECT COUNT(*) AS n FROM lookups').get()).to.deep.equal({ n: 0 });
  });

  it('gives two findings with the same Primary Key one ticket, kept open while either is open', async () => {
    source.detections = [
      { host: '1', qid: '100', port: '443', proto: 'tcp', status: 'Active', qds: 95 },
      { host: '1', qid: '100', port: '443', proto: 'udp', status: 'Fixed', qds: 95 },
    ];
    const r = await runCycle(rt, state);
    expect(r.counts).to.include({ created: 1, transitioned: 0, failed: 0 });
    expect(sink.issues.size).to.equal(1);
    const again = await runCycle(rt, state);
    expect(again.counts).to.include({ created: 0, transitioned: 0 });
    expect([...sink.issues.values()][0].status.name).to.equal('Open');
  });

  it('closes ignored detections through <STATUS>/Ignored', async () => {
    await runCycle(rt, state);
    source.detections[1].ignored = true;
    const r = await runCycle(rt, state);
    expect(r.counts.transitioned).to.equal(1);
    expect(sink.issues.get(keyOf(sink, '1', '101', '22'))?.status.name).to.equal('Closed');
  });
});

describe('pipeline/runCycle: host parent with linked vulnerability tickets', () => {
  let state: State;
  let source: FakeVmdrSource;
  let sink: MemorySink;
  let rt: JobRuntime;

  beforeEach(() => {
    state = openStateBundle(':memory:');
    source = new FakeVmdrSource();
    sink = new MemorySink();
    rt = runtime(path.join(REFERENCE, 'Host_Vuln_Linking_Ticket_Scheme.json'), source, sink);
    source.detections = [
      { host: '1', qid: '100', port: '443', status: 'Active', qds: 95 },
      { host: '1', qid: '101', port: '22', status: 'New', qds: 45 },
      { host: '2', qid: '100', port: '443', status: 'Active', qds: 72 },
      { host: '2', qid: '101', port: '22', status: 'Active', qds: 72 },
    ];
  });
  afterEach(() => state.close());

  it('creates one parent per host and links a child per QID and port', async () => {
    const r = await runCycle(rt, state);
    expect(r.counts).to.include({ created: 6, linked: 4 });
    const parents = [...sink.issues.values()].filter((i) => String(i.fields.summary).startsWith('Qualys host ID'));
    expect(parents).to.have.length(2);
    expect(parents.find((p) => p.fields.summary === 'Qualys host ID 1')?.fields.priority).to.deep.equal({ name: 'Highest' });
    expect(parents.every((p) => p.links.size === 2)).to.equal(true);
    expect(r.writes).to.equal(r.minimumWrites);
  });

  it('unlinks fixed children, closes the parent when none remain, reopens it when one returns', async () => {
    await runCycle(rt, state);
    const parent = [...sink.issues.values()].find((i) => i.fields.summary === 'Qualys host ID 1');
    source.detections[0].status = 'Fixed';
    source.detections[1].status = 'Fixed';
    const r2 = await runCycle(rt, state);
    expect(r2.counts).to.include({ unlinked: 2, transitioned: 3 });
    expect(parent?.links.size).to.equal(0);
    expect(parent?.status.name).to.equal('Closed');
    const other = [...sink.issues.values()].find((i) => i.fields.summary === 'Qualys host ID 2');
    expect(other?.status.name).to.equal('Open');

    source.detections[0].status = 'Re-Opened';
    const r3 = await runCycle(rt, state);
    expect(r3.counts).to.include({ linked: 1, transitioned: 2 });
    expect(parent?.status.name).to.equal('Reopened');
    expect(parent?.links.size).to.equal(1);
  });

  it('does not create a parent for a host whose detections are all fixed', async () => {
    source.detections = [{ host: '9', qid: '100', status: 'Fixed' }];
    const r = await runCycle(rt, state);
    expect(r.counts.created).to.equal(0);
    expect(sink.issues.size).to.equal(0);
  });
});
