import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { statusCommand } from '../../connector/cli/commands/statusCommand.js';
import { syncCommand } from '../../connector/cli/commands/syncCommand.js';
import { readConfig } from '../../connector/cli/appContext.js';
import type { FindingGroup } from '../../connector/model/finding.js';
import type { CycleReport } from '../../connector/pipeline/runCycle.js';
import { Staging } from '../../connector/state/staging.js';
import type { JiraSim } from '../sim/jira/startJiraSim.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import {
  changeDetection,
  detectionsById,
  issueDetectionId,
  openIds,
  priorityOf,
  qdsPriority,
  type DetectionId,
  type DetectionView,
} from './support/detections.js';
import { OneJob } from './support/oneJob.js';
import { startSwitchableProxy, type SwitchableProxy } from './support/switchableProxy.js';
import {
  ENV,
  jiraWrites,
  OUR_TEMPLATES,
  REFERENCE_TEMPLATES,
  startWorld,
  withTestRetries,
  type World,
} from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const REF_PER_DETECTION = path.join(REFERENCE_TEMPLATES, 'Per_Detection_Separate_Ticket_Scheme.json');

/** Small data: 5 hosts × 4 detections; seed 11 has New, Active, Re-Opened, Fixed and ignored ones. */
const DATA = { seed: 11, hosts: 5, detectionsPerHost: 4 };

function expectNoOpenApiViolations(jira: JiraSim): void {
  expect(jira.openApiViolations).to.deep.equal([]);
}

function fieldId(jira: JiraSim, name: string): string {
  const f = jira.data.fields.find((x) => x.name === name);
  if (!f) throw new Error(`test: no field ${name}`);
  return f.id;
}

function byDetection(jira: JiraSim): Map<DetectionId, SimIssue> {
  const out = new Map<DetectionId, SimIssue>();
  for (const issue of jira.issues()) {
    const id = issueDetectionId(issue);
    if (id) out.set(id, issue);
  }
  return out;
}

function markersOf(issue: SimIssue): string[] {
  return ((issue.fields.labels as string[]) ?? []).filter((l) => /^vb-[0-9a-f]{24}$/.test(l));
}

/** `PUT /rest/api/3/issue/KEY` bodies sent from request index `from` on. */
function editsOf(jira: JiraSim, key: string, from: number): Array<{ fields?: Record<string, unknown> }> {
  return jira.requests
    .slice(from)
    .filter((r) => r.method === 'PUT' && r.path.endsWith(`/issue/${key}`))
    .map((r) => r.body as { fields?: Record<string, unknown> });
}

