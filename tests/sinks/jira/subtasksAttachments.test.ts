import { expect } from 'chai';
import nock from 'nock';
import { ProblemList } from '../../../connector/errors.js';
import { capAttachment } from '../../../connector/sinks/jira/attachmentText.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { linkedScheme, sinkFor, subtaskScheme, ticket } from './fixtures.js';

const CLOUD = 'https://acme.atlassian.test';
const DC = 'https://jira.acme.test';

describe('sinks/jira: sub-tasks and attachments (nock)', () => {
  it('sends a sub-task with fields.parent in the bulk create', async () => {
    let sent: unknown;
    const scope = nock(CLOUD)
      .post('/rest/api/3/issue/bulk', (body: unknown) => {
        sent = body;
        return true;
      })
      .reply(201, { issues: [{ id: '10002', key: 'VULN-2', self: `${CLOUD}/rest/api/3/issue/10002` }], errors: [] });
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const fields = { project: { key: 'VULN' }, issuetype: { id: '10003' }, summary: 'QID 1', parent: { key: 'VULN-1' } };
    const [created] = await sink.createMany([{ ref: 'vb-child', fields }]);
    expect(created).to.include({ ref: 'vb-child', key: 'VULN-2' });
    expect(sent).to.have.nested.property('issueUpdates[0].fields.parent').that.deep.equals({ key: 'VULN-1' });
    expect(scope.isDone()).to.equal(true);
  });

  for (const [flavor, url, v] of [
    ['cloud', CLOUD, '3'],
    ['datacenter', DC, '2'],
  ] as const) {
    it(`${flavor}: uploads an attachment as multipart with X-Atlassian-Token: no-check to /rest/api/${v}`, async () => {
      let body = '';
      let token: string | undefined;
      let contentType: string | undefined;
      const scope = nock(url)
        .post(`/rest/api/${v}/issue/VULN-7/attachments`, (b: unknown) => {
          body = typeof b === 'string' ? b : JSON.stringify(b);
          return true;
        })
        .reply(function () {
          token = String(this.req.headers['x-atlassian-token']);
          contentType = String(this.req.headers['content-type']);
          return [200, [{ id: '1', filename: 'qualys-result.txt' }]];
        });
      const { sink } = sinkFor({ url, flavor });
      await sink.attach('VULN-7', 'qualys-result.txt', 'Result :\n GET /login → 500');
      expect(token).to.equal('no-check');
      expect(contentType).to.match(/^multipart\/form-data; boundary=/);
      expect(body).to.include('filename="qualys-result.txt"');
      expect(body).to.include('Result :\n GET /login → 500');
      expect(sink.calls().writes).to.equal(1);
      expect(scope.isDone()).to.equal(true);
    });
  }

  it('cuts an attachment over attachmentMaxBytes and says so in the file', async () => {
    let body = '';
    nock(CLOUD)
      .post('/rest/api/3/issue/VULN-7/attachments', (b: unknown) => {
        body = String(b);
        return true;
      })
      .reply(200, []);
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' }, { attachmentMaxBytes: 2048 });
    await sink.attach('VULN-7', 'qualys-result.txt', 'x'.repeat(10_000));
    expect(body).to.match(/\[vulnbridge: cut to \d+ of 10000 bytes/);
    expect(body.split('x'.repeat(100)).length).to.be.lessThan(25);
  });
});

describe('sinks/jira: capAttachment', () => {
  it('keeps a text within the limit as it is', () => {
    expect(capAttachment('short', 1024).toString('utf8')).to.equal('short');
  });

  it('cuts at a character boundary and stays within the limit', () => {
    const text = 'é'.repeat(5000); // 2 bytes each
    const out = capAttachment(text, 1501);
    expect(out.length).to.be.at.most(1501);
    const s = out.toString('utf8');
    expect(s).to.not.include('\ufffd');
    expect(s).to.match(/^é+\n\n\[vulnbridge: cut to \d+ of 10000 bytes/);
  });
});

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira: sub-tasks and attachments on the simulator (${flavor})`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(async () => {
      if (sim.flavor === 'cloud') {
        expect(sim.openApiViolations).to.deep.equal([]);
        expect(sim.responseViolations).to.deep.equal([]);
      }
      await sim.close();
    });

    it('creates a parent and then its sub-task under it; the sub-task scheme needs no link type', async () => {
      const { sink } = sinkFor(sim, { linkType: 'No Such Link Type' });
      await sink.prepare({ project: 'VULN', schemes: [subtaskScheme()] });
      expect(sink.isSubtaskType('VULN', 'sub-task')).to.equal(true);
      expect(sink.isSubtaskType('VULN', 'Task')).to.equal(false);
      const [parent] = await sink.createMany([{ ref: 'p', fields: sink.fields(ticket({ role: 'parent', issueType: 'Task', summary: 'image' }), { project: 'VULN' }) }]);
      const childFields = sink.fields(ticket({ role: 'child', issueType: 'Sub-task', summary: 'QID 1' }), { project: 'VULN', parentKey: parent.key });
      const [child] = await sink.createMany([{ ref: 'c', fields: childFields }]);
      expect(child.error?.message).to.equal(undefined);
      expect(sim.issue(child.key as string)?.fields.parent).to.deep.include({ key: parent.key });
    });

    it('reports a sub-task scheme whose child type is not a sub-task type, and a linked parent of a sub-task type', async () => {
      const { sink } = sinkFor(sim);
      const bad = linkedScheme();
      bad.tickets.parent = { ...(bad.tickets.parent as NonNullable<typeof bad.tickets.parent>), issueType: 'Sub-task' };
      let err: unknown;
      try {
        await sink.prepare({ project: 'VULN', schemes: [subtaskScheme('Task'), bad] });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ProblemList);
      const messages = (err as ProblemList).problems.map((p) => p.message).join('\n');
      expect(messages).to.include("issue type 'Task' is not a sub-task type");
      expect(messages).to.include("issue type 'Sub-task' is a sub-task type; a parent ticket");
    });

    it('attaches a file the simulator keeps on the issue', async () => {
      const { sink } = sinkFor(sim);
      const issue = sim.seedIssue({ summary: 'finding' });
      await sink.attach(issue.key, 'qualys-result.txt', 'Result :\n line 1\n line 2');
      await sink.attach(issue.key, 'qualys-result.txt', 'Result :\n changed');
      const files = sim.issue(issue.key)?.attachments ?? [];
      expect(files.map((f) => f.filename)).to.deep.equal(['qualys-result.txt', 'qualys-result.txt']);
      expect(files[1]?.content.toString('utf8')).to.equal('Result :\n changed');
      expect(files[0]?.mimeType).to.match(/^text\/plain/);
    });
  });
}
