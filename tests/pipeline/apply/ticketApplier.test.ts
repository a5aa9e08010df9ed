import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../connector/log.js';
import { TicketApplier } from '../../../connector/pipeline/apply/ticketApplier.js';
import { type CycleCounts, zeroCounts } from '../../../connector/pipeline/cycleCounts.js';
import { jobLabel } from '../../../connector/pipeline/markers.js';
import { planPage, type PlanInput } from '../../../connector/pipeline/plan/planPage.js';
import type { ParentIntent, TicketIntent } from '../../../connector/pipeline/plan/ticketPlan.js';
import type { PlanStep } from '../../../connector/pipeline/planStep.js';
import type { StagedFinding } from '../../../connector/state/staging.js';
import { openStateBundle, type State } from '../../../connector/state/stateBundle.js';
import type { TicketRow } from '../../../connector/state/ticketStore.js';
import { schemeUsesSubtasks } from '../../../connector/templates/toTicketScheme.js';
import type { TicketScheme } from '../../../connector/templates/types.js';
import { JOB, planInput, PROJECT, scheme, vmdr } from '../plan/planFixtures.js';
import { SpySink } from './spySink.js';

/** A real state in a temp dir, the spy sink, and cycles of plan -> apply page by page (what TicketLane does). */
class Harness {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'vb-apply-'));
  state: State = openStateBundle(this.dir);
  readonly sink = new SpySink();
  counts: CycleCounts = zeroCounts();
  steps: PlanStep[] = [];
  applier?: TicketApplier;

  constructor(readonly s: TicketScheme) {}

  input(): PlanInput {
    const { state, sink } = this;
    return planInput(this.s, new Map(), {
      rowOf: (pk) => state.tickets.get(JOB, pk),
      childrenOf: (pk) => state.tickets.children(JOB, pk),
      fieldsOf: (t) => sink.fields(t, { project: PROJECT }),
    });
  }

  newApplier(): TicketApplier {
    this.counts = zeroCounts();
    this.steps = [];
    return (this.applier = new TicketApplier({
      job: JOB,
      project: PROJECT,
      scheme: this.s,
      subtasks: schemeUsesSubtasks(this.s),
      sink: this.sink,
      tickets: this.state.tickets,
      pending: this.state.pending,
      counts: this.counts,
      log: silentLogger(),
      onStep: (step) => this.steps.push(step),
    }));
  }

  /** Plan and apply each page; `finish` unless told not to. */
  async cycle(pages: StagedFinding[][], o: { finish?: boolean } = {}): Promise<ParentIntent | undefined> {
    const applier = this.newApplier();
    let carried: ParentIntent | undefined;
    for (const page of pages) {
      const plan = planPage({ ...this.input(), queued: applier.queued() }, page, carried);
      carried = plan.carry;
      await applier.apply(plan);
    }
    if (o.finish !== false) await applier.finish(carried);
    return carried;
  }

  intent(f: StagedFinding, role: 'single' | 'child' | 'parent' = this.s.kind === 'linked' ? 'child' : 'single'): TicketIntent {
    const plan = planPage(planInput(this.s), [f]);
    return role === 'parent' ? plan.parents[0] : plan.tickets[0];
  }

  row(f: StagedFinding, role?: 'single' | 'child' | 'parent'): TicketRow | undefined {
    return this.state.tickets.get(JOB, this.intent(f, role).pk);
  }

  keyOf(f: StagedFinding, role?: 'single' | 'child' | 'parent'): string {
    const key = this.row(f, role)?.jiraKey;
    if (!key) throw new Error(`no ticket key for ${f.key}`);
    return key;
  }

  /** A new state in a new dir (the database was lost). */
  loseDatabase(): void {
    this.state.close();
    this.state = openStateBundle(mkdtempSync(path.join(this.dir, 'lost-')));
  }

  close(): void {
    this.state.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('pipeline/apply/TicketApplier: creating exactly once', () => {
  let h: Harness;
  beforeEach(() => (h = new Harness(scheme('vmdr-per-detection'))));
  afterEach(() => h.close());

  it('writes the intent row as pending before createMany; a create that throws leaves it pending', async () => {
    const findings = [vmdr({ qid: '100' }), vmdr({ qid: '101' })];
    const atCreate: Array<string | undefined> = [];
    h.sink.beforeCreate = () => {
      for (const f of findings) atCreate.push(h.row(f)?.state);
      throw new Error('connection reset mid-create');
    };
    await h.cycle([findings], { finish: false });
    expect(h.sink.createCalls, 'a flat scheme keeps a short batch for finish()').to.deep.equal([]);
    expect(h.row(findings[0])).to.equal(undefined);
    let thrown: unknown;
    await (h.applier as TicketApplier).finish().catch((e: unknown) => (thrown = e));
    expect((thrown as Error | undefined)?.message).to.equal('connection reset mid-create');
    expect(atCreate).to.deep.equal(['pending', 'pending']);
    for (const f of findings) expect(h.row(f)).to.deep.include({ state: 'pending', jiraKey: undefined });
    expect(h.sink.issues.size).to.equal(0);
  });

  it('next cycle looks a pending row up by marker before creating it', async () => {
    const f = vmdr();
    h.sink.beforeCreate = () => {
      throw new Error('down');
    };
    await h.cycle([[f]]).catch(() => undefined);
    expect(h.row(f)?.state).to.equal('pending');
    h.sink.beforeCreate = undefined;
    await h.cycle([[f]]);
    expect(h.sink.markerLookups).to.deep.equal([[h.intent(f).marker]]);
    expect(h.sink.issues.size).to.equal(1);
    expect(h.row(f)?.state).to.equal('open');
    expect(h.counts.created).to.equal(1);
  });

  it('a pending row whose ticket the sink has is adopted by its marker, not created twice', async () => {
    const f = vmdr();
    await h.cycle([[f]]);
    const key = h.keyOf(f);
    // Died after Jira created it and before the key was recorded.
    h.state.tickets.put([{ ...(h.row(f) as TicketRow), state: 'pending', jiraKey: undefined, jiraId: undefined }]);
    h.sink.hideNewest = true; // only the pending row can make it look
    const calls = h.sink.createCalls.length;
    await h.cycle([[f]]);
    expect(h.sink.createCalls.length).to.equal(calls);
    expect(h.sink.issues.size).to.equal(1);
    expect(h.sink.markerLookups).to.deep.equal([[h.intent(f).marker]]);
    expect(h.row(f)).to.deep.include({ state: 'open', jiraKey: key });
    expect(h.steps.filter((s) => s.op === 'adopt')).to.deep.equal([{ op: 'adopt', role: 'single', primaryKey: h.intent(f).ticket.primaryKey, key }]);
    expect(h.counts.created).to.equal(0);
  });

  const behind: Array<[string, boolean]> = [
    ['the sink holds a ticket with the job label the state does not know: every create looks up first', true],
    ['the state knows every ticket of the job: creates look nothing up', false],
  ];
  for (const [name, stray] of behind) {
    it(name, async () => {
      if (stray) await h.sink.createMany([{ ref: 'stray', fields: { summary: 'made by an earlier database', issuetype: { name: 'Task' }, labels: [jobLabel(JOB)] } }]);
      const findings = [vmdr({ qid: '100' }), vmdr({ qid: '101' })];
      await h.cycle([findings]);
      expect(h.sink.markerLookups).to.deep.equal(stray ? [findings.map((f) => h.intent(f).marker)] : []);
      expect(h.counts.created).to.equal(2);
      expect(h.sink.issues.size).to.equal(stray ? 3 : 2);
    });
  }

  it('after a lost database, the tickets Jira has are adopted and only the missing one is created', async () => {
    const [a, b] = [vmdr({ qid: '100' }), vmdr({ qid: '101' })];
    await h.cycle([[a]]);
    const key = h.keyOf(a);
    h.loseDatabase();
    await h.cycle([[a, b]]);
    expect(h.sink.issues.size).to.equal(2);
    expect(h.counts.created).to.equal(1);
    expect(h.keyOf(a)).to.equal(key);
    expect(h.row(b)?.state).to.equal('open');
  });

  it('after a lost database, a closing finding finds its ticket and closes it', async () => {
    const f = vmdr();
    await h.cycle([[f]]);
    const key = h.keyOf(f);
    h.loseDatabase();
    await h.cycle([[vmdr({ status: 'Fixed' })]]);
    expect(h.sink.issues.get(key)?.status.name).to.equal('Done');
    expect(h.row(f)).to.deep.include({ state: 'closed', jiraKey: key, lastStatus: 'Fixed' });
    expect(h.counts.created).to.equal(0);
  });
});

describe('pipeline/apply/TicketApplier: what people did in Jira', () => {
  let h: Harness;
  beforeEach(() => (h = new Harness(scheme('vmdr-per-detection'))));
  afterEach(() => h.close());

  const deleted: Array<[string, string, boolean]> = [
    ['an open finding (Re-Opened) whose ticket was deleted: key forgotten, finding pending for a new ticket', 'Re-Opened', true],
    ['a closing finding whose ticket was deleted: key forgotten, nothing to retry', 'Fixed', false],
  ];
  for (const [name, status, retried] of deleted) {
    it(name, async () => {
      const f = vmdr();
      await h.cycle([[f]]);
      const key = h.keyOf(f);
      h.sink.issues.delete(key);
      await h.cycle([[vmdr({ status })]]);
      expect(h.row(f)).to.deep.include({ state: 'pending', jiraKey: undefined, jiraId: undefined, linked: false });
      expect(h.state.pending.list(JOB).map((p) => p.fkey)).to.deep.equal(retried ? [f.key] : []);
      expect(h.steps).to.deep.include({ op: 'record', role: 'single', primaryKey: h.intent(f).ticket.primaryKey, key, note: 'deleted in Jira' });
      expect(h.sink.logged('transition')).to.deep.equal([]);
      expect(h.counts.failed).to.equal(0);
    });
  }

  it('a ticket deleted in Jira gets a new one when its finding is open next cycle', async () => {
    const f = vmdr();
    await h.cycle([[f]]);
    const key = h.keyOf(f);
    h.sink.issues.delete(key);
    await h.cycle([[vmdr({ status: 'Re-Opened' })]]);
    await h.cycle([[vmdr({ status: 'Re-Opened' })]]);
    expect(h.counts.created).to.equal(1);
    expect(h.keyOf(f)).to.not.equal(key);
    expect(h.sink.issues.size).to.equal(1);
  });

  it('a close by a person is noticed before an edit: recorded as closed-by-user, no update, no comment', async () => {
    const f = vmdr({ qds: '95' });
    await h.cycle([[f]]);
    const key = h.keyOf(f);
    h.sink.setStatus(key, 'Done');
    await h.cycle([[vmdr({ qds: '40', lastFound: '2025-01-01T00:00:00Z' })]]);
    expect(h.row(f)).to.deep.include({ state: 'closed-by-user', jiraStatus: 'Done', jiraKey: key });
    expect(h.sink.logged('update')).to.deep.equal([]);
    expect(h.sink.logged('transition')).to.deep.equal([]);
    expect(h.sink.issues.get(key)?.comments).to.deep.equal([]);
    expect(h.counts).to.include({ updated: 0, commented: 0, transitioned: 0 });
    // Left alone on the next cycle too, until the scanner says Re-Opened.
    await h.cycle([[vmdr({ qds: '40', lastFound: '2025-02-01T00:00:00Z' })]]);
    expect(h.sink.logged('update')).to.deep.equal([]);
    expect(h.sink.issues.get(key)?.status.name).to.equal('Done');
    await h.cycle([[vmdr({ qds: '40', status: 'Re-Opened' })]]);
    expect(h.sink.issues.get(key)?.status.name).to.equal('To Do');
    expect(h.row(f)?.state).to.equal('open');
  });

  it('an edit to a ticket still open goes through (the person-close check reads, then writes)', async () => {
    const f = vmdr({ qds: '95' });
    await h.cycle([[f]]);
    const key = h.keyOf(f);
    await h.cycle([[vmdr({ qds: '40' })]]);
    expect(h.sink.logged('update')).to.have.length(1);
    expect(h.sink.logged('update')[0]).to.match(new RegExp(`^update ${key} .*priority`));
    expect(h.row(f)?.state).to.equal('open');
  });

  const closing: Array<[string, string, string[], TicketRow['state']]> = [
    ['already done in Jira when closing: recorded, no transition', 'Done', [], 'closed'],
    ['still open in Jira when closing: one transition to the scheme target', 'Open', ['transition VULN-1 Done'], 'closed'],
  ];
  for (const [name, jiraStatus, transitions, state] of closing) {
    it(name, async () => {
      const f = vmdr();
      await h.cycle([[f]]);
      const key = h.keyOf(f);
      expect(key).to.equal('VULN-1');
      h.sink.setStatus(key, jiraStatus);
      await h.cycle([[vmdr({ status: 'Fixed' })]]);
      expect(h.sink.logged('transition')).to.deep.equal(transitions);
      expect(h.row(f)).to.deep.include({ state, jiraStatus: 'Done', lastStatus: 'Fixed' });
      expect(h.counts.transitioned).to.equal(transitions.length);
      if (!transitions.length) expect(h.steps).to.deep.include({ op: 'record', role: 'single', primaryKey: h.intent(f).ticket.primaryKey, key, note: 'already Done' });
    });
  }
});

describe('pipeline/apply/TicketApplier: a parent deleted in Jira (vmdr-host-linking)', () => {
  let h: Harness;
  beforeEach(() => (h = new Harness(scheme('vmdr-host-linking'))));
  afterEach(() => h.close());

  it('is forgotten when a write to it fails, created again next cycle, and its children relinked to it', async () => {
    const c1 = vmdr({ qid: '100' });
    const c2 = vmdr({ qid: '101' });
    await h.cycle([[c1, c2]]);
    const oldParent = h.keyOf(c1, 'parent');
    const [k1, k2] = [h.keyOf(c1), h.keyOf(c2)];
    expect([...(h.sink.issues.get(oldParent)?.links ?? [])].sort()).to.deep.equal([k1, k2].sort());
    h.sink.issues.delete(oldParent);

    // The host's TruRisk changed: the parent's priority is edited, and Jira answers 404.
    await h.cycle([[vmdr({ qid: '100', trurisk: '900' }), vmdr({ qid: '101', trurisk: '900' })]]);
    expect(h.row(c1, 'parent')).to.deep.include({ state: 'pending', jiraKey: undefined });
    expect(h.row(c1)).to.deep.include({ jiraKey: k1, linked: false });
    expect(h.row(c2)).to.deep.include({ jiraKey: k2, linked: false });
    expect(h.state.pending.list(JOB).map((p) => p.fkey).sort()).to.deep.equal([c1.key, c2.key].sort());
    expect(h.counts.created).to.equal(0);

    // Next cycle only one child is in the pull: the parent is created again and both children hang on it.
    await h.cycle([[vmdr({ qid: '100', trurisk: '900' })]]);
    const newParent = h.keyOf(c1, 'parent');
    expect(newParent).to.not.equal(oldParent);
    expect(h.counts.created).to.equal(1);
    expect([...(h.sink.issues.get(newParent)?.links ?? [])].sort()).to.deep.equal([k1, k2].sort());
    expect(h.row(c1)).to.deep.include({ jiraKey: k1, linked: true });
    expect(h.row(c2)).to.deep.include({ jiraKey: k2, linked: true });
    expect(h.sink.issues.size, 'no child created twice').to.equal(3);
  });
});

describe('pipeline/apply/TicketApplier: batches follow sink.createBatchLimit', () => {
  let h: Harness;
  afterEach(() => h.close());

  const splits: Array<[string, number[]]> = [
    ['five findings on one page', [5]],
    ['five findings on pages of three and two', [3, 2]],
    ['five findings one per page', [1, 1, 1, 1, 1]],
    ['four findings on one page (nothing left for finish)', [4]],
  ];
  for (const [name, sizes] of splits) {
    it(`flat scheme, limit 2, ${name}: ceil(n/2) createMany calls, full batches first, the rest at finish()`, async () => {
      h = new Harness(scheme('vmdr-per-detection'));
      h.sink.limitBatches(2);
      const n = sizes.reduce((a, b) => a + b, 0);
      const findings = Array.from({ length: n }, (_, k) => vmdr({ qid: String(200 + k) }));
      const pages: StagedFinding[][] = [];
      for (let start = 0, p = 0; p < sizes.length; start += sizes[p], p++) pages.push(findings.slice(start, start + sizes[p]));
      await h.cycle(pages, { finish: false });
      expect(h.sink.createCalls, 'before finish: full batches only').to.deep.equal(Array(Math.floor(n / 2)).fill(2));
      expect((h.applier as TicketApplier).queued().size).to.equal(n % 2);
      await (h.applier as TicketApplier).finish();
      expect(h.sink.createCalls).to.have.length(Math.ceil(n / 2));
      expect(h.sink.createCalls.reduce((a, b) => a + b, 0)).to.equal(n);
      expect(h.sink.issues.size).to.equal(n);
      expect(h.counts.created).to.equal(n);
      for (const f of findings) expect(h.row(f)?.state).to.equal('open');
    });
  }

  it("a page's created tickets are recorded together after its batches (one write of their rows); a batch that fails leaves the earlier ones recorded, the rest pending", async () => {
    h = new Harness(scheme('vmdr-per-detection'));
    h.sink.limitBatches(2);
    const findings = Array.from({ length: 6 }, (_, k) => vmdr({ qid: String(300 + k) }));
    const firstAtCall: Array<string | undefined> = [];
    h.sink.beforeCreate = () => {
      firstAtCall.push(h.row(findings[0] as StagedFinding)?.state);
      if (firstAtCall.length === 3) throw new Error('connection reset mid-create');
    };
    let thrown: unknown;
    await h.cycle([findings]).catch((e: unknown) => (thrown = e));
    expect((thrown as Error | undefined)?.message).to.equal('connection reset mid-create');
    // Created in the first batch, its row waits as the intent until the page's batches are done.
    expect(firstAtCall).to.deep.equal(['pending', 'pending', 'pending']);
    expect(h.sink.issues.size).to.equal(4);
    for (const f of findings.slice(0, 4)) expect(h.row(f)).to.deep.include({ state: 'open', jiraKey: h.keyOf(f) });
    for (const f of findings.slice(4)) expect(h.row(f)).to.deep.include({ state: 'pending', jiraKey: undefined });
    // The next cycle creates only what was not created.
    h.sink.beforeCreate = undefined;
    await h.cycle([findings]);
    expect(h.sink.issues.size).to.equal(6);
    for (const f of findings) expect(h.row(f)?.state).to.equal('open');
  });

  it('a finding of a ticket kept back for finish() on a later page makes no second ticket', async () => {
    h = new Harness(scheme('vmdr-per-detection'));
    h.sink.limitBatches(2);
    await h.cycle([[vmdr({ qid: '1' })], [vmdr({ qid: '1', proto: 'udp' })]]);
    expect(h.sink.issues.size).to.equal(1);
    expect(h.counts).to.include({ created: 1, unchanged: 1 });
  });

  it('linked scheme, limit 2: each page is sent whole, in batches of 2', async () => {
    h = new Harness(scheme('vmdr-host-linking'));
    h.sink.limitBatches(2);
    await h.cycle([[vmdr({ qid: '1' }), vmdr({ qid: '2' }), vmdr({ qid: '3' })]], { finish: false });
    expect(h.sink.createCalls).to.deep.equal([2, 2]);
    expect((h.applier as TicketApplier).queued().size).to.equal(0);
    expect(h.sink.logged('link')).to.have.length(3);
  });
});