describe('e2e: Qualys VMDR → Jira Cloud, one ticket per detection (templates/vmdr-per-detection.json)', () => {
  const t = new OneJob(DATA);
  beforeEach(() => t.start(PER_DETECTION, { flavor: 'cloud', data: simplifiedWorkflowData() }));
  afterEach(() => t.stop());

  it('creates one ticket per open detection, then writes nothing to Jira while nothing changes', async () => {
    const { world, app } = t;
    const all = detectionsById(world.qualys.data);
    const expected = openIds(world.qualys.data);
    // The data must hold detections that get no ticket (Fixed, ignored), or the count proves little.
    expect(expected.size).to.be.within(10, all.size - 2);

    const r1 = await t.run();
    expect(r1.result, r1.error).to.equal('ok');
    expect(r1.counts).to.include({ findings: all.size, created: expected.size, failed: 0 });
    const issues = world.jira.issues();
    expect(issues.map(issueDetectionId)).to.have.members([...expected]);
    const pkField = fieldId(world.jira, 'Primary Key');
    for (const issue of issues) {
      const d = all.get(issueDetectionId(issue) as string) as DetectionView;
      expect(issue.status).to.equal('To Do');
      expect(priorityOf(issue), issue.key).to.equal(qdsPriority(d.qds));
      expect(issue.fields.summary).to.match(new RegExp(`^QID ${d.detection.QID}: Simulated .* on ${d.host.IP}$`));
      expect(issue.fields[pkField]).to.equal(`Host ID:${d.host.ID}-QID:${d.detection.QID}-Port:${d.detection.PORT ?? ''}`);
      expect(issue.fields.labels).to.include.members(['vulnbridge', 'vb-job-vmdr', `qid-${d.detection.QID}`]);
      expect(markersOf(issue)).to.have.length(1);
    }
    expect(new Set(issues.flatMap(markersOf)).size).to.equal(issues.length);
    // Cursor = cycle start minus the 10-minute overlap (qualysVmdrConfig overlapMinutes).
    expect(app.state.cursors.get('vmdr')).to.deep.equal({ detection_updated_since: '2026-01-10T07:50:00Z' });
    expect(app.state.tickets.counts('vmdr')).to.deep.include({ open: expected.size });

    // Incremental cycle: Qualys is asked for changes since the cursor, and none came.
    let jiraFrom = world.jira.requests.length;
    const qualysFrom = world.qualys.calls.length;
    const r2 = await t.run();
    expect(r2.result).to.equal('ok');
    expect(r2.counts).to.include({ findings: 0, created: 0 });
    expect(jiraWrites(world.jira, jiraFrom)).to.deep.equal([]);
    const hld = world.qualys.calls.slice(qualysFrom).filter((c) => c.api === 'hld');
    expect(hld.map((c) => c.params.detection_updated_since)).to.deep.equal(['2026-01-10T07:50:00Z']);

    // A full pull of the same data (cursor cleared) finds every ticket unchanged: still no write.
    app.state.cursors.clear('vmdr');
    jiraFrom = world.jira.requests.length;
    const r3 = await t.run();
    expect(r3.counts).to.include({ findings: all.size, unchanged: all.size, created: 0, updated: 0, transitioned: 0, commented: 0 });
    expect(jiraWrites(world.jira, jiraFrom)).to.deep.equal([]);
    expect(world.jira.issues()).to.have.length(expected.size);
    expectNoOpenApiViolations(world.jira);
  });

  it('a full re-pull passes over each unchanged host whole; a TruRisk score, a detection or a KnowledgeBase entry that changed replans just the tickets it touches', async () => {
    const { world, app } = t;
    const data = world.qualys.data;
    // What the pipeline answered for each host the source asked about, by host key, per cycle.
    let answers = new Map<string, boolean>();
    const passGroups = Staging.prototype.passGroups;
    Staging.prototype.passGroups = function (this: Staging, groups: readonly FindingGroup[]) {
      const taken = passGroups.call(this, groups);
      groups.forEach((g, n) => answers.set(g.key, taken[n] as boolean));
      return taken;
    };
    const groups = () => app.state.db.prepare(`SELECT gkey FROM group_digests WHERE job = 'vmdr' ORDER BY gkey`).pluck().all() as string[];
    const hostKeys = data.hosts.map((h) => `host:${h.ID}`).sort();
    const rePull = async () => {
      app.state.cursors.clear('vmdr');
      answers = new Map();
      const from = world.jira.requests.length;
      const report = await t.run();
      expect(report.result, report.error).to.equal('ok');
      return { report, from, passed: hostKeys.filter((k) => answers.get(k) === true) };
    };
    /** The issues this cycle edited, by detection id. */
    const edited = (from: number) =>
      [...byDetection(world.jira)].filter(([, issue]) => editsOf(world.jira, issue.key, from).length > 0).map(([id]) => id).sort();
    const openOf = (pred: (v: DetectionView) => boolean) => [...detectionsById(data)].filter(([, v]) => v.open && pred(v)).map(([id]) => id).sort();
    try {
      const first = await t.run();
      expect(first.counts.created).to.be.greaterThan(10);
      // Each host's detections got their tickets (or none, Fixed): every host is recorded as a group.
      expect(groups()).to.deep.equal(hostKeys);

      const same = await rePull();
      expect(same.passed).to.deep.equal(hostKeys);
      expect(same.report.counts).to.include({ unchanged: same.report.counts.findings, updated: 0, created: 0 });
      expect(jiraWrites(world.jira, same.from)).to.deep.equal([]);

      // TruRisk comes from the Host List, read every cycle: the host is passed over as pulled, then its findings are planned after all.
      const risky = data.hosts[1]!;
      risky.TRURISK_SCORE = String(Number(risky.TRURISK_SCORE) + 1);
      const truRisk = await rePull();
      const riskyOpen = openOf((v) => v.host.ID === risky.ID);
      expect(riskyOpen.length).to.be.greaterThan(0);
      expect(edited(truRisk.from)).to.deep.equal(riskyOpen);
      expect(truRisk.report.counts).to.include({ updated: riskyOpen.length, created: 0 });
      // Its findings recorded new digests: its group is gone, and comes back once a cycle passes over each of them.
      expect(groups()).to.not.include(`host:${risky.ID}`);
      const settled = await rePull();
      expect(jiraWrites(world.jira, settled.from)).to.deep.equal([]);
      expect(settled.passed).to.deep.equal(hostKeys.filter((k) => k !== `host:${risky.ID}`));
      expect(groups()).to.deep.equal(hostKeys);

      // One detection's QDS moves: its host is asked about one by one, the others are passed over whole.
      const [moved] = data.moveQds(1);
      const qds = await rePull();
      expect(qds.passed).to.deep.equal(hostKeys.filter((k) => k !== `host:${moved!.hostId}`));
      expect(edited(qds.from)).to.deep.equal(openOf((v) => v.host.ID === moved!.hostId && v.detection.QID === moved!.qid));
      // Its other detections were passed over one by one: it is a group again once all of them are.
      expect(groups()).to.not.include(`host:${moved!.hostId}`);

      // A KnowledgeBase entry as stored changed (fetched by an earlier cycle, not stale yet): every host naming it is planned.
      const open = openOf(() => true);
      const qid = (detectionsById(data).get(open[0]!) as DetectionView).detection.QID;
      const entry = app.state.lookups.get('qualys.kb', qid) as Record<string, unknown>;
      app.state.lookups.putMany([{ ns: 'qualys.kb', id: qid, data: { ...entry, TITLE: 'Retitled by Qualys' } }]);
      const kb = await rePull();
      const naming = openOf((v) => v.detection.QID === qid);
      expect(edited(kb.from)).to.deep.equal(naming);
      for (const id of naming) expect(byDetection(world.jira).get(id)?.fields.summary).to.match(/^QID \d+: Retitled by Qualys on /);
      const namingHosts = new Set([...detectionsById(data)].filter(([, v]) => v.detection.QID === qid).map(([, v]) => `host:${v.host.ID}`));
      expect(kb.passed).to.deep.equal(hostKeys.filter((k) => !namingHosts.has(k) && k !== `host:${moved!.hostId}`));
      const last = await rePull();
      expect(jiraWrites(world.jira, last.from)).to.deep.equal([]);
      expect(groups()).to.deep.equal(hostKeys);
      expectNoOpenApiViolations(world.jira);
    } finally {
      Staging.prototype.passGroups = passGroups;
    }
  });

  it('closes fixed and ignored detections, re-prioritizes moved QDS, creates the new host’s, and moves the cursor', async () => {
    const { world, app } = t;
    const data = world.qualys.data;
    await t.run();
    const cursor1 = app.state.cursors.get('vmdr');
    const before = detectionsById(data);
    const issuesBefore = byDetection(world.jira);

    data.fixSome(3);
    data.reopenOne();
    const moved = data.moveQds(2);
    const host = data.addHost(2);
    const ignored = data.ignoreOne();
    const after = detectionsById(data);

    const closeIds = [...before].filter(([id, v]) => v.open && !after.get(id)?.open).map(([id]) => id);
    const createIds = [...after].filter(([id, v]) => v.open && !before.get(id)?.open).map(([id]) => id);
    const movedIds = moved.map((c) => `${c.hostId}|${c.qid}`).filter((id) => before.get(id)?.open && after.get(id)?.open);
    // The mutations must exercise each path, or the assertions below are vacuous.
    expect(closeIds.length, 'closed').to.be.at.least(3);
    expect(closeIds, 'the ignored one is closed').to.include(`${ignored[0]?.hostId}|${ignored[0]?.qid}`);
    expect(createIds.filter((id) => id.startsWith(`${host.ID}|`))).to.have.length(2);
    expect(movedIds.length, 'moved').to.be.at.least(1);

    const from = world.jira.requests.length;
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: createIds.length, transitioned: closeIds.length, failed: 0 });

    const issues = byDetection(world.jira);
    expect(world.jira.issues()).to.have.length(issuesBefore.size + createIds.length);
    for (const id of closeIds) expect(issues.get(id)?.status, `closed ${id}`).to.equal('Done');
    for (const id of createIds) expect(issues.get(id)?.status, `created ${id}`).to.equal('To Do');
    for (const [id, v] of after) {
      if (v.open) expect(issues.get(id)?.status, `open ${id}`).to.equal('To Do');
      if (!v.open && !before.get(id)?.open) expect(issues.has(id), `never opened ${id}`).to.equal(false);
    }
    for (const id of movedIds) {
      const issue = issues.get(id) as SimIssue;
      const was = qdsPriority(before.get(id)?.qds ?? 0);
      const now = qdsPriority(after.get(id)?.qds ?? 0);
      expect(now, 'moveQds crosses a band').to.not.equal(was);
      expect(priorityOf(issue)).to.equal(now);
      // Only what changed is sent: the priority (and the description quoting the QDS), never the summary.
      const edits = editsOf(world.jira, issue.key, from);
      expect(edits).to.have.length(1);
      expect(edits[0]?.fields).to.have.property('priority').that.deep.equals({ name: now });
      expect(edits[0]?.fields).to.not.have.property('summary');
    }
    // Detections Qualys did not change got no edit.
    const unchanged = [...after].filter(([id, v]) => v.detection.LAST_UPDATE_DATETIME === before.get(id)?.detection.LAST_UPDATE_DATETIME);
    expect(unchanged.length).to.be.at.least(5);
    for (const [id] of unchanged) {
      const issue = issues.get(id);
      if (issue) expect(editsOf(world.jira, issue.key, from), `untouched ${id}`).to.deep.equal([]);
    }

    const cursor2 = app.state.cursors.get('vmdr');
    expect(cursor2.detection_updated_since > (cursor1.detection_updated_since ?? ''), 'cursor advanced').to.equal(true);
    expect(app.state.tickets.counts('vmdr')).to.deep.include({ open: [...after.values()].filter((v) => v.open).length });
    expectNoOpenApiViolations(world.jira);
  });

  it('leaves a ticket a person closed alone while Qualys says Active, and reopens it when Qualys says Re-Opened', async () => {
    const { world } = t;
    const data = world.qualys.data;
    await t.run();
    const [id] = [...detectionsById(data)].find(([, v]) => v.open && v.detection.STATUS === 'Active') ?? [];
    const key = byDetection(world.jira).get(id as string)?.key as string;
    expect(key).to.be.a('string');

    world.jira.setStatus(key, 'Done');
    changeDetection(data, id as string, world.clock.qualysNow(), (d) => {
      d.LAST_FOUND_DATETIME = world.clock.qualysNow();
      d.TIMES_FOUND++;
    });
    const r2 = await t.run();
    expect(r2.counts).to.include({ findings: 1, transitioned: 0, failed: 0 });
    expect(world.jira.issue(key)?.status).to.equal('Done');

    changeDetection(data, id as string, world.clock.qualysNow(), (d) => {
      d.STATUS = 'Re-Opened';
      d.LAST_REOPENED_DATETIME = world.clock.qualysNow();
      d.TIMES_REOPENED = (d.TIMES_REOPENED ?? 0) + 1;
    });
    const r3 = await t.run();
    expect(r3.counts).to.include({ findings: 1, transitioned: 1, created: 0 });
    expect(world.jira.issue(key)?.status).to.equal('To Do');

    // "Re-Opened" stays on the detection until the next scan: acted on once, not every cycle.
    world.jira.setStatus(key, 'Done');
    changeDetection(data, id as string, world.clock.qualysNow(), (d) => {
      d.LAST_FOUND_DATETIME = world.clock.qualysNow();
    });
    const r4 = await t.run();
    expect(r4.counts).to.include({ findings: 1, transitioned: 0 });
    expect(world.jira.issue(key)?.status).to.equal('Done');
    expect(world.jira.issues().filter((i) => issueDetectionId(i) === id)).to.have.length(1);
    expectNoOpenApiViolations(world.jira);
  });

  // Regression (found by this suite, fixed in e27fb5c): the `closed-by-user` state could never be
  // recorded, so `status` counted person-closed tickets as open and re-detections kept commenting.
  it('records a ticket a person closed as closed-by-user', async () => {
    const { world } = t;
    await t.run();
    const [id] = [...detectionsById(world.qualys.data)].find(([, v]) => v.open && v.detection.STATUS === 'Active') ?? [];
    world.jira.setStatus(byDetection(world.jira).get(id as string)?.key as string, 'Done');
    changeDetection(world.qualys.data, id as string, world.clock.qualysNow(), (d) => {
      d.LAST_FOUND_DATETIME = world.clock.qualysNow();
    });
    const r = await t.run();
    expect(r.counts).to.include({ commented: 0, transitioned: 0 });
    expect(t.app.state.tickets.counts('vmdr')).to.deep.include({ closedByUser: 1 });
    expect(world.jira.issues().flatMap((i) => i.comments)).to.deep.equal([]);
  });
});

