import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QUALYS_WAS_SIM_CREDENTIALS } from '../sim/qualys-was/startQualysWasSim.js';
import type { AppContext } from '../../connector/cli/appContext.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import type { SimWasFinding } from '../sim/qualys-was/index.js';
import type { CsSimVuln } from '../sim/qualys-cs/csSimData.js';
import { jobOf, jiraWrites } from './support/world.js';
import { REF, startQualysAppsWorld, type CsJobSpec, type QualysAppsWorld, type WasJobSpec } from './support/qualysAppsWorld.js';

/** The reference schemes' priorityMapping criteria: Qualys severity 5..1 → Highest..Lowest. */
const SEVERITY_PRIORITY: Record<string, string> = { '5': 'Highest', '4': 'High', '3': 'Medium', '2': 'Low', '1': 'Lowest' };

const priorityOf = (i: SimIssue): string | undefined => (i.fields.priority as { name?: string } | undefined)?.name;
const wasKey = (f: SimWasFinding): string => `Web App ID:${f.webAppId}-Finding ID:${f.id}-QID:${f.qid}`;
const wasChildKey = (f: SimWasFinding): string => `Finding ID:${f.id}-QID:${f.qid}`;
const csChildKey = (v: CsSimVuln): string => `QID:${v.qid}-Port:${v.port ?? ''}`;
const isOpenWas = (f: SimWasFinding): boolean => f.status !== 'FIXED';

/** What a new WAS scan does to a finding (the sim's mutators pick their own; these act on the one a test names). */
function setWasStatus(world: QualysAppsWorld, f: SimWasFinding, status: 'FIXED' | 'REOPENED'): void {
  const now = world.clock.qualysNow();
  f.status = status;
  if (status === 'FIXED') f.fixedDate = now;
  else {
    delete f.fixedDate;
    f.lastDetectedDate = now;
    f.timesDetected++;
  }
  f.lastTestedDate = now;
  f.updatedDate = now;
}

/** The one issue with this Primary Key. */
function only(world: QualysAppsWorld, pk: string): SimIssue {
  const list = world.byPrimaryKey().get(pk) ?? [];
  if (list.length !== 1) throw new Error(`test: ${list.length} issues with Primary Key ${pk}`);
  return list[0]!;
}

/** Keys of the issues linked to `key`, whichever way the link points. */
function linkedTo(world: QualysAppsWorld, key: string): string[] {
  return world.jira
    .links()
    .filter((l) => l.inwardKey === key || l.outwardKey === key)
    .map((l) => (l.inwardKey === key ? l.outwardKey : l.inwardKey))
    .sort();
}

/** Sub-tasks of `key` (their `fields.parent`). */
function subtasksOf(world: QualysAppsWorld, key: string): string[] {
  return world.jira
    .issues()
    .filter((i) => (i.fields.parent as { key?: string } | undefined)?.key === key)
    .map((i) => i.key)
    .sort();
}

