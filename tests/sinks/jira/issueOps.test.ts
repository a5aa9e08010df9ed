import { expect } from 'chai';
import { SinkError } from '../../../connector/errors.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { linkedScheme, rich, singleScheme, sinkFor } from './fixtures.js';

for (const flavor of ['cloud', 'datacenter'] as const) {
  const api = flavor === 'cloud' ? '3' : '2';
  describe(`sinks/jira update, status, transition, comment, link (${flavor})`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(() => {
      expect(sim.openApiViolations).to.deep.equal([]);
      return sim.close();
    });
    const posts = (suffix: string) => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix));

    it('update sets fields and adds/removes labels without dropping labels people added', async () => {
      const issue = sim.seedIssue({ labels: ['vb-old', 'team-red'] });
      const { sink } = sinkFor(sim);
      await sink.update(issue.key, { fields: { summary: 'new summary' }, addLabels: ['vb-new'], removeLabels: ['vb-old'] });
      expect(sim.issue(issue.key)?.fields.labels).to.deep.equal(['team-red', 'vb-new']);
      expect(sim.issue(issue.key)?.fields.summary).to.equal('new summary');
      const put = sim.requests.find((r) => r.method === 'PUT');
      expect(put?.path).to.equal(`/rest/api/${api}/issue/${issue.key}`);
      expect(put?.query).to.deep.equal({});
      expect(put?.body).to.deep.equal({ fields: { summary: 'new summary' }, update: { labels: [{ add: 'vb-new' }, { remove: 'vb-old' }] } });
    });

    it('update turns a labels field into add operations and skips the call when nothing changes', async () => {
      const issue = sim.seedIssue({ labels: ['team-red'] });
      const { sink } = sinkFor(sim);
      await sink.update(issue.key, { fields: { labels: ['vb-1'] } });
      expect(sim.issue(issue.key)?.fields.labels).to.deep.equal(['team-red', 'vb-1']);
      await sink.update(issue.key, { fields: {} });
      expect(sink.calls().writes).to.equal(1);
    });

    it('status gives name and category, and undefined once the issue is deleted', async () => {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim);
      expect(await sink.status(issue.key)).to.deep.equal({ name: 'Open', category: 'new' });
      sim.setStatus(issue.key, 'Closed');
      expect(await sink.status(issue.key)).to.deep.equal({ name: 'Closed', category: 'done' });
      sim.deleteIssue(issue.key);
      expect(await sink.status(issue.key)).to.equal(undefined);
    });

    it('transition takes the transition leading to the target status', async () => {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim);
      const moved = await sink.transition(issue.key, 'in progress');
      expect(moved).to.deep.equal({ from: { name: 'Open', category: 'new' }, to: { name: 'In Progress', category: 'indeterminate' } });
      expect(sim.issue(issue.key)?.status).to.equal('In Progress');
      expect(posts('/transitions').map((r) => r.body)).to.deep.equal([{ transition: { id: '11' } }]);
    });

    it('transition makes no call when the issue is already in the target status', async () => {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim);
      const r = await sink.transition(issue.key, 'OPEN');
      expect(r.from).to.deep.equal(r.to);
      expect(sim.requests.filter((x) => x.path.endsWith('/transitions'))).to.have.length(0);
      expect(sink.calls()).to.deep.equal({ reads: 1, writes: 0 });
    });

    it('transition names issue, status, target and the reachable statuses when no transition leads there', async () => {
      const issue = sim.seedIssue({ status: 'Closed' });
      const { sink } = sinkFor(sim);
      try {
        await sink.transition(issue.key, 'In Progress');
        expect.fail('expected an error');
      } catch (err) {
        expect(err).to.be.instanceOf(SinkError);
        expect((err as SinkError).message).to.equal(`issue ${issue.key} is in status 'Closed' and no transition leads to 'In Progress' (available: 'Reopened' via 'Reopen Issue')`);
        expect((err as SinkError).host).to.equal(new URL(sim.url).host);
      }
      expect(posts('/transitions')).to.have.length(0);
    });

    it('transition retries once with the configured resolution when the screen requires one', async () => {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim, { closeResolution: "Won't Do" });
      const r = await sink.transition(issue.key, 'Closed');
      expect(r.to).to.deep.equal({ name: 'Closed', category: 'done' });
      expect(posts('/transitions').map((x) => [x.body, x.status])).to.deep.equal([
        [{ transition: { id: '31' } }, 400],
        [{ transition: { id: '31' }, fields: { resolution: { name: "Won't Do" } } }, 204],
      ]);
      expect(sim.issue(issue.key)?.resolution).to.equal("Won't Do");
    });

    it('transition caches the transitions per issue type and status for the run', async () => {
      const a = sim.seedIssue({});
      const b = sim.seedIssue({});
      const c = sim.seedIssue({ issueType: 'Bug' });
      const { sink } = sinkFor(sim);
      for (const i of [a, b, c]) await sink.transition(i.key, 'In Progress');
      const gets = sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/transitions'));
      expect(gets.map((r) => r.path)).to.deep.equal([`/rest/api/${api}/issue/${a.key}/transitions`, `/rest/api/${api}/issue/${c.key}/transitions`]);
      expect(sim.issues().map((i) => i.status)).to.deep.equal(['In Progress', 'In Progress', 'In Progress']);
    });

    it('comment sends ADF on Cloud and wiki markup on Data Center, and skips empty bodies', async () => {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim);
      await sink.comment(issue.key, [{ text: 'Last found: ', value: false }, { text: '2024-01-01 *now*', value: true }]);
      await sink.comment(issue.key, rich(' '));
      const stored = sim.issue(issue.key)?.comments.map((c) => c.body);
      expect(stored).to.deep.equal([
        flavor === 'cloud'
          ? { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Last found: 2024-01-01 *now*' }] }] }
          : 'Last found: 2024-01-01 \\*now\\*',
      ]);
    });

    it('link is idempotent; unlink deletes our link and answers false when there is none', async () => {
      const parent = sim.seedIssue({ issueType: 'Vulnerable Host' });
      const child = sim.seedIssue({ issueType: 'Vulnerability' });
      const other = sim.seedIssue({ issueType: 'Vulnerability' });
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [linkedScheme()] });
      await sink.link(parent.key, child.key);
      await sink.link(parent.key, child.key);
      await sink.link(parent.key, other.key);
      expect(sim.links().map((l) => [l.typeId, l.outwardKey, l.inwardKey])).to.deep.equal([
        ['10003', parent.key, child.key],
        ['10003', parent.key, other.key],
      ]);
      expect(posts('/issueLink')[0].body).to.deep.equal({ type: { name: 'Relates' }, outwardIssue: { key: parent.key }, inwardIssue: { key: child.key } });
      expect(await sink.unlink(parent.key, child.key)).to.equal(true);
      expect(sim.links().map((l) => l.inwardKey)).to.deep.equal([other.key]);
      expect(await sink.unlink(parent.key, child.key)).to.equal(false);
      sim.deleteIssue(parent.key);
      expect(await sink.unlink(parent.key, other.key)).to.equal(false);
    });

    it('unlink leaves links of other types alone', async () => {
      const parent = sim.seedIssue({});
      const child = sim.seedIssue({});
      const { sink } = sinkFor(sim, { linkType: 'Blocks' });
      await sink.prepare({ project: 'VULN', schemes: [singleScheme(), linkedScheme()] });
      const relates = sinkFor(sim).sink;
      await relates.link(parent.key, child.key);
      expect(await sink.unlink(parent.key, child.key)).to.equal(false);
      await sink.link(parent.key, child.key);
      expect(await sink.unlink(parent.key, child.key)).to.equal(true);
      expect(sim.links().map((l) => l.typeId)).to.deep.equal(['10003']);
    });
  });
}