describe('e2e: Qualys reference template Per_Detection_Separate_Ticket_Scheme.json on the classic workflow', () => {
  const t = new OneJob(DATA);
  beforeEach(() => t.start(REF_PER_DETECTION, { flavor: 'cloud' }));
  afterEach(() => t.stop());

  it('creates Host Vulnerability issues with the custom fields, closes fixed ones and reopens a Re-Opened one', async () => {
    const { world } = t;
    const data = world.qualys.data;
    const all = detectionsById(data);
    const expected = openIds(data);
    const r1 = await t.run();
    expect(r1.result, r1.error).to.equal('ok');
    expect(r1.counts).to.include({ created: expected.size, failed: 0 });
    const f = (name: string) => fieldId(world.jira, name);
    for (const issue of world.jira.issues()) {
      const d = all.get(issueDetectionId(issue) as string) as DetectionView;
      expect(issue.issueTypeId).to.equal(world.jira.data.issueTypes.find((x) => x.name === 'Host Vulnerability')?.id);
      expect(issue.status).to.equal('Open');
      expect(issue.fields.summary).to.match(new RegExp(`^QID: ${d.detection.QID} : Simulated `));
      expect(issue.fields[f('QID')]).to.equal(Number(d.detection.QID));
      expect(issue.fields[f('Host ID')]).to.equal(Number(d.host.ID));
      expect(issue.fields[f('QDS')]).to.equal(d.qds);
      expect(issue.fields[f('Detection Status')]).to.equal(d.detection.STATUS);
      expect(issue.fields[f('Primary Key')]).to.equal(`Host ID:${d.host.ID}-QID:${d.detection.QID}-Port:${d.detection.PORT ?? ''}`);
      if (d.detection.PORT) expect(issue.fields.labels).to.include(`port-${d.detection.PORT}`);
      expect(priorityOf(issue)).to.equal(qdsPriority(d.qds));
    }

    const before = detectionsById(data);
    data.fixSome(2);
    const closeIds = [...before].filter(([id, v]) => v.open && !detectionsById(data).get(id)?.open).map(([id]) => id);
    expect(closeIds.length).to.be.at.least(1);
    const r2 = await t.run();
    expect(r2.counts).to.include({ transitioned: closeIds.length, failed: 0 });
    for (const id of closeIds) {
      const issue = byDetection(world.jira).get(id) as SimIssue;
      expect(issue.status).to.equal('Closed');
      expect(issue.resolution).to.equal('Done');
      expect(issue.fields[f('Detection Status')]).to.equal('Fixed');
    }

    const back = closeIds[0] as string;
    changeDetection(data, back, world.clock.qualysNow(), (d) => {
      d.STATUS = 'Re-Opened';
    });
    const r3 = await t.run();
    expect(r3.counts).to.include({ transitioned: 1, created: 0 });
    const reopened = byDetection(world.jira).get(back) as SimIssue;
    expect(reopened.status).to.equal('Reopened');
    expect(reopened.resolution).to.equal(null);
    expect(world.jira.issues()).to.have.length(expected.size);
    expectNoOpenApiViolations(world.jira);
  });
});

