import { expect } from 'chai';
import type { RenderedTicket } from '../../../connector/templates/types.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { linkedScheme, rich, sinkFor } from './fixtures.js';

function host(id: number): RenderedTicket {
  return {
    role: 'parent',
    primaryKey: `Host ID:${id}`,
    issueType: 'Vulnerable Host',
    summary: `Qualys host ID ${id}`,
    description: [{ text: 'Host details: IP ', value: false }, { text: '10.0.0.5', value: true }],
    labels: [`qualys-host-${id}`, `vb-host-${id}`],
    priority: 'High',
    customFields: [
      { name: 'Host ID', text: String(id), rich: rich(String(id), true) },
      { name: 'Asset Tag', text: 'prod,linux', rich: rich('prod,linux', true) },
      { name: 'Primary Key', text: `Host ID:${id}`, rich: rich(`Host ID:${id}`, true) },
    ],
  };
}

function vuln(qid: number, port: number): RenderedTicket {
  return {
    role: 'child',
    primaryKey: `QID:${qid}-Port:${port}`,
    issueType: 'Vulnerability',
    summary: `QID: ${qid} : SSL Certificate - Signature Verification Failed`,
    description: rich(`Vulnerability details for ${qid}`, true),
    labels: [`qid-${qid}`, `port-${port}`, `vb-vuln-${qid}-${port}`],
    priority: 'Low',
    customFields: [
      { name: 'QID', text: String(qid), rich: rich(String(qid), true) },
      { name: 'Port', text: String(port), rich: rich(String(port), true) },
      { name: 'Solution', text: 'Install a certificate', rich: rich('Install a certificate', true) },
      { name: 'Primary Key', text: `QID:${qid}-Port:${port}`, rich: rich(`QID:${qid}-Port:${port}`, true) },
    ],
  };
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira end to end against the ${flavor} simulator`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor, validateAgainstOpenApi: true });
    });
    afterEach(() => sim.close());

    it('prepares, creates a host with linked vulnerabilities, comments, updates, closes, reopens, unlinks and finds them again', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [linkedScheme()] });

      const [parent] = await sink.createMany([{ ref: 'vb-host-101', fields: sink.fields(host(101), { project: 'VULN' }) }]);
      const children = await sink.createMany([
        { ref: 'vb-vuln-38170-443', fields: sink.fields(vuln(38170, 443), { project: 'VULN' }) },
        { ref: 'vb-vuln-11830-22', fields: sink.fields(vuln(11830, 22), { project: 'VULN' }) },
      ]);
      expect([parent, ...children].map((r) => r.key)).to.deep.equal(['VULN-1', 'VULN-2', 'VULN-3']);
      const [p, c1, c2] = ['VULN-1', 'VULN-2', 'VULN-3'];
      await sink.link(p, c1);
      await sink.link(p, c2);
      await sink.comment(c1, [{ text: 'Vulnerability last found on host ID ', value: false }, { text: '101', value: true }]);
      await sink.update(c1, { fields: { summary: 'QID: 38170 : renamed' }, addLabels: ['vb-seen'], removeLabels: ['port-443'] });

      expect(await sink.transition(c2, 'Closed')).to.deep.equal({ from: { name: 'Open', category: 'new' }, to: { name: 'Closed', category: 'done' } });
      expect(await sink.status(c2)).to.deep.equal({ name: 'Closed', category: 'done' });
      expect(await sink.unlink(p, c2)).to.equal(true);
      sim.setStatus(c1, 'Closed');
      expect((await sink.transition(c1, 'Reopened')).to).to.deep.equal({ name: 'Reopened', category: 'new' });

      const found = await sink.findByMarkers('VULN', ['vb-host-101', 'vb-vuln-38170-443', 'vb-vuln-11830-22']);
      expect(found.map((f) => [f.key, f.status.name])).to.deep.equal([
        [p, 'Open'],
        [c1, 'Reopened'],
        [c2, 'Closed'],
      ]);

      const stored = sim.issue(p);
      expect(stored?.fields.customfield_10100).to.equal(101);
      expect(stored?.fields.customfield_10109).to.deep.equal(['prod', 'linux']);
      expect(stored?.fields.priority).to.deep.equal({ id: '2', name: 'High' });
      expect(sim.issue(c1)?.fields.labels).to.deep.equal(['qid-38170', 'vb-vuln-38170-443', 'vb-seen']);
      expect(sim.links().map((l) => [l.outwardKey, l.inwardKey])).to.deep.equal([[p, c1]]);
      if (flavor === 'cloud') {
        expect(stored?.fields.description).to.deep.include({ type: 'doc', version: 1 });
        expect(sim.issue(c1)?.fields.customfield_10128).to.deep.include({ type: 'doc' });
      } else {
        expect(stored?.fields.description).to.equal('Host details: IP 10.0.0.5');
        expect(sim.issue(c1)?.fields.customfield_10128).to.equal('Install a certificate');
      }

      const calls = sink.calls();
      expect(calls.reads + calls.writes).to.equal(sim.requests.length);
      expect(calls.writes).to.equal(sim.requests.filter((r) => r.method !== 'GET').length);
      expect(sim.requests.every((r) => r.path.startsWith(`/rest/api/${flavor === 'cloud' ? 3 : 2}/`))).to.equal(true);
      expect(sim.openApiViolations).to.deep.equal([]);
      expect(sim.responseViolations).to.deep.equal([]);
    });
  });
}
