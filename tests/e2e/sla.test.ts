import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { statusCommand } from '../../connector/cli/commands/statusCommand.js';
import { validateCommand } from '../../connector/cli/commands/validateCommand.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import { changeDetection, detectionsById, issueDetectionId, type DetectionId, type DetectionView } from './support/detections.js';
import { cycle, jobOf, OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const DAY = 86_400_000;
/** Long enough that the simulator's detections (first found 2021-2024) fall on both sides of the test clock (2026-01-10). */
const DAYS: Record<string, number | null> = { '5': 700, '4': 800, '3': 900, '2': 1000, '1': null };

const labelsOf = (i: SimIssue) => (i.fields.labels as string[] | undefined) ?? [];
const dueOf = (i: SimIssue) => i.fields.duedate as string | undefined;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The due date the policy gives a detection: from its first found (or last re-open), by severity. */
function expectedDue(v: DetectionView, days = DAYS): string | undefined {
  const d = days[v.detection.SEVERITY];
  if (d === null || d === undefined) return undefined;
  const first = Date.parse(v.detection.FIRST_FOUND_DATETIME);
  const reopened = v.detection.LAST_REOPENED_DATETIME ? Date.parse(v.detection.LAST_REOPENED_DATETIME) : 0;
  return isoDay(Math.floor(Math.max(first, reopened) / DAY) * DAY + d * DAY);
}

function slaYaml(days: Record<string, number | null>, kevFile: string): string {
  const name: Record<string, string> = { '5': 'critical', '4': 'high', '3': 'medium', '2': 'low', '1': 'info' };
  const entries = Object.entries(days).map(([k, v]) => `${name[k]}: ${v === null ? 'none' : v}`);
  return `sla:\n  days: { ${entries.join(', ')} }\nkev:\n  source: ${JSON.stringify(kevFile)}\n`;
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`e2e: remediation SLAs on Jira ${flavor === 'cloud' ? 'Cloud' : 'Data Center'}`, () => {
    let world: World;
    let app: AppContext;
    let rt: JobRuntime;
    let config: string;
    let kevFile: string;

    const byDetection = () => new Map(world.jira.issues().map((i) => [issueDetectionId(i) as DetectionId, i]));
    const writeSla = (days: Record<string, number | null>) => {
      config = world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, project: 'VULN', flavor }]);
      writeFileSync(config, readFileSync(config, 'utf8').replace('\njobs:\n', `\n${slaYaml(days, kevFile)}jobs:\n`));
      app?.state.close();
      app = world.open(config);
      rt = jobOf(app, 'vmdr');
    };

    beforeEach(async () => {
      world = await startWorld({ qualys: { seed: 7, hosts: 6, detectionsPerHost: 5 }, jira: { flavor, data: simplifiedWorkflowData() } });
      kevFile = path.join(world.dir, 'kev.json');
      writeFileSync(kevFile, JSON.stringify({ title: 'CISA Catalog of Known Exploited Vulnerabilities', vulnerabilities: [] }));
    });
    afterEach(async () => {
      app?.state.close();
      await world?.close();
    });

    it('due dates from first found, KEV override, breach with no scanner change, met/missed on close, re-dating only what a policy change touches', async () => {
      const views = detectionsById(world.qualys.data);
      const open = [...views].filter(([, v]) => v.open);
      const today = isoDay(world.clock.now().getTime());
      // A KEV entry for a CVE of an open detection whose own due date is later than the KEV one.
      const kevPick = open.find(([, v]) => {
        const due = expectedDue(v);
        return v.detection.SEVERITY !== '5' && due !== undefined && due > '2026-03-01' && (world.qualys.data.kb(v.detection.QID)?.CVES.length ?? 0) > 0;
      });
      expect(kevPick, 'a detection for the KEV case').to.not.equal(undefined);
      const [kevId, kevView] = kevPick as [DetectionId, DetectionView];
      const kevCve = world.qualys.data.kb(kevView.detection.QID)?.CVES[0] as string;
      writeFileSync(kevFile, JSON.stringify({ vulnerabilities: [{ cveID: kevCve, vendorProject: 'x', product: 'y', dateAdded: '2025-12-01', dueDate: '2026-02-15', knownRansomwareCampaignUse: 'Known' }] }));
      writeSla(DAYS);

      const r1 = await cycle(world, rt, app);
      expect(r1.result, r1.error).to.equal('ok');
      const issues = byDetection();
      for (const [id, v] of open) {
        const issue = issues.get(id) as SimIssue;
        const due = id === kevId ? '2026-02-15' : expectedDue(v);
        expect(dueOf(issue), id).to.equal(due);
        expect(labelsOf(issue).includes('vb-sla-breached'), `${id} breached`).to.equal(due !== undefined && due < today);
        expect(labelsOf(issue).includes('vb-kev'), `${id} kev`).to.equal(id === kevId);
      }

      // The next due date to pass: move the clock a day beyond it, scanner unchanged.
      const upcoming = open.map(([id, v]) => ({ id, due: id === kevId ? '2026-02-15' : expectedDue(v) })).filter((x) => x.due && x.due >= today);
      upcoming.sort((a, b) => (a.due as string).localeCompare(b.due as string));
      const next = upcoming[0] as { id: DetectionId; due: string };
      world.clock.advanceMinutes((Date.parse(`${next.due}T00:00:00Z`) + DAY + 3_600_000 - world.clock.now().getTime()) / 60_000);
      const newDay = isoDay(world.clock.now().getTime());
      const nowBreached = upcoming.filter((x) => (x.due as string) < newDay).map((x) => x.id);
      expect(nowBreached).to.not.be.empty;
      const mark = world.jira.requests.length;
      const r2 = await cycle(world, rt, app);
      expect(r2.result, r2.error).to.equal('ok');
      expect(r2.counts.findings, 'no scanner change').to.equal(0);
      const after2 = byDetection();
      expect(labelsOf(after2.get(next.id) as SimIssue)).to.include('vb-sla-breached');
      const writes = world.jira.requests.slice(mark).filter((r) => r.method === 'PUT');
      expect(writes.map((w) => w.path.split('/').pop()).sort()).to.deep.equal(nowBreached.map((id) => (after2.get(id) as SimIssue).key).sort());

      // `status`: open / due soon / breached, as of the clock.
      const dues = open.map(([id, v]) => (id === kevId ? '2026-02-15' : expectedDue(v))).filter((d): d is string => !!d);
      const soon = isoDay(Date.parse(`${newDay}T00:00:00Z`) + 7 * DAY);
      const lines: string[] = [];
      statusCommand(app.config, { json: true, out: (t) => lines.push(t), now: world.clock.now });
      const sla = (JSON.parse(lines.join('\n')) as { jobs: Array<{ sla: unknown }> }).jobs[0]?.sla;
      expect(sla).to.deep.equal({ open: dues.length, dueSoon: dues.filter((d) => d >= newDay && d <= soon).length, breached: dues.filter((d) => d < newDay).length });
      const text: string[] = [];
      statusCommand(app.config, { json: false, wide: true, out: (t) => text.push(t), now: world.clock.now });
      expect(text.join('\n')).to.match(/vmdr: SLA: \d+ open with a due date, \d+ due within 7 days, \d+ breached/);

      // Closing: one breached (missed), one on track (met).
      const missed = nowBreached[0] as DetectionId;
      const metPick = upcoming.find((x) => (x.due as string) > newDay && x.id !== kevId) as { id: DetectionId };
      const at = world.clock.qualysNow();
      for (const id of [missed, metPick.id]) changeDetection(world.qualys.data, id, at, (d) => (d.STATUS = 'Fixed'));
      const r3 = await cycle(world, rt, app);
      expect(r3.result, r3.error).to.equal('ok');
      const after3 = byDetection();
      expect(labelsOf(after3.get(missed) as SimIssue)).to.include('vb-sla-missed').and.not.include('vb-sla-breached');
      expect(labelsOf(after3.get(metPick.id) as SimIssue)).to.include('vb-sla-met').and.not.include('vb-sla-missed');
      expect((after3.get(metPick.id) as SimIssue).status).to.equal('Done');

      // A policy change for critical findings re-dates the open critical tickets, and only those.
      const mark4 = world.jira.requests.length;
      writeSla({ ...DAYS, '5': 650 });
      const r4 = await cycle(world, rt, app);
      expect(r4.result, r4.error).to.equal('ok');
      const after4 = byDetection();
      const openCritical = open.filter(([id, v]) => v.detection.SEVERITY === '5' && id !== missed && id !== metPick.id && id !== kevId).map(([id]) => id);
      expect(openCritical).to.not.be.empty;
      const redated = world.jira.requests
        .slice(mark4)
        .filter((r) => r.method === 'PUT' && (r.body as { fields?: Record<string, unknown> })?.fields?.duedate !== undefined)
        .map((r) => r.path.split('/').pop());
      expect(redated.sort()).to.deep.equal(openCritical.map((id) => (after4.get(id) as SimIssue).key).sort());
      for (const id of openCritical) expect(dueOf(after4.get(id) as SimIssue)).to.equal(expectedDue(views.get(id) as DetectionView, { ...DAYS, '5': 650 }));
      expect(world.jira.openApiViolations).to.deep.equal([]);
      expect(world.jira.responseViolations).to.deep.equal([]);
    });

    it('a detection the scanner re-opens starts a new clock; a ticket a person closes is left alone (no met or missed)', async () => {
      writeSla(DAYS);
      const r1 = await cycle(world, rt, app);
      expect(r1.result, r1.error).to.equal('ok');
      // The missed one: the one this test closes by hand, breached already.
      const breached = world.jira.issues().find((i) => labelsOf(i).includes('vb-sla-breached')) as SimIssue;
      world.jira.setStatus(breached.key, 'Done');
      // A detection the scanner fixes, then re-opens a day later.
      const fixed = [...detectionsById(world.qualys.data)].find(([id, v]) => v.open && v.detection.SEVERITY !== '1' && byDetection().get(id)?.key !== breached.key);
      expect(fixed).to.not.equal(undefined);
      const [fixedId] = fixed as [DetectionId, DetectionView];
      changeDetection(world.qualys.data, fixedId, world.clock.qualysNow(), (d) => (d.STATUS = 'Fixed'));
      expect((await cycle(world, rt, app)).result).to.equal('ok');
      expect((byDetection().get(fixedId) as SimIssue).status).to.equal('Done');
      world.clock.advanceMinutes(24 * 60);
      const at = world.clock.qualysNow();
      changeDetection(world.qualys.data, fixedId, at, (d) => {
        d.STATUS = 'Re-Opened';
        d.LAST_REOPENED_DATETIME = at;
        d.LAST_FOUND_DATETIME = at;
      });
      const r2 = await cycle(world, rt, app);
      expect(r2.result, r2.error).to.equal('ok');
      const reopened = byDetection().get(fixedId) as SimIssue;
      const days = DAYS[(fixed as [DetectionId, DetectionView])[1].detection.SEVERITY] as number;
      expect(dueOf(reopened)).to.equal(isoDay(Date.parse(`${at.slice(0, 10)}T00:00:00Z`) + days * DAY));
      expect(reopened.status).to.equal('To Do');
      for (const l of ['vb-sla-breached', 'vb-sla-met', 'vb-sla-missed']) expect(labelsOf(reopened)).to.not.include(l);
      // The reconcile of this cycle saw the close by hand: recorded, and no SLA outcome is written to it.
      expect(app.state.tickets.get('vmdr', [...app.state.db.prepare(`SELECT pk FROM tickets WHERE jira_key = ?`).all(breached.key) as Array<{ pk: string }>][0]!.pk)?.state).to.equal('closed-by-user');
      expect(labelsOf(world.jira.issue(breached.key) as SimIssue)).to.not.include('vb-sla-missed').and.not.include('vb-sla-met');
    });

    it('a Jira that cannot take the due date (no Schedule Issues, or off the screens): validate --online says what to do; cycles send no duedate, keep the labels, and go on', async () => {
      writeSla(DAYS);
      const ok: string[] = [];
      expect(await validateCommand({ config, configGiven: true, online: true, out: (t) => ok.push(t), templates: OUR_TEMPLATES })).to.equal(0);
      expect(ok.join('\n')).to.not.include('⚠');

      world.jira.data.schedulePermission = false;
      world.jira.data.offScreenFields.push('duedate');
      const lines: string[] = [];
      expect(await validateCommand({ config, configGiven: true, online: true, out: (t) => lines.push(t), templates: OUR_TEMPLATES })).to.equal(0);
      const text = lines.join('\n');
      expect(text).to.match(/⚠ job vmdr: the account lacks the Schedule Issues permission in project VULN: grant it/);
      expect(text).to.match(/⚠ job vmdr: the Due date field is not on the create screen of issue type Task in project VULN: add "Due date"/);

      writeSla(DAYS);
      const r = await cycle(world, rt, app);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts.failed).to.equal(0);
      const issues = world.jira.issues();
      expect(issues.length).to.be.greaterThan(0);
      expect(issues.filter((i) => dueOf(i) !== undefined)).to.have.length(0);
      expect(issues.filter((i) => labelsOf(i).includes('vb-sla-breached')).length).to.be.greaterThan(0);
      // With an issue in the project, the edit screen is checked too (editmeta).
      const again: string[] = [];
      await validateCommand({ config, configGiven: true, online: true, out: (t) => again.push(t), templates: OUR_TEMPLATES });
      expect(again.join('\n')).to.match(/⚠ job vmdr: the Due date field is not on the edit screen in project VULN \(checked on VULN-\d+\)/);
      expect(world.jira.openApiViolations).to.deep.equal([]);
      expect(world.jira.responseViolations).to.deep.equal([]);
    });
  });
}