interface LinkingVariant {
  title: string;
  template: string;
  data?: () => ReturnType<typeof simplifiedWorkflowData>;
  project: string;
  open: string;
  done: string;
  reopened: string;
  parentType: string;
  childType: string;
}

const LINKING: LinkingVariant[] = [
  {
    title: 'templates/vmdr-host-linking.json on the simplified workflow',
    template: path.join(OUR_TEMPLATES, 'vmdr-host-linking.json'),
    data: simplifiedWorkflowData,
    project: 'OPS',
    open: 'To Do',
    done: 'Done',
    reopened: 'To Do',
    parentType: 'Task',
    childType: 'Task',
  },
  {
    title: 'Qualys reference Host_Vuln_Linking_Ticket_Scheme.json on the classic workflow',
    template: path.join(REFERENCE_TEMPLATES, 'Host_Vuln_Linking_Ticket_Scheme.json'),
    project: 'VULN',
    open: 'Open',
    done: 'Closed',
    reopened: 'Reopened',
    parentType: 'Vulnerable Host',
    childType: 'Vulnerability',
  },
];

/** TruRisk bands of both linking schemes' parent priorityMapping. */
function truRiskPriority(score: number): string {
  if (score >= 850) return 'Highest';
  if (score >= 700) return 'High';
  if (score >= 500) return 'Medium';
  return 'Low';
}

const labelsOf = (i: SimIssue): string[] => (i.fields.labels as string[]) ?? [];
const isChild = (i: SimIssue): boolean => labelsOf(i).some((l) => /^qid-\d+$/.test(l));
const hostLabel = (i: SimIssue): string | undefined => labelsOf(i).map((l) => /^qualys-host-(\d+)$/.exec(l)?.[1]).find(Boolean);
const qidLabel = (i: SimIssue): string | undefined => labelsOf(i).map((l) => /^qid-(\d+)$/.exec(l)?.[1]).find(Boolean);

/** Unordered parent/child pairs, whichever way round the link points. */
function linkPairs(jira: JiraSim): string[] {
  return jira.links().map((l) => [l.inwardKey, l.outwardKey].sort().join('~'));
}
const pair = (a: string, b: string): string => [a, b].sort().join('~');

