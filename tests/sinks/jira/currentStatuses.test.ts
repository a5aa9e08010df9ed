import { expect } from 'chai';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { sinkFor } from './fixtures.js';

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira currentStatuses (${flavor})`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(() => {
      expect(sim.openApiViolations).to.deep.equal([]);
      return sim.close();
    });

    it('reports each key\'s status in batches of 100, and null for the keys Jira says do not exist (asking again without them)', async () => {
      const issues = Array.from({ length: 150 }, () => sim.seedIssue({ labels: ['x'] }));
      sim.setStatus(issues[3]!.key, 'Done');
      const deleted = [issues[10]!.key, issues[120]!.key];
      for (const k of deleted) sim.deleteIssue(k);
      const { sink } = sinkFor(sim);
      const keys = issues.map((i) => i.key);
      const statuses = await sink.currentStatuses(keys);
      expect(statuses.size).to.equal(150);
      expect(statuses.get(issues[3]!.key)?.category).to.equal('done');
      expect(statuses.get(issues[0]!.key)?.category).to.not.equal('done');
      for (const k of deleted) expect(statuses.get(k)).to.equal(null);
      // Two batches, each refused once for its deleted key, then answered.
      const searches = sim.requests.filter((r) => /\/search(\/jql)?$/.test(r.path));
      expect(searches.map((r) => r.status)).to.deep.equal([400, 200, 400, 200]);
    });
  });
}
