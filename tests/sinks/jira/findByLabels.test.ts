import { expect } from 'chai';
import { jqlString, labelsJql } from '../../../connector/sinks/jira/jql.js';
import { parseJql, requiredClauses } from '../../sim/jira/simJql.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { sinkFor } from './fixtures.js';

const HOSTILE = ['we"ird', 'back\\slash', 'AND', 'order', 'a)b,c(', "it's", 'x")OR(project="OPS'];

describe('sinks/jira jql', () => {
  it('quotes every value and escapes quotes and backslashes', () => {
    expect(jqlString('we"ird\\x')).to.equal('"we\\"ird\\\\x"');
    expect(labelsJql('VULN', ['a', 'b"c'])).to.equal('project = "VULN" AND labels in ("a", "b\\"c") ORDER BY key ASC');
  });

  it('round-trips hostile labels through a JQL parser unchanged', () => {
    const q = parseJql(labelsJql('VULN', HOSTILE));
    const text = (values: string[]) => values.map((text) => ({ kind: 'text', text }));
    expect(requiredClauses(q)).to.deep.equal([
      { kind: 'clause', field: { name: 'project' }, op: '=', values: text(['VULN']) },
      { kind: 'clause', field: { name: 'labels' }, op: 'in', values: text(HOSTILE) },
    ]);
  });
});

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira findByLabels (${flavor})`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      // Pages of 10 whatever maxResults asks: paging is exercised with few issues.
      sim = await startJiraSim({ flavor, maxResults: 10 });
    });
    afterEach(() => {
      expect(sim.openApiViolations).to.deep.equal([]);
      return sim.close();
    });

    it('pages through every match (Cloud: nextPageToken, Data Center: startAt) with hostile labels quoted', async () => {
      for (let i = 0; i < 23; i++) sim.seedIssue({ labels: [`vb-${i}`, 'vb-job-nightly'] });
      HOSTILE.forEach((l) => sim.seedIssue({ labels: [l] }));
      sim.seedIssue({ project: 'OPS', labels: ['vb-job-nightly', 'x")OR(project="OPS'] });
      sim.seedIssue({ labels: ['unrelated'] });
      sim.setStatus('VULN-2', 'Closed');
      const { sink } = sinkFor(sim);

      const found = await sink.findByMarkers('VULN', ['vb-job-nightly', ...HOSTILE]);
      expect(found).to.have.length(23 + HOSTILE.length);
      expect(found.map((f) => f.key)).to.deep.equal(Array.from({ length: 30 }, (_, i) => `VULN-${i + 1}`));
      expect(found[1]).to.deep.equal({ key: 'VULN-2', id: '10001', labels: ['vb-1', 'vb-job-nightly'], status: { name: 'Closed', category: 'done' } });
      expect(found.find((f) => f.key === 'VULN-30')?.labels).to.deep.equal(['x")OR(project="OPS']);

      const searches = sim.requests.filter((r) => r.path.includes('/search'));
      expect(searches).to.have.length(3);
      if (flavor === 'cloud') {
        expect(searches.map((r) => r.path)).to.deep.equal(Array(3).fill('/rest/api/3/search/jql'));
        expect(searches[0].query).to.not.have.property('nextPageToken');
        expect(searches[1].query.nextPageToken).to.be.a('string');
        expect(searches[0].query.fields).to.equal('labels,status');
      } else {
        expect(searches.map((r) => [r.path, r.query.startAt])).to.deep.equal([
          ['/rest/api/2/search', '0'],
          ['/rest/api/2/search', '10'],
          ['/rest/api/2/search', '20'],
        ]);
      }
      expect(searches[0].query.jql).to.equal(labelsJql('VULN', ['vb-job-nightly', ...HOSTILE]));
    });

    it('asks for at most 50 labels per query and merges the answers', async () => {
      sim.seedIssue({ labels: ['vb-0', 'vb-55'] });
      sim.seedIssue({ labels: ['vb-54'] });
      const { sink } = sinkFor(sim);
      const labels = Array.from({ length: 60 }, (_, i) => `vb-${i}`);
      const found = await sink.findByMarkers('VULN', labels);
      expect(found.map((f) => f.key)).to.deep.equal(['VULN-1', 'VULN-2']);
      const jqls = sim.requests.filter((r) => r.path.includes('/search')).map((r) => r.query.jql);
      expect(jqls).to.deep.equal([labelsJql('VULN', labels.slice(0, 50)), labelsJql('VULN', labels.slice(50))]);
    });

    it('searchUrl points the browser at the issue navigator', () => {
      const { sink } = sinkFor(sim);
      expect(sink.searchUrl('labels = "vb-1"')).to.equal(`${sim.url}/issues/?jql=labels%20%3D%20%22vb-1%22`);
    });
  });
}