for (const v of LINKING) {
  describe(`e2e: host linking, ${v.title}`, () => {
    const t = new OneJob(DATA);
    beforeEach(() => t.start(v.template, { flavor: 'cloud', ...(v.data ? { data: v.data() } : {}) }, v.project));
    afterEach(() => t.stop());

    it('makes one parent per host and one linked child per detection; closes the parent when all are fixed and reopens it when one returns', async () => {
      const { world } = t;
      const data = world.qualys.data;
      const all = detectionsById(data);
      const open = openIds(data);
      // The reference child is keyed by QID and port only: in this data a QID is on one host.
      const byQid = new Map([...all].map(([id, d]) => [d.detection.QID, id]));
      expect(byQid.size).to.equal(all.size);
      const hostsWithOpen = new Set([...open].map((id) => id.split('|')[0]));
      const typeId = (name: string) => world.jira.data.issueTypes.find((x) => x.name === name)?.id;

      const r1 = await t.run();
      expect(r1.result, r1.error).to.equal('ok');
      expect(r1.counts).to.include({ created: hostsWithOpen.size + open.size, linked: open.size, failed: 0 });
      const parents = world.jira.issues().filter((i) => !isChild(i));
      const children = world.jira.issues().filter(isChild);
      expect(parents.map(hostLabel)).to.have.members([...hostsWithOpen]);
      expect(children.map((c) => byQid.get(qidLabel(c) as string))).to.have.members([...open]);
      const parentOf = new Map(parents.map((p) => [hostLabel(p) as string, p]));
      const childOf = new Map(children.map((c) => [byQid.get(qidLabel(c) as string) as string, c]));
      for (const p of parents) {
        expect(p.issueTypeId).to.equal(typeId(v.parentType));
        expect(p.status).to.equal(v.open);
        expect(priorityOf(p)).to.equal(truRiskPriority(Number(data.host(hostLabel(p) as string)?.TRURISK_SCORE)));
      }
      for (const [id, c] of childOf) {
        expect(c.issueTypeId).to.equal(typeId(v.childType));
        expect(c.status).to.equal(v.open);
        expect(priorityOf(c)).to.equal(qdsPriority(all.get(id)?.qds ?? 0));
      }
      const expectedPairs = [...childOf].map(([id, c]) => pair(parentOf.get(id.split('|')[0] as string)?.key as string, c.key));
      expect(linkPairs(world.jira)).to.have.members(expectedPairs);

      // Every open detection of one host is fixed.
      const [hostId, ids] = [...hostsWithOpen]
        .map((h) => [h, [...open].filter((id) => id.startsWith(`${h}|`))] as const)
        .find(([, list]) => list.length >= 2) as readonly [string, DetectionId[]];
      for (const id of ids) {
        changeDetection(data, id, world.clock.qualysNow(), (d) => {
          d.STATUS = 'Fixed';
          d.LAST_FIXED_DATETIME = world.clock.qualysNow();
        });
      }
      const parent = parentOf.get(hostId) as SimIssue;
      const r2 = await t.run();
      expect(r2.counts).to.include({ unlinked: ids.length, transitioned: ids.length + 1, created: 0, failed: 0 });
      for (const id of ids) expect(world.jira.issue(childOf.get(id)?.key as string)?.status).to.equal(v.done);
      expect(world.jira.issue(parent.key)?.status).to.equal(v.done);
      expect(linkPairs(world.jira).filter((p) => p.split('~').includes(parent.key))).to.deep.equal([]);
      expect(linkPairs(world.jira)).to.have.length(open.size - ids.length);
      for (const p of parents) if (p.key !== parent.key) expect(world.jira.issue(p.key)?.status).to.equal(v.open);

      // One of them comes back.
      const back = ids[0] as DetectionId;
      changeDetection(data, back, world.clock.qualysNow(), (d) => {
        d.STATUS = 'Re-Opened';
        d.LAST_REOPENED_DATETIME = world.clock.qualysNow();
      });
      const r3 = await t.run();
      expect(r3.counts).to.include({ linked: 1, transitioned: 2, created: 0, failed: 0 });
      expect(world.jira.issue(parent.key)?.status).to.equal(v.reopened);
      expect(world.jira.issue(childOf.get(back)?.key as string)?.status).to.equal(v.reopened);
      expect(linkPairs(world.jira).filter((p) => p.split('~').includes(parent.key))).to.deep.equal([pair(parent.key, childOf.get(back)?.key as string)]);
      expect(world.jira.issues()).to.have.length(hostsWithOpen.size + open.size);
      expectNoOpenApiViolations(world.jira);
    });
    it('after a lost database, a host fixed meanwhile gets its children unlinked and closed and its parent closed', async () => {
      const { world } = t;
      const data = world.qualys.data;
      const all = detectionsById(data);
      const byQid = new Map([...all].map(([id, d]) => [d.detection.QID, id]));
      const open = openIds(data);
      await t.run();
      const issueCount = world.jira.issues().length;
      const [hostId, ids] = [...new Set([...open].map((id) => id.split('|')[0] as string))]
        .map((h) => [h, [...open].filter((id) => id.startsWith(`${h}|`))] as const)
        .find(([, list]) => list.length >= 2) as readonly [string, DetectionId[]];
      const parent = world.jira.issues().find((i) => !isChild(i) && hostLabel(i) === hostId) as SimIssue;
      const children = world.jira.issues().filter((i) => isChild(i) && ids.includes(byQid.get(qidLabel(i) as string) as string));
      expect(children).to.have.length(ids.length);

      t.app.state.close();
      rmSync(world.stateDir, { recursive: true, force: true });
      t.reopen();
      for (const id of ids) {
        changeDetection(data, id, world.clock.qualysNow(), (d) => {
          d.STATUS = 'Fixed';
          d.LAST_FIXED_DATETIME = world.clock.qualysNow();
        });
      }
      const r = await t.run();
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ created: 0, failed: 0 });
      for (const c of children) expect(world.jira.issue(c.key)?.status, c.key).to.equal(v.done);
      expect(linkPairs(world.jira).filter((p) => p.split('~').includes(parent.key))).to.deep.equal([]);
      expect(world.jira.issue(parent.key)?.status).to.equal(v.done);
      expect(world.jira.issues()).to.have.length(issueCount);
      expectNoOpenApiViolations(world.jira);
    });
    it('gives the same QID and port on two hosts a child ticket under each host (the reference key "QID:x-Port:y" repeats across hosts)', async () => {
      const { world } = t;
      const data = world.qualys.data;
      const open = [...openIds(data)];
      const a = open.find((id) => detectionsById(data).get(id)?.detection.PORT) as DetectionId;
      const src = detectionsById(data).get(a)?.detection as DetectionView['detection'];
      const hostA = a.split('|')[0] as string;
      const b = open.find((id) => !id.startsWith(`${hostA}|`)) as DetectionId;
      const hostB = b.split('|')[0] as string;
      changeDetection(data, b, world.clock.qualysNow(), (d) => {
        d.QID = src.QID;
        d.PORT = src.PORT;
        d.PROTOCOL = src.PROTOCOL;
      });
      const r = await t.run();
      expect(r.result, r.error).to.equal('ok');
      const twins = world.jira.issues().filter((i) => isChild(i) && qidLabel(i) === src.QID);
      expect(twins).to.have.length(2);
      const parents = new Map(world.jira.issues().filter((i) => !isChild(i)).map((p) => [hostLabel(p) as string, p.key]));
      const linkedTo = twins.map((c) => linkPairs(world.jira).filter((p) => p.split('~').includes(c.key)).map((p) => p.split('~').find((k) => k !== c.key)));
      expect(linkedTo.map((l) => l.length)).to.deep.equal([1, 1]);
      expect(linkedTo.flat()).to.have.members([parents.get(hostA), parents.get(hostB)]);
      expectNoOpenApiViolations(world.jira);
    });
  });
}

