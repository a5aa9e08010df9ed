import { expect } from 'chai';
import { simplifiedWorkflowData } from '../../../connector/cli/commands/demoCommand.js';
import { simCall } from './simCall.js';
import { startJiraSim, type JiraSim } from './startJiraSim.js';

const call = simCall;

describe('sim/jira: Cloud bulk operations (bulk/issues/transition, bulk/issues/fields, bulk/queue)', () => {
  let sim: JiraSim;
  beforeEach(async () => {
    sim = await startJiraSim({ flavor: 'cloud', data: simplifiedWorkflowData() });
  });
  afterEach(() => sim.close());

  const doneId = () => sim.data.transitions.find((t) => t.to === 'Done')?.id as string;

  it('a bulk transition is a task: RUNNING for the configured polls, then COMPLETE naming each issue moved and each that failed (by id)', async () => {
    const issues = [1, 2, 3, 4].map((n) => sim.seedIssue({ summary: `issue ${n}`, status: 'To Do' }));
    const [a, b, c, d] = issues as [typeof issues[0], typeof issues[0], typeof issues[0], typeof issues[0]];
    sim.setStatus(c.key, 'Done');
    sim.bulk.options.failures.set(d.key, 'The transition is not available for this issue.');
    sim.bulk.options.pollsBeforeDone = 2;

    const submit = await call(sim, 'POST', '/rest/api/3/bulk/issues/transition', {
      bulkTransitionInputs: [{ selectedIssueIdsOrKeys: [a.key, b.id, c.key, d.key, 'VULN-999'], transitionId: doneId() }],
      sendBulkNotification: false,
    });
    expect(submit.status).to.equal(201);
    const taskId = submit.body?.taskId as string;
    expect(taskId).to.be.a('string');
    // The change is made at once (Jira works the queue without being polled).
    expect(sim.issue(a.key)?.status).to.equal('Done');

    const polls = [];
    for (let n = 0; n < 3; n++) polls.push((await call(sim, 'GET', `/rest/api/3/bulk/queue/${taskId}`)).body as Record<string, unknown>);
    expect(polls.map((p) => p.status)).to.deep.equal(['RUNNING', 'RUNNING', 'COMPLETE']);
    const done = polls[2] as Record<string, unknown>;
    expect(done).to.include({ taskId, progressPercent: 100, totalIssueCount: 5, invalidOrInaccessibleIssueCount: 1 });
    expect(done.processedAccessibleIssues).to.have.members([Number(a.id), Number(b.id)]);
    const failed = done.failedAccessibleIssues as Record<string, string[]>;
    expect(Object.keys(failed)).to.have.members([c.id, d.id]);
    expect(failed[c.id]?.[0]).to.match(/not valid/);
    expect(failed[d.id]).to.deep.equal(['The transition is not available for this issue.']);
    expect(sim.issue(d.key)?.status).to.equal('To Do');
    expect(sim.bulk.counts).to.include({ transitionSubmits: 1, polls: 3, issuesChanged: 2 });
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.responseViolations).to.deep.equal([]);
  });

  it('a bulk edit adds or removes labels on each selected issue', async () => {
    const a = sim.seedIssue({ labels: ['vulnbridge', 'vulnbridge-sla-due-soon'] });
    const b = sim.seedIssue({ labels: ['vulnbridge'] });
    const submit = await call(sim, 'POST', '/rest/api/3/bulk/issues/fields', {
      selectedActions: ['labels'],
      selectedIssueIdsOrKeys: [a.key, b.key],
      editedFieldsInput: { labelsFields: [{ fieldId: 'labels', bulkEditMultiSelectFieldOption: 'ADD', labels: [{ name: 'vulnbridge-sla-breached' }] }] },
      sendBulkNotification: false,
    });
    expect(submit.status).to.equal(201);
    const poll = await call(sim, 'GET', `/rest/api/3/bulk/queue/${submit.body?.taskId as string}`);
    expect(poll.body).to.include({ status: 'COMPLETE' });
    expect(poll.body?.processedAccessibleIssues).to.have.members([Number(a.id), Number(b.id)]);
    expect(sim.issue(a.key)?.fields.labels).to.include('vulnbridge-sla-breached').and.include('vulnbridge-sla-due-soon');
    expect(sim.issue(b.key)?.fields.labels).to.include('vulnbridge-sla-breached');
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.responseViolations).to.deep.equal([]);
  });

  it('without the global Bulk Change permission: mypermissions says so and a submit is refused 403', async () => {
    const a = sim.seedIssue({ status: 'To Do' });
    const granted = await call(sim, 'GET', '/rest/api/3/mypermissions?permissions=BULK_CHANGE');
    expect((granted.body?.permissions as Record<string, { havePermission: boolean }>).BULK_CHANGE?.havePermission).to.equal(true);
    sim.data.bulkChange = false;
    const denied = await call(sim, 'GET', '/rest/api/3/mypermissions?permissions=BULK_CHANGE');
    expect((denied.body?.permissions as Record<string, { havePermission: boolean }>).BULK_CHANGE?.havePermission).to.equal(false);
    const submit = await call(sim, 'POST', '/rest/api/3/bulk/issues/transition', { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: [a.key], transitionId: doneId() }] });
    expect(submit.status).to.equal(403);
    expect(sim.issue(a.key)?.status).to.equal('To Do');
    expect(sim.bulk.counts.permissionChecks).to.equal(2);
  });

  it('an unknown task id answers 404', async () => {
    expect((await call(sim, 'GET', '/rest/api/3/bulk/queue/424242')).status).to.equal(404);
  });
});

describe('sim/jira: Data Center has no bulk operations', () => {
  it('answers 404 to the bulk paths', async () => {
    const sim = await startJiraSim({ flavor: 'datacenter' });
    try {
      const body = { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: ['VULN-1'], transitionId: '31' }] };
      expect((await call(sim, 'POST', '/rest/api/2/bulk/issues/transition', body)).status).to.equal(404);
      expect((await call(sim, 'GET', '/rest/api/2/bulk/queue/1')).status).to.equal(404);
    } finally {
      await sim.close();
    }
  });
});