describe('e2e: Qualys WAS and Container Security → Jira with the reference templates (simulators)', function () {
  this.timeout(60_000);
  let world: QualysAppsWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startQualysAppsWorld();
  });
  afterEach(async () => {
    app?.state.close();
    app = undefined;
    await world.close();
  });

  function job(spec: WasJobSpec | CsJobSpec): JobRuntime {
    app = world.open(world.writeConfig([spec]));
    return jobOf(app, spec.name);
  }
  const run = (rt: JobRuntime) => world.cycle(rt, app!);

  describe('Per_Web_App_Finding_Ticket_Scheme.json', () => {
    it('tickets every open web app × finding with its RESULT attached and a priority by SEVERITY; FIXED gets none', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      const findings = world.was.data.findings;
      const open = findings.filter(isOpenWas);
      // The data must hold every open status and some FIXED ones, or the count proves little.
      expect(new Set(open.map((f) => f.status))).to.deep.equal(new Set(['NEW', 'ACTIVE', 'REOPENED', 'PROTECTED']));
      expect(findings.length - open.length).to.be.at.least(2);

      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ findings: findings.length, created: open.length, failed: 0, rejected: 0 });
      const byKey = world.byPrimaryKey();
      expect([...byKey.keys()].sort()).to.deep.equal(open.map(wasKey).sort());
      for (const f of open) {
        const issue = only(world, wasKey(f));
        expect(world.issueType(issue.issueTypeId)).to.equal('Finding Vulnerability');
        expect(issue.status).to.equal('Open');
        expect(priorityOf(issue), `severity ${f.severity}`).to.equal(SEVERITY_PRIORITY[f.severity]);
        expect(issue.fields[world.field('Detection Status')]).to.equal(f.status);
        expect(issue.fields.summary).to.equal(`Qualys QID ${f.qid} detected on ${world.was.data.webApp(f.webAppId)!.name} (Qualys Web App ID: ${f.webAppId})`);
        expect(issue.fields.labels).to.include.members([`qualys-was-finding-id-${f.id}`, `qid-${f.qid}`]);
        // RESULT: the decoded responses the scanner saw, uploaded as a file.
        expect(issue.attachments).to.have.length(1);
        const text = issue.attachments[0]!.content.toString('utf8');
        expect(text.startsWith('Result :\n')).to.equal(true);
        for (const response of f.responseTexts) expect(text).to.include(response.trimEnd());
      }
      expect(world.jira.links()).to.deep.equal([]);
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });

    it('counts what a first cycle did: uploads are attachments, not updates; an information-gathered finding without a status is counted as skipped', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      const findings = world.was.data.findings;
      // Real WAS answers hold information-gathered findings without a status (QID 150528 does).
      const model = findings.find((f) => f.type === 'VULNERABILITY')!;
      const info = { ...model, id: Math.max(...findings.map((f) => f.id)) + 1, uniqueId: 'info-no-status', qid: 150528, type: 'INFORMATION_GATHERED' as const };
      delete (info as Partial<typeof info>).status;
      const open = findings.filter(isOpenWas);
      findings.push(info);
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ created: open.length, updated: 0, attached: open.length, skipped: 1, rejected: 0, failed: 0 });
      expect(r.counts.findings + r.counts.skipped).to.equal(findings.length);
      expect(r.writes).to.equal(r.minimumWrites);
    });

    it('after fix / protect / new finding the next cycle does exactly that, a fixed one then reopens, and an unchanged cycle writes nothing', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      await run(rt);
      const before = world.jira.requests.length;
      const quiet = await run(rt);
      expect(quiet.result, quiet.error).to.equal('ok');
      expect(jiraWrites(world.jira, before)).to.deep.equal([]);

      const fixed = world.was.data.fixOne()!;
      const protectedOne = world.was.data.protectOne()!;
      const added = world.was.data.addOne(world.was.data.webApps[1]!.id);
      expect(new Set([fixed.id, protectedOne.id, added.id]).size).to.equal(3);
      const openBefore = world.jira.issues().filter((i) => i.status === 'Open').map((i) => i.key);
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ created: 1, transitioned: 1, failed: 0 });
      expect(only(world, wasKey(fixed)).status).to.equal('Closed');
      expect(only(world, wasKey(fixed)).resolution).to.equal('Done');
      expect(only(world, wasKey(protectedOne)).status).to.equal('Open');
      expect(only(world, wasKey(protectedOne)).fields[world.field('Detection Status')]).to.equal('PROTECTED');
      expect(only(world, wasKey(added)).status).to.equal('Open');
      expect(only(world, wasKey(added)).attachments).to.have.length(1);
      const closedNow = openBefore.filter((k) => world.jira.issue(k)?.status !== 'Open');
      expect(closedNow).to.deep.equal([only(world, wasKey(fixed)).key]);

      setWasStatus(world, fixed, 'REOPENED');
      const back = await run(rt);
      expect(back.counts).to.include({ created: 0, transitioned: 1, failed: 0 });
      expect(only(world, wasKey(fixed)).status).to.equal('Reopened');
      expect(only(world, wasKey(fixed)).resolution).to.equal(null);
      expect(world.jira.issues()).to.have.length(world.was.data.findings.filter(isOpenWas).length);

      expect(world.jira.openApiViolations).to.deep.equal([]);
    });
    // Fields (and the comment) sync before the status moves: the comment of a reopened
    // ticket must still come in the reopening cycle, not one unchanged cycle later.
    it('posts the re-detection comment in the cycle that reopens the ticket; the next unchanged cycle writes nothing', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      await run(rt);
      const fixed = world.was.data.fixOne()!;
      await run(rt);
      expect(only(world, wasKey(fixed)).status).to.equal('Closed');
      setWasStatus(world, fixed, 'REOPENED');
      const back = await run(rt);
      expect(back.counts).to.include({ transitioned: 1, commented: 1 });
      const issue = only(world, wasKey(fixed));
      expect(issue.status).to.equal('Reopened');
      expect(JSON.stringify(issue.comments.at(-1)?.body)).to.include(`at ${fixed.lastDetectedDate}`);
      const mark = world.jira.requests.length;
      const quiet = await run(rt);
      expect(quiet.counts).to.include({ commented: 0, updated: 0, transitioned: 0 });
      expect(jiraWrites(world.jira, mark)).to.deep.equal([]);
    });
  });

  describe('WAS_Finding_Vuln_Linking_Ticket_Scheme.json', () => {
    it('one web app parent with its findings linked; fixing all of one app unlinks and closes them and closes the parent', async () => {
      const rt = job({ kind: 'was', name: 'was-link', template: REF.wasLinking });
      const open = world.was.data.findings.filter(isOpenWas);
      const apps = [...new Set(open.map((f) => f.webAppId))];
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ created: apps.length + open.length, linked: open.length, failed: 0 });
      for (const appId of apps) {
        const parent = only(world, `Web App ID:${appId}`);
        expect(world.issueType(parent.issueTypeId)).to.equal('Vulnerable Web App');
        expect(parent.status).to.equal('Open');
        const children = open.filter((f) => f.webAppId === appId).map((f) => only(world, wasChildKey(f)));
        expect(linkedTo(world, parent.key)).to.deep.equal(children.map((c) => c.key).sort());
        for (const c of children) {
          expect(world.issueType(c.issueTypeId)).to.equal('Vulnerable QID');
          expect(c.attachments).to.have.length(1);
        }
      }

      const appId = apps.find((a) => open.filter((f) => f.webAppId === a).length >= 2)!;
      const gone = open.filter((f) => f.webAppId === appId);
      for (const f of gone) setWasStatus(world, f, 'FIXED');
      const parent = only(world, `Web App ID:${appId}`);
      const r2 = await run(rt);
      expect(r2.result, r2.error).to.equal('ok');
      expect(r2.counts).to.include({ unlinked: gone.length, transitioned: gone.length + 1, created: 0, failed: 0 });
      for (const f of gone) expect(only(world, wasChildKey(f)).status).to.equal('Closed');
      expect(world.jira.issue(parent.key)?.status).to.equal('Closed');
      expect(linkedTo(world, parent.key)).to.deep.equal([]);
      for (const other of apps.filter((a) => a !== appId)) {
        const p = only(world, `Web App ID:${other}`);
        expect(p.status).to.equal('Open');
        expect(linkedTo(world, p.key)).to.have.length(open.filter((f) => f.webAppId === other).length);
      }
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });
  });

  describe('CS image schemes', () => {
    const imageKey = (i: { repo: Array<{ registry: string; repository: string }> }): string => `Repository:${i.repo[0]!.repository}-Registry:${i.repo[0]!.registry}`;

    it('CS_Image_Link: a parent per image with a linked child per QID/port; a vulnerability fixed in one image closes and unlinks only that child', async () => {
      const rt = job({ kind: 'cs', name: 'images', template: REF.imageLink, objects: 'images' });
      const { images, vulns } = world.cs.data;
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      const total = images.reduce((n, i) => n + vulns.get(i.sha)!.length, 0);
      expect(r.counts).to.include({ created: images.length + total, linked: total, failed: 0 });
      for (const image of images) {
        const parent = only(world, imageKey(image));
        expect(world.issueType(parent.issueTypeId)).to.equal('Link Vulnerable Image');
        expect(parent.fields[world.field('Image SHA:')]).to.equal(image.sha);
        const children = vulns.get(image.sha)!.map((v) => only(world, csChildKey(v)));
        expect(linkedTo(world, parent.key)).to.deep.equal(children.map((c) => c.key).sort());
        for (const [k, c] of children.entries()) {
          expect(world.issueType(c.issueTypeId)).to.equal('Link Image Vulnerability');
          expect(c.status).to.equal('Open');
          expect(priorityOf(c)).to.equal(SEVERITY_PRIORITY[String(vulns.get(image.sha)![k]!.severity)]);
          expect(c.fields.parent).to.equal(undefined);
        }
      }

      const image = images[1]!;
      const [fixedVuln, ...kept] = vulns.get(image.sha)!;
      world.cs.fixVuln(image.sha, fixedVuln!.qid);
      const parent = only(world, imageKey(image));
      const child = only(world, csChildKey(fixedVuln!));
      const openBefore = world.jira.issues().filter((i) => i.status === 'Open').map((i) => i.key);
      const r2 = await run(rt);
      expect(r2.result, r2.error).to.equal('ok');
      expect(r2.counts).to.include({ unlinked: 1, transitioned: 1, created: 0, failed: 0 });
      expect(world.jira.issue(child.key)?.status).to.equal('Closed');
      expect(linkedTo(world, parent.key)).to.deep.equal(kept.map((v) => only(world, csChildKey(v)).key).sort());
      expect(world.jira.issue(parent.key)?.status).to.equal('Open');
      expect(openBefore.filter((k) => world.jira.issue(k)?.status !== 'Open')).to.deep.equal([child.key]);
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });

    it('CS_Image_Link: a parent deleted in Jira by hand is created again and its children linked to it, none duplicated', async () => {
      const rt = job({ kind: 'cs', name: 'images', template: REF.imageLink, objects: 'images' });
      const { images, vulns } = world.cs.data;
      await run(rt);
      const image = images[0]!;
      const old = only(world, imageKey(image));
      const childKeys = vulns.get(image.sha)!.map((v) => only(world, csChildKey(v)).key).sort();
      const issuesBefore = world.jira.issues().length;
      world.jira.deleteIssue(old.key);
      // A rescan changes the parent's "Last Scanned": writing it finds the parent gone.
      image.lastScanned = String(Date.parse('2026-03-05T00:00:00Z'));
      const noticed = await run(rt);
      expect(noticed.result, noticed.error).to.not.equal('failed');
      const recreated = await run(rt);
      expect(recreated.result, recreated.error).to.equal('ok');
      const parent = only(world, imageKey(image));
      expect(parent.key).to.not.equal(old.key);
      expect(linkedTo(world, parent.key)).to.deep.equal(childKeys);
      // The same children, linked again: one new issue (the parent), no duplicate child.
      expect(world.jira.issues()).to.have.length(issuesBefore);
      for (const v of vulns.get(image.sha)!) expect(world.jira.issues().filter((i) => i.fields[world.field('Primary Key')] === csChildKey(v))).to.have.length(1);
      const quiet = await run(rt);
      expect(quiet.counts).to.include({ created: 0, linked: 0, failed: 0 });
    });

    it('CS_Image_Sub: children are sub-tasks of the image parent (no issue links); a fixed vulnerability closes only its sub-task', async () => {
      const rt = job({ kind: 'cs', name: 'images', template: REF.imageSub, objects: 'images' });
      const { images, vulns } = world.cs.data;
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts).to.include({ linked: 0, failed: 0 });
      expect(world.jira.links()).to.deep.equal([]);
      for (const image of images) {
        const parent = only(world, imageKey(image));
        expect(world.issueType(parent.issueTypeId)).to.equal('Vulnerable Image');
        const children = vulns.get(image.sha)!.map((v) => only(world, csChildKey(v)));
        expect(subtasksOf(world, parent.key)).to.deep.equal(children.map((c) => c.key).sort());
        for (const c of children) expect(world.issueType(c.issueTypeId)).to.equal('Subticket Image Vulnerability');
      }

      const image = images[0]!;
      const gone = vulns.get(image.sha)![2]!;
      world.cs.fixVuln(image.sha, gone.qid);
      const r2 = await run(rt);
      expect(r2.counts).to.include({ transitioned: 1, created: 0, failed: 0 });
      expect(only(world, csChildKey(gone)).status).to.equal('Closed');
      expect(only(world, imageKey(image)).status).to.equal('Open');
      expect(world.jira.issues().filter((i) => i.status !== 'Open').map((i) => i.key)).to.deep.equal([only(world, csChildKey(gone)).key]);
      expect(world.jira.links()).to.deep.equal([]);
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });
  });

  for (const variant of [
    { title: 'CS_Container_Link_Ticket_Scheme.json', template: REF.containerLink, parentType: 'Link Vulnerable Container', childType: 'CS Link Vulnerability', sub: false },
    { title: 'CS_Container_Sub_Ticket_Scheme.json', template: REF.containerSub, parentType: 'Vulnerable Container', childType: 'Subticket Container Vulnerability', sub: true },
  ]) {
    describe(variant.title, () => {
      const childrenOf = (key: string): string[] => (variant.sub ? subtasksOf(world, key) : linkedTo(world, key));
      const containerKey = (sha: string): string => `Container SHA:${sha}`;

      it('tickets containers in open states only; a container deleted closes all its children and its parent, a RUNNING one stays open', async () => {
        const rt = job({ kind: 'cs', name: 'containers', template: variant.template, objects: 'containers' });
        const { containers, vulns } = world.cs.data;
        const live = containers.filter((c) => ['RUNNING', 'STOPPED', 'CREATED', 'PAUSED'].includes(c.state));
        const dead = containers.filter((c) => c.state === 'DELETED' || c.state === 'UNKNOWN');
        expect(dead.length).to.be.at.least(1);
        const r = await run(rt);
        expect(r.result, r.error).to.equal('ok');
        const childCount = live.reduce((n, c) => n + vulns.get(c.sha)!.length, 0);
        expect(r.counts).to.include({ created: live.length + childCount, linked: variant.sub ? 0 : childCount, failed: 0 });
        for (const c of dead) expect(world.byPrimaryKey().has(containerKey(c.sha)), c.state).to.equal(false);
        const parentOf = new Map(live.map((c) => [c.sha, only(world, containerKey(c.sha))]));
        for (const c of live) {
          const parent = parentOf.get(c.sha)!;
          expect(world.issueType(parent.issueTypeId)).to.equal(variant.parentType);
          expect(parent.fields[world.field('State')]).to.equal(c.state);
          const kids = childrenOf(parent.key);
          expect(kids).to.have.length(vulns.get(c.sha)!.length);
          for (const k of kids) {
            expect(world.issueType(world.jira.issue(k)!.issueTypeId)).to.equal(variant.childType);
            expect(world.jira.issue(k)!.status).to.equal('Open');
          }
        }
        if (variant.sub) expect(world.jira.links()).to.deep.equal([]);

        const victim = live.find((c) => c.state === 'RUNNING')!;
        const survivor = live.find((c) => c !== victim && c.state === 'RUNNING') ?? live.find((c) => c !== victim)!;
        world.cs.setContainerState(survivor.sha, 'RUNNING');
        const victimParent = parentOf.get(victim.sha)!;
        const victimKids = childrenOf(victimParent.key);
        const survivorKids = childrenOf(parentOf.get(survivor.sha)!.key);
        world.cs.deleteContainer(victim.sha);
        const r2 = await run(rt);
        expect(r2.result, r2.error).to.equal('ok');
        expect(r2.counts).to.include({ transitioned: victimKids.length + 1, created: 0, failed: 0, unlinked: variant.sub ? 0 : victimKids.length });
        for (const k of victimKids) expect(world.jira.issue(k)?.status, k).to.equal('Closed');
        expect(world.jira.issue(victimParent.key)?.status).to.equal('Closed');
        if (!variant.sub) expect(linkedTo(world, victimParent.key)).to.deep.equal([]);
        expect(world.jira.issue(parentOf.get(survivor.sha)!.key)?.status).to.equal('Open');
        for (const k of survivorKids) expect(world.jira.issue(k)?.status, k).to.equal('Open');
        const stillOpen = world.jira.issues().filter((i) => i.status === 'Open').length;
        expect(stillOpen).to.equal(live.length + childCount - victimKids.length - 1);
        expect(world.jira.openApiViolations).to.deep.equal([]);
      });
    });
  }

  describe('bad input gets a clear error and loses nothing', () => {
    it('a wrong CS password fails the cycle naming the gateway host and the env var, never the password', async () => {
      process.env.VB_E2E_CS_WRONG = 'wrong-cs-Passw0rd-4242';
      const rt = job({ kind: 'cs', name: 'images', template: REF.imageLink, objects: 'images', passwordEnv: 'VB_E2E_CS_WRONG' });
      const r = await run(rt);
      expect(r.result).to.equal('failed');
      expect(r.error).to.include(new URL(world.cs.url).host).and.include('VB_E2E_CS_WRONG').and.not.include('wrong-cs-Passw0rd-4242');
      expect(world.jira.issues()).to.have.length(0);
      expect(world.cs.calls.filter((c) => c.api === 'list')).to.deep.equal([]);
    });

    it('a WAS answer that is JSON with a syntax error: says so with line, column and a redacted excerpt, applies nothing, keeps the cursor', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      expect((await run(rt)).result).to.equal('ok');
      const cursor = app!.state.cursors.get('was');
      const issues = world.jira.issues().length;
      world.was.data.fixOne();
      // The real search page (elastic's fixture), a comma lost after "severity" and the
      // password echoed in a payload right next to the break.
      const sample = readFileSync(path.join('..', 'shared', 'reference', 'samples', 'qualys', 'was_finding_search_page_elastic_qualys_was.json'), 'utf8');
      const broken = sample
        .replace('"response": "redacted"', `"response": "login ${QUALYS_WAS_SIM_CREDENTIALS.password}"`)
        .replace('"severity": "1", "type"', '"severity": "1" "type"');
      expect(broken).to.not.equal(sample);
      world.was.failNext({ kind: 'status', status: 200, body: broken });
      const from = world.jira.requests.length;
      const r = await run(rt);
      expect(r.result).to.equal('failed');
      expect(r.error).to.match(/invalid JSON: Expected ',' or '}' after property value at line 1, column \d+ \(near ".*"severity": "1" "type".*"\)/);
      expect(r.error).to.include(new URL(world.was.url).host);
      expect(r.error).to.not.include('web UI').and.not.include(QUALYS_WAS_SIM_CREDENTIALS.password);
      expect(app!.state.cursors.get('was')).to.deep.equal(cursor);
      expect(jiraWrites(world.jira, from)).to.deep.equal([]);
      expect(world.jira.issues()).to.have.length(issues);
      // The next cycle asks again and catches up.
      const r3 = await run(rt);
      expect(r3.result, r3.error).to.equal('ok');
      expect(r3.counts.transitioned).to.equal(1);
    });

    it('a WAS answer that is an HTML page still points at the URL (web UI instead of the API server)', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      world.was.failNext({ kind: 'status', status: 200, body: '<!DOCTYPE html>\n<html><head><title>Qualys Enterprise</title></head><body>Login</body></html>' });
      const r = await run(rt);
      expect(r.result).to.equal('failed');
      expect(r.error).to.include('HTML, not JSON').and.include('not the web UI');
    });

    for (const variant of [
      { title: 'WAS: 409 with X-RateLimit-ToWait-Sec', kind: 'was' as const },
      { title: 'CS: 429 with Retry-After', kind: 'cs' as const },
    ]) {
      it(`${variant.title} longer than the retries wait: the pulls wait until Qualys allows the next call`, async () => {
        const rt =
          variant.kind === 'was'
            ? job({ kind: 'was', name: 'q', template: REF.perWebAppFinding })
            : job({ kind: 'cs', name: 'q', template: REF.imageLink, objects: 'images' });
        const sim = variant.kind === 'was' ? world.was : world.cs;
        const until = new Date(world.clock.now().getTime() + 7200_000).toISOString();
        if (variant.kind === 'was') world.was.failNext({ kind: 'rateLimit', toWaitSec: 7200 });
        else world.cs.fault('list', { kind: 'status', status: 429, retryAfterSec: 7200 });
        const r1 = await run(rt);
        expect(r1.result).to.equal('failed');
        expect(r1.error).to.include(`Qualys allows the next call at ${until} (rate limit); this job's pulls wait until then`).and.not.include('retried after');
        const calls = sim.calls.length;
        const r2 = await run(rt);
        expect(r2.error).to.equal(`Qualys allows the next call at ${until} (rate limit); this job's pulls wait until then`);
        expect(sim.calls.length, 'no call to Qualys while it holds').to.equal(calls);
        const r3 = await run(rt);
        expect(r3.result, r3.error).to.equal('ok');
        expect(sim.calls.length).to.be.greaterThan(calls);
      });
    }

    it('a WAS page with a malformed finding: that one is rejected, the rest ticketed', async () => {
      const rt = job({ kind: 'was', name: 'was', template: REF.perWebAppFinding });
      world.was.failNext({ kind: 'malformed' });
      const r = await run(rt);
      expect(r.result, r.error).to.equal('ok');
      expect(r.counts.rejected).to.equal(1);
      // The first finding of the first page (lowest id) lost its id and web app.
      const [broken] = [...world.was.data.findings].sort((a, b) => a.id - b.id);
      const expected = world.was.data.findings.filter((f) => isOpenWas(f) && f !== broken).map(wasKey);
      expect([...world.byPrimaryKey().keys()].sort()).to.deep.equal(expected.sort());
      expect(world.jira.openApiViolations).to.deep.equal([]);
    });
  });
});
