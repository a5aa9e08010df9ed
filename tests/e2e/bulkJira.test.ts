import { expect } from 'chai';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { SimData } from '../sim/jira/simData.js';
import type { JiraSim } from '../sim/jira/startJiraSim.js';
import { detectionsById, issueDetectionId } from './support/detections.js';
import { cycle, jobOf, OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');

/** A job on the per-detection scheme against Jira (Cloud unless told), with a fresh process on `reopen`. */
export class BulkJob {
  world!: World;
  app!: AppContext;
  rt!: JobRuntime;
  configFile!: string;

  async start(o: { hosts: number; perHost?: number; flavor?: 'cloud' | 'datacenter'; data?: SimData } = { hosts: 8 }): Promise<void> {
    const flavor = o.flavor ?? 'cloud';
    this.world = await startWorld({ qualys: { seed: 11, hosts: o.hosts, detectionsPerHost: o.perHost ?? 4 }, jira: { flavor, data: o.data ?? simplifiedWorkflowData() } });
    this.configFile = this.world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, flavor, truncationLimit: 50 }]);
    this.reopen();
  }

  reopen(): void {
    this.app = this.world.open(this.configFile);
    this.rt = jobOf(this.app, 'vmdr');
  }

  run() {
    return cycle(this.world, this.rt, this.app);
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

  async stop(): Promise<void> {
    this.app?.state.close();
    await this.world?.close();
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
  const t = new BulkJob();
  beforeEach(() => t.start({ hosts: 4 }));
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
    // the row still open with the move intended, and the cursor where it was.
    const first = t.world.jira.issues().find((i) => issueDetectionId(i) === ids[0]) as { key: string };
    const rowOf = () => t.app.state.db.prepare(`SELECT state, field_hashes AS h FROM tickets WHERE jira_key = ?`).get(first.key) as { state: string; h: string };
    const hashes = { ...(JSON.parse(rowOf().h) as Record<string, string>), '@moving': 'Done' };
    t.app.state.db.prepare(`UPDATE tickets SET state = 'open', jira_status = NULL, field_hashes = ? WHERE jira_key = ?`).run(JSON.stringify(hashes), first.key);
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
