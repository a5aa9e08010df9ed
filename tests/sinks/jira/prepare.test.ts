import { expect } from 'chai';
import { ProblemList, VulnbridgeError } from '../../../connector/errors.js';
import { customField } from '../../sim/jira/simData.js';
import { startJiraSim, type JiraSim } from '../../sim/jira/startJiraSim.js';
import { cf, linkedScheme, singleScheme, sinkFor } from './fixtures.js';

async function problemsOf(p: Promise<unknown>): Promise<ProblemList> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(ProblemList);
    return err as ProblemList;
  }
  expect.fail('expected a ProblemList');
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`sinks/jira prepare (${flavor} simulator)`, () => {
    let sim: JiraSim;
    let host: string;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
      host = new URL(sim.url).host;
    });
    afterEach(() => sim.close());

    it('accepts the VMDR schemes on a well set-up project, once per run', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme(), linkedScheme()] });
      const calls = sink.calls();
      expect(calls.writes).to.equal(0);
      const paths = sim.requests.map((r) => r.path.replace(/\/rest\/api\/\d\//, ''));
      expect(paths).to.include.members(['myself', 'project/VULN', 'field', 'issueLinkType', 'project/VULN/statuses', 'issue/createmeta/VULN/issuetypes']);
      expect(paths).to.include(flavor === 'cloud' ? 'priority/search' : 'priority');
      if (flavor === 'cloud') {
        // Cloud: only the priorities of the project's priority scheme.
        expect(sim.requests.find((r) => r.path.endsWith('/priority/search'))?.query.projectId).to.equal('10000');
      }
      await sink.prepare({ project: 'VULN', schemes: [singleScheme(), linkedScheme()] });
      expect(sink.calls()).to.deep.equal(calls);
    });

    it('names an unknown project with the host and the visible projects', async () => {
      const { sink } = sinkFor(sim);
      const err = await problemsOf(sink.prepare({ project: 'NOPE', schemes: [singleScheme()] }));
      expect(err.code).to.equal('SINK_SETUP_INVALID');
      expect(err.message).to.include(host);
      expect(err.problems).to.have.length(1);
      expect(err.problems[0].message).to.equal(`project NOPE does not exist on Jira at ${host}, or the account cannot browse it (visible projects: VULN, OPS)`);
    });

    it('collects every problem into one list naming the host and the template file', async () => {
      sim.data.statusesByIssueType.Vulnerability = ['Open', 'In Progress', 'Closed', 'Done'];
      const bad = singleScheme({
        issueType: 'Epic Vulnerability',
        priorities: ['High', 'Critical'],
        customFields: [cf('Host ID'), { ...cf('Hostid'), required: true }, cf('Owner', 'customfield_99999')],
      });
      const { sink } = sinkFor(sim, { linkType: 'Parent Of' });
      const err = await problemsOf(sink.prepare({ project: 'VULN', schemes: [bad, linkedScheme()] }));
      expect(err.code).to.equal('SINK_SETUP_INVALID');
      expect(err.message).to.include(`Jira at ${host} is not ready for project VULN`);
      const messages = err.problems.map((p) => p.message);
      expect(messages).to.include("issue type 'Epic Vulnerability' does not exist in project VULN (available: Task, Bug, Sub-task, Vulnerable Host, Vulnerability, Host Vulnerability)");
      expect(messages).to.include("priority 'Critical' does not exist in project VULN (available: Highest, High, Medium, Low, Lowest)");
      expect(messages).to.include(`custom field 'Hostid' does not exist on Jira at ${host} (close matches: 'Host ID'), and the template marks it required`);
      expect(messages).to.include(`custom field id customfield_99999 ('Owner') does not exist on Jira at ${host}`);
      expect(messages).to.include("status 'Reopened' does not exist in project VULN for issue type Vulnerability (available: Open, In Progress, Closed, Done)");
      expect(messages).to.include(`issue link type 'Parent Of' does not exist on Jira at ${host} (available: Blocks, Cloners, Duplicate, Relates)`);
      expect(err.problems).to.have.length(6);
      const status = err.problems.find((p) => p.message.startsWith("status 'Reopened'")) as VulnbridgeError;
      expect(status.file).to.equal('templates/host-vuln.json');
      expect(status.path).to.equal('metadata.workflowMappings.Re-Opened');
      const field = err.problems.find((p) => p.message.includes("'Hostid'")) as VulnbridgeError;
      expect(field.file).to.equal('templates/per-detection.json');
      expect(field.path).to.equal('payload.custom_fields.Hostid');
      expect(err.problems.every((p) => p.host === host)).to.equal(true);
    });

    it('asks for customFieldId when two fields share a name, and accepts one given by id', async () => {
      sim.data.fields.push(customField(10300, 'QID', 'textfield'));
      const { sink } = sinkFor(sim);
      const err = await problemsOf(sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [cf('QID')] })] }));
      expect(err.problems[0].message).to.equal(`2 fields on Jira at ${host} are named 'QID' (customfield_10112, customfield_10300)`);
      expect(err.problems[0].hint).to.include('customFieldId');
      await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [cf('QID', 'customfield_10300')] })] });
    });

    it('leaves out a missing field the template does not mark required, naming close matches', async () => {
      const { sink } = sinkFor(sim);
      await sink.prepare({ project: 'VULN', schemes: [singleScheme({ customFields: [cf('Host ID'), cf('Hostid'), cf('Exploitability'), cf('Primary Key')] })] });
      expect(sink.skippedFields?.('VULN')).to.deep.equal(["Hostid (close matches: 'Host ID')", 'Exploitability']);
      const fields = sink.fields(
        { role: 'single', primaryKey: 'k', issueType: 'Task', summary: 's', description: [], labels: [], customFields: [
          { name: 'Host ID', text: '7', rich: [{ text: '7', value: true }] },
          { name: 'Exploitability', text: 'high', rich: [{ text: 'high', value: true }] },
        ] },
        { project: 'VULN' },
      );
      expect(Object.keys(fields).filter((k) => k.startsWith('customfield_'))).to.deep.equal(['customfield_10100']);
    });

    it('does not cache a failed check: fixing Jira and preparing again succeeds', async () => {
      const scheme = singleScheme({ issueType: 'Security Finding' });
      const { sink } = sinkFor(sim);
      await problemsOf(sink.prepare({ project: 'VULN', schemes: [scheme] }));
      sim.data.issueTypes.push({ id: '10099', name: 'Security Finding', subtask: false });
      await sink.prepare({ project: 'VULN', schemes: [scheme] });
    });
  });
}
