import { expect } from 'chai';
import type { RenderedCustomField } from '../../../connector/templates/types.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { cf, rich, singleScheme, sinkFor, subtaskScheme, ticket } from './fixtures.js';

const NAMES = ['Host ID', 'QID', 'Asset Tag', 'Diagnosis', 'Primary Key', 'First Seen', 'Remediation Due', 'Deployment Tier', 'Exposure', 'Affected Zones', 'Compliance', 'Advisory URL', 'Scanner Note'];

function value(name: string, text: string): RenderedCustomField {
  return { name, text, rich: rich(text, true) };
}

const VALUES: RenderedCustomField[] = [
  value('Host ID', ' 101 '),
  value('QID', 'not a number'),
  value('Asset Tag', 'Cloud Agent, linux  prod-db'),
  { name: 'Diagnosis', text: 'Line one\n\nThe [certificate] is *expired*', rich: [{ text: 'Diagnosis: ', value: false }, { text: 'The [certificate] is *expired*', value: true }] },
  value('Primary Key', `QID:38170-Port:443${'x'.repeat(300)}`),
  value('First Seen', '2024-03-05T10:20:30Z'),
  value('Remediation Due', '2024-04-01T00:00:00Z'),
  value('Deployment Tier', 'Production'),
  value('Exposure', 'Internet'),
  value('Affected Zones', 'dmz, internal'),
  value('Compliance', 'PCI'),
  value('Advisory URL', 'https://www.qualys.com/research/38170'),
  value('Scanner Note', '   '),
];

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira fields() (${flavor})`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(() => sim.close());

    it('coerces each custom field by its Jira type and Jira accepts the result', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: NAMES.map((n) => cf(n)) })] });
      const fields = sink.fields(ticket({ customFields: VALUES }), { project: 'VULN' });

      expect(fields.project).to.deep.equal({ key: 'VULN' });
      expect(fields.issuetype).to.deep.equal({ id: '10006' });
      expect(fields.priority).to.deep.equal({ name: 'High' });
      expect(fields.labels).to.deep.equal(['qualys-host-101', 'qid-38170']);
      expect(fields.customfield_10100).to.equal(101); // Host ID: float
      expect(fields).not.to.have.property('customfield_10112'); // QID: NaN is left out
      expect(fields.customfield_10109).to.deep.equal(['Cloud_Agent', 'linux_prod-db']); // Asset Tag: one label per comma-separated value, spaces made _
      expect((fields.customfield_10130 as string).length).to.equal(255); // Primary Key: textfield ≤ 255
      expect(fields.customfield_10200).to.equal('2024-03-05T10:20:30.000+0000'); // datetime
      expect(fields.customfield_10201).to.equal('2024-04-01'); // datepicker
      expect(fields.customfield_10202).to.deep.equal({ value: 'Production' }); // select
      expect(fields.customfield_10203).to.deep.equal({ value: 'Internet' }); // radio
      expect(fields.customfield_10204).to.deep.equal([{ value: 'dmz' }, { value: 'internal' }]); // multiselect
      expect(fields.customfield_10205).to.deep.equal([{ value: 'PCI' }]); // checkboxes
      expect(fields.customfield_10206).to.equal('https://www.qualys.com/research/38170'); // url
      expect(fields).not.to.have.property('customfield_10207'); // empty text is left out

      if (flavor === 'cloud') {
        expect(fields.description).to.deep.equal({
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Host details: IP 10.0.0.5' }] }],
        });
        expect(fields.customfield_10126).to.have.property('type', 'doc'); // Diagnosis: textarea as ADF
      } else {
        expect(fields.description).to.equal('Host details: IP 10.0.0.5');
        // Wiki markup: template text kept, scanner values escaped.
        expect(fields.customfield_10126).to.equal('Diagnosis: The \\[certificate\\] is \\*expired\\*');
      }

      const [created] = await sink.createMany([{ ref: 'vb-1', fields }]);
      expect(created.error, created.error?.message).to.equal(undefined);
      expect(sim.issue(created.key as string)?.fields.customfield_10204).to.deep.equal([{ value: 'dmz' }, { value: 'internal' }]);
      expect(sim.openApiViolations).to.deep.equal([]);
    });

    it('leaves out an empty description and priority (Jira default), and sets parent for sub-tasks', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [subtaskScheme()] });
      const fields = sink.fields(ticket({ role: 'child', issueType: 'Sub-task', description: rich('  '), priority: undefined, summary: 'two\nlines' }), { project: 'VULN', parentKey: 'VULN-7' });
      expect(fields).to.deep.equal({
        project: { key: 'VULN' },
        issuetype: { id: '10003' },
        summary: 'two lines',
        labels: ['qualys-host-101', 'qid-38170'],
        parent: { key: 'VULN-7' },
      });
    });

    it('cuts a description over 32,767 characters so that Jira accepts it', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [] })] });
      const long = Array.from({ length: 4000 }, (_, i) => `line ${i}: [x] *y*`).join('\n');
      const fields = sink.fields(ticket({ description: rich(long, true) }), { project: 'VULN' });
      const size = typeof fields.description === 'string' ? fields.description.length : JSON.stringify(fields.description).length;
      expect(size).to.be.at.most(32_767);
      const [created] = await sink.createMany([{ ref: 'long', fields }]);
      expect(created.error, created.error?.message).to.equal(undefined);
    });

    it('refuses fields() before prepare()', async () => {
      const { sink } = sinkFor(sim);
      expect(() => sink.fields(ticket(), { project: 'VULN' })).to.throw(/before prepare/);
    });
  });
}
