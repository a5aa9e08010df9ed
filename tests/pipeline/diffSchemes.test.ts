import { expect } from 'chai';
import path from 'node:path';
import type { JobConfig } from '../../connector/config/loadConfig.js';
import { silentLogger } from '../../connector/log.js';
import type { Finding, TemplateContext } from '../../connector/model/finding.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { singleLane } from '../../connector/pipeline/lanes.js';
import { runCycle } from '../../connector/pipeline/runCycle.js';
import type { EnrichContext, PullResult, Source } from '../../connector/sources/types.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { MemorySink, type MemoryIssue } from '../support/memorySink.js';

const REFERENCE = path.resolve(process.cwd(), '../shared/reference/qualys-ticketing-templates');

interface CsVuln {
  qid: string;
  port?: string;
}

/** A container or image with its current vulnerabilities, as the CS API lists them. */
interface CsObject {
  sha: string;
  /** Container `state` / image `imageStatus`. */
  status: string;
  vulns: CsVuln[];
  jiraTicketAction?: string;
}

/**
 * A CS-shaped source held in memory: one finding per object × vulnerability, the object
 * as parent key and scope (so a complete listing of the object resolves by absence).
 */
class FakeCsSource implements Source {
  readonly type = 'fake-cs';
  readonly host = 'gateway.test';
  readonly lookupTtlSec = {};
  objects: CsObject[] = [];
  resolvesByAbsence?: { status: string };
  /** Extra findings to stage as they are (WAS-like flat ones). */
  raw: Finding[] = [];

  constructor(readonly moduleName: 'CS-Container' | 'CS-Image' | 'WAS') {}

  async *pull(): AsyncGenerator<{ label: string; findings: Finding[] }, PullResult, void> {
    const findings = [...this.objects.flatMap((o) => o.vulns.map((v) => this.finding(o, v))), ...this.raw];
    for (let start = 0; start < findings.length; start += 100) yield { label: `page ${start / 100 + 1}`, findings: findings.slice(start, start + 100) };
    return { nextCursors: {}, ...(this.resolvesByAbsence ? { completeScopes: this.objects.map((o) => `obj:${o.sha}`) } : {}) };
  }

  async enrich(_ctx: EnrichContext): Promise<void> {}

  private finding(o: CsObject, v: CsVuln): Finding {
    const port = v.port ?? '0';
    const data: TemplateContext = {
      sha: o.sha,
      containerId: `c-${o.sha}`,
      name: `app-${o.sha}`,
      state: o.status,
      imageStatus: o.status,
      imageRepository: `repo-${o.sha}`,
      imageRegistry: 'registry.test',
      jiraTicketAction: o.jiraTicketAction ?? '',
      vuln: { qid: v.qid, port, title: `Title ${v.qid}`, severity: '4', result: `result of ${v.qid}` },
    };
    return { key: `obj:${o.sha}|qid:${v.qid}|port:${port}`, parentKey: `obj:${o.sha}`, scope: `obj:${o.sha}`, status: o.status, ignored: false, data };
  }
}

function runtime(template: string, source: Source, sink: MemorySink): JobRuntime {
  const config = { name: 'cs', project: 'VULN', timeoutMinutes: 5, schedule: '* * * * *', enabled: true, templatePath: template } as JobConfig;
  const scheme = loadScheme(template);
  return { config, source, sink, scheme, log: silentLogger(), prepared: false, lanes: singleLane(config, scheme) };
}

function byPrimaryKey(sink: MemorySink, pk: string): MemoryIssue {
  const issue = [...sink.issues.values()].find((i) => i.fields['cf:Primary Key'] === pk);
  if (!issue) throw new Error(`no issue with Primary Key ${pk}`);
  return issue;
}

/** Cycles one minute apart, so "last seen before this cycle" is well defined. */
function clock(): () => () => Date {
  let t = Date.parse('2026-11-20T10:00:00Z');
  return () => {
    t += 60_000;
    const at = new Date(t);
    return () => at;
  };
}