describe('e2e: Jira Data Center flavour (REST v2, personal access token)', () => {
  const t = new OneJob(DATA);
  beforeEach(() => t.start(PER_DETECTION, { flavor: 'datacenter', data: simplifiedWorkflowData() }));
  afterEach(() => t.stop());

  it('runs the same first cycle with wiki-markup descriptions, then closes a fixed detection', async () => {
    const { world } = t;
    const expected = openIds(world.qualys.data);
    const r1 = await t.run();
    expect(r1.result, r1.error).to.equal('ok');
    expect(r1.counts).to.include({ created: expected.size, failed: 0 });
    expect(world.jira.issues().map(issueDetectionId)).to.have.members([...expected]);
    for (const issue of world.jira.issues()) {
      const [, qid] = (issueDetectionId(issue) as string).split('|');
      expect(issue.fields.description, issue.key).to.be.a('string').and.match(new RegExp(`^Qualys found QID ${qid} `));
      expect(issue.fields.description as string).to.include('\nHOST\n');
      expect(issue.status).to.equal('To Do');
    }
    // Data Center has no /rest/api/3 (the simulator answers it 404): every call went to v2.
    expect(world.jira.requests.filter((r) => !r.path.startsWith('/rest/api/2/'))).to.deep.equal([]);

    const before = detectionsById(world.qualys.data);
    world.qualys.data.fixSome(1);
    const closed = [...before].filter(([id, v]) => v.open && !detectionsById(world.qualys.data).get(id)?.open).map(([id]) => id);
    const r2 = await t.run();
    expect(r2.counts).to.include({ transitioned: closed.length, failed: 0 });
    for (const id of closed) expect(byDetection(world.jira).get(id)?.status).to.equal('Done');
  });
});

describe('e2e: recovery (lost database, crash between create and record)', () => {
  const t = new OneJob(DATA);
  beforeEach(() => t.start(PER_DETECTION, { flavor: 'cloud', data: simplifiedWorkflowData() }));
  afterEach(() => t.stop());

  it('finds its tickets by their vb- labels after the state directory is deleted: no new issue, state rebuilt', async () => {
    const { world } = t;
    const expected = openIds(world.qualys.data);
    await t.run();
    const keysBefore = world.jira.issues().map((i) => i.key).sort();

    t.app.state.close();
    rmSync(world.stateDir, { recursive: true, force: true });
    t.reopen();
    expect(t.app.state.tickets.counts('vmdr')).to.deep.include({ open: 0 });
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: 0, failed: 0 });
    expect(world.jira.issues().map((i) => i.key).sort()).to.deep.equal(keysBefore);
    expect(jiraWrites(world.jira).filter((w) => w.endsWith('/issue/bulk'))).to.have.length(1);
    expect(t.app.state.tickets.counts('vmdr')).to.deep.include({ open: expected.size, pending: 0 });
    expect(t.app.state.cursors.get('vmdr')).to.have.property('detection_updated_since');

    // Rebuilt for real: a full pull of the same data now writes nothing.
    t.app.state.cursors.clear('vmdr');
    const from = world.jira.requests.length;
    const r2 = await t.run();
    expect(r2.counts).to.include({ unchanged: r2.counts.findings, created: 0 });
    expect(jiraWrites(world.jira, from)).to.deep.equal([]);
    expectNoOpenApiViolations(world.jira);
  });

  // Regression (found by this suite, fixed in e27fb5c): after a lost database only findings that
  // wanted an open ticket were looked up by label, so tickets of detections fixed meanwhile stayed open.
  it('closes tickets of detections fixed while the database was lost', async () => {
    const { world } = t;
    const data = world.qualys.data;
    await t.run();
    t.app.state.close();
    rmSync(world.stateDir, { recursive: true, force: true });
    t.reopen();
    const before = detectionsById(data);
    data.fixSome(3);
    const closeIds = [...before].filter(([id, v]) => v.open && !detectionsById(data).get(id)?.open).map(([id]) => id);
    expect(closeIds.length).to.be.at.least(2);
    const r = await t.run();
    expect(r.counts).to.include({ created: 0, transitioned: closeIds.length });
    for (const id of closeIds) expect(byDetection(world.jira).get(id)?.status, id).to.equal('Done');
  });

  // Regression (found by this suite, fixed in e27fb5c): a 404 on the field edit of a deleted issue
  // was recorded as a failed finding and retried with the same edit every cycle, forever.
  it('recreates a ticket deleted in Jira when its detection changes, instead of failing every cycle', async () => {
    const { world } = t;
    await t.run();
    const issue = world.jira.issues()[0] as SimIssue;
    const id = issueDetectionId(issue) as string;
    world.jira.deleteIssue(issue.key);
    changeDetection(world.qualys.data, id, world.clock.qualysNow(), (d) => {
      d.QDS = d.QDS >= 50 ? 10 : 95;
    });
    await t.run();
    const r3 = await t.run();
    expect(r3.result, r3.error).to.equal('ok');
    expect(t.app.state.pending.list('vmdr')).to.deep.equal([]);
    expect(world.jira.issues().filter((i) => issueDetectionId(i) === id)).to.have.length(1);
  });

  it('adopts the issues Jira created when the process died before recording their keys: no duplicates', async () => {
    const { world } = t;
    await t.run();
    const keyByPk = () => t.app.state.db.prepare(`SELECT pk, jira_key AS key FROM tickets WHERE job = 'vmdr' ORDER BY pk`).all();
    const recorded = keyByPk();
    const issueCount = world.jira.issues().length;
    expect(recorded).to.have.length(issueCount);

    // What a crash after Jira's answer leaves: the intent rows (pending, no key), and the
    // cursor where it was before the cycle (none, on a first run).
    t.app.state.db.prepare(`UPDATE tickets SET state = 'pending', jira_key = NULL, jira_id = NULL WHERE job = 'vmdr'`).run();
    t.app.state.cursors.clear('vmdr');
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: 0, failed: 0 });
    expect(world.jira.issues()).to.have.length(issueCount);
    expect(keyByPk()).to.deep.equal(recorded);
    expect(t.app.state.tickets.counts('vmdr')).to.deep.include({ open: issueCount, pending: 0 });
    expectNoOpenApiViolations(world.jira);
  });
});

