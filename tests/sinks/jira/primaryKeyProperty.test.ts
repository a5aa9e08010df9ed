import { expect } from 'chai';
import { defaultSimData } from '../../sim/jira/simData.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { cf, singleScheme, sinkFor, ticket } from './fixtures.js';

describe('sinks/jira: the identity without a "Primary Key" field', () => {
  let sim: JiraSim;
  beforeEach(async () => {
    const data = defaultSimData();
    data.fields = data.fields.filter((f) => f.name !== 'Primary Key');
    sim = await startJiraSim({ flavor: 'cloud', data });
  });
  afterEach(() => sim.close());

  it('prepares without the field, leaves it out, and writes the identity as an issue property on create', async () => {
    const { sink } = sinkFor(sim);
    const scheme = singleScheme({ customFields: [cf('QID'), cf('Primary Key')] });
    await sink.prepare({ project: 'VULN', schemes: [scheme] });
    const t = ticket({ customFields: [{ name: 'Primary Key', text: 'Host ID:1-QID:2-Port:3', rich: [{ text: 'Host ID:1-QID:2-Port:3', value: true }] }] });
    const fields = sink.fields(t, { project: 'VULN' });
    expect(Object.keys(fields).filter((k) => k.startsWith('customfield_'))).to.deep.equal([]);
    const [created] = await sink.createMany([{ ref: 'r1', fields, properties: { vulnbridge: { primaryKey: 'Host ID:1-QID:2-Port:3' } } }]);
    expect(created.key).to.match(/^VULN-\d+$/);
    const bulk = sim.requests.find((r) => r.method === 'POST' && r.path.endsWith('/issue/bulk'));
    const body = bulk?.body as { issueUpdates: Array<{ properties?: Array<{ key: string; value: unknown }> }> };
    expect(body.issueUpdates[0].properties).to.deep.equal([{ key: 'vulnbridge', value: { primaryKey: 'Host ID:1-QID:2-Port:3' } }]);
    expect(sim.openApiViolations).to.deep.equal([]);
  });

  it('still reports any other missing custom field the template marks required', async () => {
    const { sink } = sinkFor(sim);
    const err = await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [cf('Primary Key'), { ...cf('Exploitability'), required: true }] })] }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.contain("custom field 'Exploitability' does not exist");
    expect(err?.message).to.not.contain("'Primary Key'");
  });
});