describe('pipeline: CS object schemes (linkDiff/unlinkAll, openDiff/closeAll)', () => {
  let state: State;
  let sink: MemorySink;
  let next: () => () => Date;
  const cycle = (rt: JobRuntime) => runCycle(rt, state, { now: next() });

  beforeEach(() => {
    state = openStateBundle(':memory:');
    sink = new MemorySink();
    next = clock();
  });
  afterEach(() => state.close());

  describe('CS_Container_Link (linkDiff/unlinkAll)', () => {
    let source: FakeCsSource;
    let rt: JobRuntime;
    beforeEach(() => {
      source = new FakeCsSource('CS-Container');
      rt = runtime(path.join(REFERENCE, 'CS_Container_Link_Ticket_Scheme.json'), source, sink);
      source.objects = [{ sha: 'aaa', status: 'RUNNING', vulns: [{ qid: '1' }, { qid: '2' }, { qid: '3', port: '443' }] }];
    });

    it('creates the container parent and a linked child per vulnerability', async () => {
      const r = await cycle(rt);
      expect(r.result).to.equal('ok');
      expect(r.counts).to.include({ created: 4, linked: 3, failed: 0 });
      const parent = byPrimaryKey(sink, 'Container SHA:aaa');
      const children = ['QID:1-Port:0', 'QID:2-Port:0', 'QID:3-Port:443'].map((pk) => byPrimaryKey(sink, pk));
      expect([...parent.links].sort()).to.deep.equal(children.map((c) => c.key).sort());
      expect(children.every((c) => c.parent === undefined)).to.equal(true);
      expect(r.writes).to.equal(r.minimumWrites);
    });

    it('unlinks and closes the child of a vulnerability the container no longer has, and leaves the others alone', async () => {
      await cycle(rt);
      const gone = byPrimaryKey(sink, 'QID:2-Port:0');
      source.objects[0]!.vulns = [{ qid: '1' }, { qid: '3', port: '443' }];
      sink.log.length = 0;
      const r = await cycle(rt);
      expect(r.counts).to.include({ unlinked: 1, transitioned: 1, created: 0, failed: 0 });
      expect(gone.status.name).to.equal('Closed');
      const parent = byPrimaryKey(sink, 'Container SHA:aaa');
      expect(parent.links.has(gone.key)).to.equal(false);
      expect(parent.links.size).to.equal(2);
      expect(parent.status.name).to.equal('Open');
      expect(sink.log.filter((l) => l.startsWith('transition') || l.startsWith('unlink'))).to.deep.equal([
        `unlink ${parent.key} ${gone.key}`,
        `transition ${gone.key} Closed`,
      ]);
      // The vulnerability comes back: the same ticket reopens and is linked again.
      source.objects[0]!.vulns.push({ qid: '2' });
      const back = await cycle(rt);
      expect(back.counts).to.include({ created: 0, linked: 1, transitioned: 1 });
      expect(gone.status.name).to.equal('Open');
    });

    it('a deleted container (unlinkAll) unlinks and closes every child and closes the parent', async () => {
      source.objects.push({ sha: 'bbb', status: 'RUNNING', vulns: [{ qid: '1' }] });
      await cycle(rt);
      const childKeys = [...byPrimaryKey(sink, 'Container SHA:aaa').links];
      expect(childKeys).to.have.length(3);
      // Listed as DELETED with only one of its vulnerabilities: the others go too.
      source.objects[0] = { sha: 'aaa', status: 'DELETED', vulns: [{ qid: '1' }] };
      const r = await cycle(rt);
      expect(r.counts).to.include({ unlinked: 3, failed: 0 });
      const parent = byPrimaryKey(sink, 'Container SHA:aaa');
      expect(parent.links.size).to.equal(0);
      expect(parent.status.name).to.equal('Closed');
      expect(childKeys.map((k) => sink.issues.get(k)?.status.name)).to.deep.equal(['Closed', 'Closed', 'Closed']);
      expect(state.tickets.counts('cs')).to.deep.include({ open: 2, closed: 4 });
      // The other container is untouched.
      expect(byPrimaryKey(sink, 'Container SHA:bbb').status.name).to.equal('Open');
    });

    it('children straddling two pages are not taken for gone', async () => {
      // Staging pages hold 500 findings in parent order: 499 of `aaa`, then `bbb` (3) straddles.
      source.objects = [
        { sha: 'aaa', status: 'RUNNING', vulns: Array.from({ length: 499 }, (_, n) => ({ qid: String(1000 + n) })) },
        { sha: 'bbb', status: 'RUNNING', vulns: [{ qid: '1' }, { qid: '2' }, { qid: '3' }] },
      ];
      const first = await cycle(rt);
      expect(first.counts).to.include({ created: 504, linked: 502, failed: 0 });
      const again = await cycle(rt);
      expect(again.counts).to.include({ unlinked: 0, transitioned: 0, created: 0, unchanged: 502 });
      // Now one of `bbb`'s children on the second page goes: only that one closes.
      source.objects[1]!.vulns = [{ qid: '1' }, { qid: '2' }];
      const third = await cycle(rt);
      expect(third.counts).to.include({ unlinked: 1, transitioned: 1 });
      expect(byPrimaryKey(sink, 'Container SHA:bbb').links.size).to.equal(2);
      expect(state.tickets.counts('cs').closed).to.equal(1);
    });

    it('a vulnerability gone from a complete listing (resolution by absence) closes although its container is RUNNING', async () => {
      source.resolvesByAbsence = { status: 'Gone' };
      await cycle(rt);
      source.objects[0]!.vulns = [{ qid: '1' }, { qid: '2' }];
      const r = await cycle(rt);
      expect(r.counts).to.include({ unlinked: 1, transitioned: 1, failed: 0 });
      expect(byPrimaryKey(sink, 'QID:3-Port:443').status.name).to.equal('Closed');
      expect(byPrimaryKey(sink, 'QID:1-Port:0').status.name).to.equal('Open');
      // Listed again: it counts as come back and reopens.
      source.objects[0]!.vulns.push({ qid: '3', port: '443' });
      const back = await cycle(rt);
      expect(back.counts).to.include({ linked: 1, transitioned: 1 });
      expect(byPrimaryKey(sink, 'QID:3-Port:443').status.name).to.equal('Open');
    });
  });

  describe('CS_Image_Sub (openDiff/closeAll, sub-tasks)', () => {
    let source: FakeCsSource;
    let rt: JobRuntime;
    beforeEach(() => {
      source = new FakeCsSource('CS-Image');
      rt = runtime(path.join(REFERENCE, 'CS_Image_Sub_Ticket_Scheme.json'), source, sink);
      source.objects = [{ sha: 'img', status: 'Active', vulns: [{ qid: '1' }, { qid: '2' }] }];
    });

    it('creates the image parent first, then sub-tasks with fields.parent and no links', async () => {
      const r = await cycle(rt);
      expect(r.counts).to.include({ created: 3, linked: 0, failed: 0 });
      const parent = byPrimaryKey(sink, 'Repository:repo-img-Registry:registry.test');
      for (const pk of ['QID:1-Port:0', 'QID:2-Port:0']) {
        const child = byPrimaryKey(sink, pk);
        expect(child.fields.parent).to.deep.equal({ key: parent.key });
        expect(child.parent).to.equal(parent.key);
      }
      expect(parent.links.size).to.equal(0);
      expect(sink.log.filter((l) => l.startsWith('createMany'))).to.deep.equal(['createMany 1', 'createMany 2']);
      expect(r.writes).to.equal(2);
    });

    it('closes the sub-task of a vulnerability the image no longer has, then closeAll closes all and the parent', async () => {
      await cycle(rt);
      source.objects[0]!.vulns = [{ qid: '1' }];
      const r = await cycle(rt);
      expect(r.counts).to.include({ transitioned: 1, unlinked: 0 });
      expect(byPrimaryKey(sink, 'QID:2-Port:0').status.name).to.equal('Closed');
      expect(byPrimaryKey(sink, 'QID:1-Port:0').status.name).to.equal('Open');
      source.objects[0]!.status = 'Fixed';
      const fixed = await cycle(rt);
      expect(fixed.counts).to.include({ transitioned: 2, failed: 0 });
      expect(byPrimaryKey(sink, 'QID:1-Port:0').status.name).to.equal('Closed');
      expect(byPrimaryKey(sink, 'Repository:repo-img-Registry:registry.test').status.name).to.equal('Closed');
    });

    it('keeps the tickets of an image whose jiraTicketAction is Create open, gone vulnerabilities and Fixed included', async () => {
      source.objects[0]!.jiraTicketAction = 'Create';
      await cycle(rt);
      source.objects[0]!.vulns = [{ qid: '1' }];
      const dropped = await cycle(rt);
      expect(dropped.counts.transitioned).to.equal(0);
      source.objects[0]!.status = 'Fixed';
      const fixed = await cycle(rt);
      expect(fixed.counts.transitioned).to.equal(0);
      expect([...sink.issues.values()].map((i) => i.status.name)).to.deep.equal(['Open', 'Open', 'Open']);
    });
  });

  describe('attachments (Per_Web_App_Finding)', () => {
    it('uploads the template attachment once, and again only when its text changes', async () => {
      const source = new FakeCsSource('WAS');
      const rt = runtime(path.join(REFERENCE, 'Per_Web_App_Finding_Ticket_Scheme.json'), source, sink);
      const finding = (result: string, status = 'ACTIVE'): Finding => ({
        key: 'was:1',
        parentKey: 'webapp:7',
        status,
        ignored: false,
        data: { ID: '1', QID: '150001', WEBAPP_ID: '7', WEBAPP_NAME: 'shop', STATUS: status, SEVERITY: '4', RESULT: result, LAST_DETECTED_DATE: '2026-11-01' },
      });
      source.raw = [finding('GET /login -> 500')];
      const r1 = await cycle(rt);
      expect(r1.counts).to.include({ created: 1, updated: 0, attached: 1, failed: 0 });
      const [issue] = [...sink.issues.values()];
      expect(issue?.attachments).to.deep.equal([{ name: 'qualys-result.txt', text: 'Result :\n GET /login -> 500' }]);
      const r2 = await cycle(rt);
      expect(r2.counts).to.include({ updated: 0, attached: 0, unchanged: 1 });
      expect(issue?.attachments).to.have.length(1);
      source.raw = [finding('GET /login -> 200')];
      const r3 = await cycle(rt);
      expect(r3.counts).to.include({ updated: 0, attached: 1 });
      expect(issue?.attachments.map((a) => a.text)).to.deep.equal(['Result :\n GET /login -> 500', 'Result :\n GET /login -> 200']);
      // A closing finding gets no attachment, even with a new text.
      source.raw = [finding('GET /login -> 404', 'FIXED')];
      await cycle(rt);
      expect(issue?.attachments).to.have.length(2);
      expect(issue?.status.name).to.equal('Closed');
    });
  });
});