describe('e2e: failures (Jira 429, Qualys 409, Jira down or cut off, truncated Qualys page)', () => {
  const t = new OneJob(DATA);
  beforeEach(() => t.start(PER_DETECTION, { flavor: 'cloud', data: simplifiedWorkflowData() }));
  afterEach(() => t.stop());

  const ticketRows = () => t.app.state.db.prepare(`SELECT * FROM tickets ORDER BY pk`).all();

  it('waits out a 429 with Retry-After on the bulk create, then creates every ticket exactly once', async () => {
    const { world } = t;
    const waits: number[] = [];
    withTestRetries(t.rt, async (ms) => {
      waits.push(ms);
    });
    world.jira.failNext(429, { retryAfter: 1, times: 2, match: /POST .*bulk/ });
    const expected = openIds(world.qualys.data);
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: expected.size, failed: 0 });
    expect(waits).to.deep.equal([1000, 1000]);
    expect(world.jira.requests.filter((q) => q.path.endsWith('/issue/bulk')).map((q) => q.status)).to.deep.equal([429, 429, 201]);
    expect(world.jira.issues().map(issueDetectionId)).to.have.members([...expected]);
    expect(new Set(world.jira.issues().flatMap(markersOf)).size).to.equal(expected.size);
    expectNoOpenApiViolations(world.jira);
  });

  it('waits out a Qualys 409 rate limit (SECONDS_TO_WAIT) on a detection page, then completes the cycle', async () => {
    const { world } = t;
    const waits: number[] = [];
    withTestRetries(t.rt, async (ms) => {
      waits.push(ms);
    });
    world.qualys.failNext('hld', { kind: 'rateLimit', secondsToWait: 7 }, { skip: 1 });
    const r = await t.run();
    expect(r.result, r.error).to.equal('ok');
    expect(waits).to.deep.equal([7000]);
    expect(world.qualys.calls.filter((c) => c.api === 'hld').map((c) => c.status)).to.deep.equal([200, 409, 200, 200]);
    expect(r.counts.created).to.equal(openIds(world.qualys.data).size);
    expect(world.jira.issues()).to.have.length(r.counts.created);
    expectNoOpenApiViolations(world.jira);
  });

  it('a Qualys 409 with a long wait fails the cycle, records when Qualys allows the next call, and skips the pulls until then', async () => {
    const { world } = t;
    const waits: number[] = [];
    withTestRetries(t.rt, async (ms) => {
      waits.push(ms);
    });
    const t0 = world.clock.now();
    const until = new Date(t0.getTime() + 7200_000).toISOString();
    world.qualys.failNext('hld', { kind: 'rateLimit', secondsToWait: 7200 });
    const r1 = await t.run();
    expect(r1.result).to.equal('failed');
    expect(waits, 'no sleeping for hours').to.deep.equal([]);
    expect(r1.error).to.include('CODE 1965').and.include(`Qualys allows the next call at ${until} (rate limit); this job's pulls wait until then`);
    expect(r1.error).to.not.include('retried after the wait');
    expect(world.qualys.calls.map((c) => c.status)).to.deep.equal([409]);
    expect(world.jira.issues()).to.have.length(0);

    // status shows it, as text and JSON, at the world's time.
    const lines: string[] = [];
    const status = (json: boolean) => statusCommand(readConfig(t.configFile), { json, wide: true, out: (l) => lines.push(l), now: world.clock.now });
    status(false);
    expect(lines.join('\n')).to.include(`vmdr: rate-limited until ${until}`);
    lines.length = 0;
    status(true);
    const job = (JSON.parse(lines.join('\n')) as { jobs: Array<{ job: string; rateLimitedUntil: string | null }> }).jobs.find((j) => j.job === 'vmdr');
    expect(job?.rateLimitedUntil).to.equal(until);

    // A new process an hour later: the hold is in the state, the cycle does not call Qualys.
    t.app.state.close();
    t.reopen();
    withTestRetries(t.rt, async (ms) => {
      waits.push(ms);
    });
    const callsBefore = world.qualys.calls.length;
    const r2 = await t.run();
    expect(r2.result).to.equal('failed');
    expect(r2.error).to.equal(`Qualys allows the next call at ${until} (rate limit); this job's pulls wait until then`);
    expect(world.qualys.calls.length).to.equal(callsBefore);
    expect(t.app.state.runs.last('vmdr')).to.include({ result: 'failed', error: r2.error });

    // Two hours after the 409: Qualys is asked again and the cycle completes; status no longer shows the hold.
    const r3 = await t.run();
    expect(r3.result, r3.error).to.equal('ok');
    expect(r3.counts.created).to.equal(openIds(world.qualys.data).size);
    expect(waits).to.deep.equal([]);
    lines.length = 0;
    status(true);
    expect((JSON.parse(lines.join('\n')) as { jobs: Array<{ rateLimitedUntil: string | null }> }).jobs[0]!.rateLimitedUntil).to.equal(null);
  });

  describe('Jira unreachable, or its answer lost', () => {
    let proxy: SwitchableProxy;
    beforeEach(async () => {
      // The same job, but reaching Jira through a forwarder the test can switch off.
      proxy = await startSwitchableProxy(t.world.jira.url);
      t.app.state.close();
      t.configFile = t.world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, jiraUrl: proxy.url }]);
      t.reopen();
      withTestRetries(t.rt);
    });
    afterEach(() => proxy.close());

    it('fails the cycle naming the host, keeps cursor and tickets, and catches up on the next cycle', async () => {
      const { world, app } = t;
      const data = world.qualys.data;
      expect((await t.run()).result).to.equal('ok');
      const cursor1 = app.state.cursors.get('vmdr');
      const before = detectionsById(data);
      data.fixSome(2);
      const host = data.addHost(2);
      const rows = ticketRows();
      const issueCount = world.jira.issues().length;
      const from = world.jira.requests.length;

      proxy.down();
      const r2 = await t.run();
      expect(r2.result).to.equal('failed');
      expect(r2.error).to.include(new URL(proxy.url).host).and.match(/cannot reach host/);
      expect(app.state.cursors.get('vmdr')).to.deep.equal(cursor1);
      expect(ticketRows()).to.deep.equal(rows);
      expect(app.state.runs.last('vmdr')).to.include({ result: 'failed', error: r2.error });
      expect(app.state.db.prepare('SELECT COUNT(*) AS n FROM staged').get()).to.deep.equal({ n: 0 });
      expect(world.jira.requests.length).to.equal(from);

      proxy.up();
      const r3 = await t.run();
      expect(r3.result, r3.error).to.equal('ok');
      const after = detectionsById(data);
      const closed = [...before].filter(([id, v]) => v.open && !after.get(id)?.open).map(([id]) => id);
      const created = [...after].filter(([id, v]) => v.open && !before.get(id)?.open).map(([id]) => id);
      expect(created.filter((id) => id.startsWith(`${host.ID}|`))).to.have.length(2);
      expect(r3.counts).to.include({ created: created.length, transitioned: closed.length, failed: 0 });
      expect(world.jira.issues()).to.have.length(issueCount + created.length);
      for (const id of closed) expect(byDetection(world.jira).get(id)?.status).to.equal('Done');
      expect(app.state.cursors.get('vmdr').detection_updated_since > (cursor1.detection_updated_since ?? '')).to.equal(true);
      expectNoOpenApiViolations(world.jira);
    });

    it('a bulk create Jira performed but whose answer was lost is found by its markers in the same cycle: no duplicates, nothing left pending', async () => {
      const { world, app } = t;
      const expected = openIds(world.qualys.data);
      proxy.loseNextResponse(/^POST .*\/issue\/bulk$/);
      const r1 = await t.run();
      expect(r1.result, r1.error).to.equal('ok');
      expect(r1.counts).to.include({ created: expected.size, failed: 0 });
      expect(world.jira.issues(), 'Jira created each once').to.have.length(expected.size);
      expect(jiraWrites(world.jira).filter((w) => w.endsWith('/issue/bulk'))).to.have.length(1);
      expect(app.state.tickets.counts('vmdr')).to.deep.include({ open: expected.size, pending: 0 });

      const r2 = await t.run();
      expect(r2.result, r2.error).to.equal('ok');
      expect(r2.counts).to.include({ created: 0, failed: 0 });
      expect(world.jira.issues()).to.have.length(expected.size);
      expectNoOpenApiViolations(world.jira);
    });
  });

  it('fails the cycle on a truncated Host List Detection page, naming the page; nothing reaches Jira and the cursor stays', async () => {
    const { world, app } = t;
    const data = world.qualys.data;
    await t.run();
    const cursor1 = app.state.cursors.get('vmdr');
    const priorities = new Map(world.jira.issues().map((i) => [i.key, priorityOf(i)]));
    // Every open detection moves, so the incremental pull spans all hosts: 3 pages of 2 hosts.
    const moved = data.moveQds(100);
    expect(new Set(moved.map((m) => m.hostId)).size).to.equal(5);
    world.qualys.failNext('hld', { kind: 'truncate', afterBytes: 400 }, { skip: 1 });
    const from = world.jira.requests.length;

    const r2 = await t.run();
    expect(r2.result).to.equal('failed');
    expect(r2.error).to.match(/Host List Detection page 2 \(id_min=\d+\)/).and.include(new URL(world.qualys.url).host);
    expect(jiraWrites(world.jira, from)).to.deep.equal([]);
    expect(app.state.cursors.get('vmdr')).to.deep.equal(cursor1);
    expect(new Map(world.jira.issues().map((i) => [i.key, priorityOf(i)]))).to.deep.equal(priorities);
    expect(app.state.runs.last('vmdr')?.result).to.equal('failed');

    const r3 = await t.run();
    expect(r3.result, r3.error).to.equal('ok');
    const after = detectionsById(data);
    for (const [id, issue] of byDetection(world.jira)) expect(priorityOf(issue), id).to.equal(qdsPriority(after.get(id)?.qds ?? 0));
    expect(r3.counts.updated).to.be.at.least(1);
    expectNoOpenApiViolations(world.jira);
  });
});

