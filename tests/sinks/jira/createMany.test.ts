import { expect } from 'chai';
import { JiraRejectedError } from '../../../connector/sinks/jira/mapError.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { cf, singleScheme, sinkFor, ticket } from './fixtures.js';

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira createMany (${flavor})`, () => {
    let sim: JiraSim;
    const bulkPath = `/rest/api/${flavor === 'cloud' ? 3 : 2}/issue/bulk`;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(() => sim.close());

    it('creates 120 issues in 3 bulk calls of at most 50, keys mapped to refs in order', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme()] });
      const items = Array.from({ length: 120 }, (_, i) => ({ ref: `vb-${i}`, fields: sink.fields(ticket({ summary: `finding ${i}`, labels: [`vb-${i}`] }), { project: 'VULN' }) }));
      const results = await sink.createMany(items);
      const bulks = sim.requests.filter((r) => r.method === 'POST' && r.path === bulkPath);
      expect(bulks.map((r) => (r.body as { issueUpdates: unknown[] }).issueUpdates.length)).to.deep.equal([50, 50, 20]);
      expect(results).to.have.length(120);
      expect(results.every((r, i) => r.ref === `vb-${i}` && r.key === `VULN-${i + 1}` && !r.error)).to.equal(true);
      expect(sim.issue('VULN-120')?.fields.summary).to.equal('finding 119');
      expect(sim.openApiViolations).to.deep.equal([]);
    });

    it('maps a partial success back to refs: created ones get keys, rejected ones name the field and message', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [cf('Host ID')] })] });
      const ok = (i: number) => ({ ref: `ok-${i}`, fields: sink.fields(ticket({ summary: `ok ${i}` }), { project: 'VULN' }) });
      const badPriority = { ref: 'bad-priority', fields: { ...ok(0).fields, priority: { name: 'Critical' } } };
      const badLabel = { ref: 'bad-label', fields: { ...ok(0).fields, labels: ['Severity: high'] } };
      const badNumber = { ref: 'bad-number', fields: { ...ok(0).fields, customfield_10100: 'abc' } };
      const results = await sink.createMany([ok(1), badPriority, ok(2), badLabel, badNumber, ok(3)]);

      expect(results.map((r) => [r.ref, r.key ?? r.error?.code])).to.deep.equal([
        ['ok-1', 'VULN-1'],
        ['bad-priority', 'SINK_REJECTED'],
        ['ok-2', 'VULN-2'],
        ['bad-label', 'SINK_REJECTED'],
        ['bad-number', 'SINK_REJECTED'],
        ['ok-3', 'VULN-3'],
      ]);
      expect(results[1].error?.message).to.equal('Jira rejected issue bad-priority: priority: The priority selected is invalid.');
      expect(results[1].error?.path).to.equal('fields.priority');
      expect(results[3].error?.message).to.include(flavor === 'cloud' ? "labels: The label 'Severity: high' can't contain spaces." : "labels: The label 'Severity: high' contains spaces which is invalid.");
      expect(results[4].error?.message).to.equal('Jira rejected issue bad-number: customfield_10100 (Host ID): Operation value must be a number');
      expect(results[4].error).to.be.instanceOf(JiraRejectedError);
      expect(sim.issues()).to.have.length(3);
    });

    it('reports the element error when every element fails (Jira answers 400 to the bulk call)', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme()] });
      const fields = sink.fields(ticket({ summary: 'x'.repeat(255) }), { project: 'VULN' });
      const [result] = await sink.createMany([{ ref: 'too-long', fields: { ...fields, summary: 'x'.repeat(300) } }]);
      expect(result.key).to.equal(undefined);
      expect(result.error?.code).to.equal('SINK_REJECTED');
      expect(result.error?.message).to.match(/^Jira rejected issue too-long: summary: Summary (can't exceed|must be less than) 255 characters\.$/);
      expect(sim.requests.filter((r) => r.path === bulkPath).map((r) => r.status)).to.deep.equal([400]);
    });

    if (flavor === 'cloud') {
      it('a plain-string description is refused on v3 the way Jira Cloud refuses it', async () => {
        const { sink } = sinkFor(sim);
        await sink.prepare({ project: 'VULN', schemes: [singleScheme()] });
        const fields = { ...sink.fields(ticket(), { project: 'VULN' }), description: 'plain text' };
        const [result] = await sink.createMany([{ ref: 'plain', fields }]);
        expect(result.error?.message).to.include('description: Operation value must be an Atlassian Document (see the Atlassian Document Format)');
      });
    }
  });
}