describe('e2e: wrong credentials, through `sync --json`', () => {
  const WRONG_QUALYS = 'VB_E2E_WRONG_QUALYS_PASSWORD';
  const WRONG_JIRA = 'VB_E2E_WRONG_JIRA_TOKEN';
  const wrongQualysValue = 'wrong-Qualys-pass-4711';
  const wrongJiraValue = 'wrong-jira-token-4711';
  let world: World;
  let app: AppContext;

  beforeEach(async () => {
    world = await startWorld({ qualys: DATA, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    process.env[WRONG_QUALYS] = wrongQualysValue;
    process.env[WRONG_JIRA] = wrongJiraValue;
    app = world.open(
      world.writeConfig([
        { name: 'bad-qualys', template: PER_DETECTION, qualysPasswordEnv: WRONG_QUALYS },
        { name: 'bad-jira', template: PER_DETECTION, jiraSecretEnv: WRONG_JIRA },
        { name: 'good', template: PER_DETECTION },
      ]),
    );
  });
  afterEach(async () => {
    delete process.env[WRONG_QUALYS];
    delete process.env[WRONG_JIRA];
    app.state.close();
    await world.close();
  });

  it('fails each bad job with the host and the env var to check, never the secret, and still runs the good job', async () => {
    const lines: string[] = [];
    const { exitCode } = await syncCommand(app, { dryRun: false, json: true, out: (l) => lines.push(l) });
    expect(exitCode).to.equal(1);
    const text = lines.join('\n');
    expect(text).to.not.include(wrongQualysValue).and.not.include(wrongJiraValue);
    const { reports } = JSON.parse(text) as { reports: CycleReport[] };
    const byJob = new Map(reports.map((r) => [r.job, r]));
    expect([...byJob.keys()]).to.deep.equal(['bad-qualys', 'bad-jira', 'good']);

    const q = byJob.get('bad-qualys') as CycleReport;
    expect(q.result).to.equal('failed');
    expect(q.error).to.include(new URL(world.qualys.url).host).and.include(WRONG_QUALYS).and.include(ENV.qualysUser);
    const j = byJob.get('bad-jira') as CycleReport;
    expect(j.result).to.equal('failed');
    expect(j.error).to.include(new URL(world.jira.url).host).and.include(WRONG_JIRA);

    const good = byJob.get('good') as CycleReport;
    expect(good.result, good.error).to.equal('ok');
    expect(good.counts.created).to.equal(openIds(world.qualys.data).size);
    expect(world.jira.issues().every((i) => (i.fields.labels as string[]).includes('vb-job-good'))).to.equal(true);
    expect(world.jira.issues()).to.have.length(good.counts.created);
    for (const job of ['bad-qualys', 'bad-jira']) {
      expect(app.state.cursors.get(job), job).to.deep.equal({});
      expect(app.state.runs.last(job)?.result, job).to.equal('failed');
    }
    expectNoOpenApiViolations(world.jira);
  });
});
