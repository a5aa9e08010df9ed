import { expect } from 'chai';
import { OpenApiValidator } from './openApiValidator.js';
import { SIM_CREDENTIALS, startJiraSim, type JiraSim } from './startJiraSim.js';

const CLOUD_AUTH = `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}`;
const DC_AUTH = `Bearer ${SIM_CREDENTIALS.pat}`;

async function call(sim: JiraSim, method: string, path: string, body?: unknown, auth = sim.flavor === 'cloud' ? CLOUD_AUTH : DC_AUTH) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const issue = (fields: Record<string, unknown>) => ({ fields: { project: { key: 'VULN' }, issuetype: { name: 'Task' }, summary: 'a finding', ...fields } });
const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

describe('sim/jira: Cloud', () => {
  let sim: JiraSim;
  beforeEach(async () => {
    sim = await startJiraSim({ flavor: 'cloud' });
  });
  afterEach(() => sim.close());

  it('answers 401 with X-Seraph-LoginReason to wrong credentials and serves the right ones', async () => {
    const bad = await call(sim, 'GET', '/rest/api/3/myself', undefined, `Basic ${Buffer.from('bot@example.com:wrong').toString('base64')}`);
    expect(bad.status).to.equal(401);
    expect(bad.headers.get('x-seraph-loginreason')).to.equal('AUTHENTICATED_FAILED');
    const ok = await call(sim, 'GET', '/rest/api/3/myself');
    expect(ok.status).to.equal(200);
    expect(ok.body?.emailAddress).to.equal(SIM_CREDENTIALS.email);
  });

  it('refuses a JSON body sent under another Content-Type with 415, as Jira does, and creates nothing', async () => {
    const res = await fetch(`${sim.url}/rest/api/3/issue/bulk`, {
      method: 'POST',
      headers: { Authorization: CLOUD_AUTH, 'Content-Type': 'text/plain' },
      body: JSON.stringify({ issueUpdates: [issue({})] }),
    });
    expect(res.status).to.equal(415);
    expect(((await res.json()) as { errorMessages: string[] }).errorMessages).to.deep.equal(["Unsupported Media Type: 'text/plain'"]);
    expect(sim.issues()).to.have.length(0);
  });

  it('answers 410 Gone on the removed /search, like Jira Cloud', async () => {
    const r = await call(sim, 'GET', '/rest/api/3/search?jql=project%3DVULN');
    expect(r.status).to.equal(410);
    expect((r.body?.errorMessages as string[])[0]).to.match(/migrate to the \/rest\/api\/3\/search\/jql API/);
  });

  it('creates issues in bulk with per-element errors in Jira\'s shapes, and enforces 50 per call', async () => {
    const r = await call(sim, 'POST', '/rest/api/3/issue/bulk', {
      issueUpdates: [
        issue({ description: adf('ok') }),
        issue({ description: 'a string' }),
        issue({ summary: 'x'.repeat(256) }),
        issue({ priority: { name: 'Blocker' }, labels: ['has space'] }),
        issue({ issuetype: { name: 'Sub-task' } }),
        issue({ customfield_99999: 'x' }),
      ],
    });
    expect(r.status).to.equal(201);
    expect(r.body?.issues).to.have.length(1);
    expect(r.body?.errors).to.deep.equal([
      { status: 400, elementErrors: { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } }, failedElementNumber: 1 },
      { status: 400, elementErrors: { errorMessages: [], errors: { summary: "Summary can't exceed 255 characters." } }, failedElementNumber: 2 },
      { status: 400, elementErrors: { errorMessages: [], errors: { priority: 'The priority selected is invalid.', labels: "The label 'has space' can't contain spaces." } }, failedElementNumber: 3 },
      { status: 400, elementErrors: { errorMessages: [], errors: { issuetype: 'Issue type is a sub-task but parent issue key or id not specified.' } }, failedElementNumber: 4 },
      { status: 400, elementErrors: { errorMessages: [], errors: { customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown." } }, failedElementNumber: 5 },
    ]);
    const tooMany = await call(sim, 'POST', '/rest/api/3/issue/bulk', { issueUpdates: Array.from({ length: 51 }, () => issue({})) });
    expect(tooMany.status).to.equal(400);
    expect(sim.issues()).to.have.length(1);
  });

  it('enforces required fields the create screen asks for', async () => {
    sim.data.requiredFields.push('customfield_10130');
    const r = await call(sim, 'POST', '/rest/api/3/issue', issue({}));
    expect(r.status).to.equal(400);
    expect(r.body?.errors).to.deep.equal({ customfield_10130: 'Primary Key is required.' });
  });

  it('refuses a body that breaks the OpenAPI schema with 400 and records the violation', async () => {
    const r = await call(sim, 'POST', '/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: 'VULN-1' } });
    expect(r.status).to.equal(400);
    expect(sim.openApiViolations).to.have.length(1);
    expect(sim.openApiViolations[0].operationId).to.equal('linkIssues');
    expect(sim.openApiViolations[0].errors[0]).to.include("must have required property 'outwardIssue'");
  });

  it('searches with nextPageToken and isLast, no total, ids only by default; bad JQL is a 400', async () => {
    for (let i = 0; i < 3; i++) await call(sim, 'POST', '/rest/api/3/issue', issue({ labels: ['vb-x'] }));
    const first = await call(sim, 'POST', '/rest/api/3/search/jql', { jql: 'project = VULN AND labels = "vb-x" ORDER BY key ASC', maxResults: 2 });
    expect(first.body).to.have.keys('issues', 'isLast', 'nextPageToken');
    expect(first.body?.issues).to.deep.equal([{ id: '10000' }, { id: '10001' }]);
    const second = await call(sim, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = VULN AND labels = "vb-x" ORDER BY key ASC')}&maxResults=2&fields=labels&nextPageToken=${String(first.body?.nextPageToken)}`);
    expect(second.body?.isLast).to.equal(true);
    expect((second.body?.issues as Array<{ key: string; fields: unknown }>).map((i) => [i.key, i.fields])).to.deep.equal([['VULN-3', { labels: ['vb-x'] }]]);
    const bad = await call(sim, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = VULN AND labels in (a')}`);
    expect(bad.status).to.equal(400);
    const unbounded = await call(sim, 'GET', '/rest/api/3/search/jql?jql=');
    expect((unbounded.body?.errorMessages as string[])[0]).to.match(/Unbounded JQL/);
    expect(sim.responseViolations).to.deep.equal([]);
  });

  it('failNext answers the next request with the status and Retry-After asked for', async () => {
    sim.failNext(429, { retryAfter: 3, times: 2, match: /GET .*\/myself$/ });
    expect((await call(sim, 'GET', '/rest/api/3/field')).status).to.equal(200);
    const first = await call(sim, 'GET', '/rest/api/3/myself');
    expect([first.status, first.headers.get('retry-after')]).to.deep.equal([429, '3']);
    expect((await call(sim, 'GET', '/rest/api/3/myself')).status).to.equal(429);
    expect((await call(sim, 'GET', '/rest/api/3/myself')).status).to.equal(200);
  });

  it('answers GET /__sim/stats with counts, outside the request log', async () => {
    await call(sim, 'POST', '/rest/api/3/issue', issue({}));
    const r = await call(sim, 'GET', '/__sim/stats', undefined, '');
    expect(r.body).to.deep.equal({
      issues: 1,
      links: 0,
      requests: 1,
      calls: { reads: 0, writes: 1 },
      bulk: { permissionChecks: 0, transitionSubmits: 0, editSubmits: 0, polls: 0, issuesChanged: 0 },
    });
    expect(sim.requests).to.have.length(1);
  });

  it('in dead-token mode serves searches to bad credentials as anonymous with the Seraph header', async () => {
    await sim.close();
    sim = await startJiraSim({ flavor: 'cloud', anonymousOnBadCredentials: true });
    const r = await call(sim, 'GET', '/rest/api/3/search/jql?jql=project%3DVULN', undefined, 'Basic eDp5');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ issues: [], isLast: true });
    expect(r.headers.get('x-seraph-loginreason')).to.equal('AUTHENTICATED_FAILED');
  });
});

describe('sim/jira: Data Center', () => {
  let sim: JiraSim;
  beforeEach(async () => {
    sim = await startJiraSim({ flavor: 'datacenter', credentials: { username: 'svc', password: 'svc-password' } });
  });
  afterEach(() => sim.close());

  it('serves REST v2 only, to a Bearer PAT or Basic user:password', async () => {
    expect((await call(sim, 'GET', '/rest/api/3/myself')).status).to.equal(404);
    expect((await call(sim, 'GET', '/rest/api/2/myself')).status).to.equal(200);
    expect((await call(sim, 'GET', '/rest/api/2/myself', undefined, `Basic ${Buffer.from('svc:svc-password').toString('base64')}`)).status).to.equal(200);
    expect((await call(sim, 'GET', '/rest/api/2/myself', undefined, 'Bearer nope')).status).to.equal(401);
  });

  it('takes strings for rich text, refuses ADF, and pages /search by startAt with a total', async () => {
    const refused = await call(sim, 'POST', '/rest/api/2/issue', issue({ description: adf('x') }));
    expect(refused.body?.errors).to.deep.equal({ description: 'Operation value must be a string' });
    for (let i = 0; i < 3; i++) expect((await call(sim, 'POST', '/rest/api/2/issue', issue({ description: 'h1. Title', labels: ['vb-x'] }))).status).to.equal(201);
    const page = await call(sim, 'GET', `/rest/api/2/search?jql=${encodeURIComponent('labels = vb-x ORDER BY key DESC')}&startAt=1&maxResults=1&fields=labels,status`);
    expect(page.body?.total).to.equal(3);
    expect((page.body?.issues as Array<{ key: string }>).map((i) => i.key)).to.deep.equal(['VULN-2']);
  });

  it('lists createmeta issue types as `values`, the Data Center page shape', async () => {
    const r = await call(sim, 'GET', '/rest/api/2/issue/createmeta/VULN/issuetypes');
    expect(r.body).to.include.keys('values', 'isLast');
    expect(r.body).not.to.have.property('issueTypes');
  });

  it('moves issues only along the workflow and requires a resolution on Close Issue', async () => {
    await call(sim, 'POST', '/rest/api/2/issue', issue({}));
    const t = await call(sim, 'GET', '/rest/api/2/issue/VULN-1/transitions');
    expect((t.body?.transitions as Array<{ id: string; to: { name: string } }>).map((x) => [x.id, x.to.name])).to.deep.equal([
      ['11', 'In Progress'],
      ['31', 'Closed'],
    ]);
    expect((await call(sim, 'POST', '/rest/api/2/issue/VULN-1/transitions', { transition: { id: '51' } })).status).to.equal(400);
    expect((await call(sim, 'POST', '/rest/api/2/issue/VULN-1/transitions', { transition: { id: '31' } })).body?.errors).to.deep.equal({ resolution: 'Resolution is required.' });
    expect((await call(sim, 'POST', '/rest/api/2/issue/VULN-1/transitions', { transition: { id: '31' }, fields: { resolution: { name: 'Done' } } })).status).to.equal(204);
    expect(sim.issue('VULN-1')).to.include({ status: 'Closed', resolution: 'Done' });
  });
});

describe('sim/jira: what the due date needs (screens, Schedule Issues)', () => {
  for (const flavor of ['cloud', 'datacenter'] as const) {
    it(`${flavor}: mypermissions, createmeta fields per issue type and editmeta; duedate set as YYYY-MM-DD only when allowed`, async () => {
      const sim = await startJiraSim({ flavor });
      try {
        const v = flavor === 'cloud' ? '3' : '2';
        const perms = await call(sim, 'GET', `/rest/api/${v}/mypermissions?projectKey=VULN&permissions=SCHEDULE_ISSUES`);
        expect((perms.body?.permissions as Record<string, { havePermission: boolean }>).SCHEDULE_ISSUES?.havePermission).to.equal(true);
        const task = sim.data.issueTypes.find((t) => t.name === 'Task')?.id as string;
        const meta = await call(sim, 'GET', `/rest/api/${v}/issue/createmeta/VULN/issuetypes/${task}`);
        const list = (flavor === 'cloud' ? meta.body?.fields : meta.body?.values) as Array<{ fieldId: string }>;
        expect(list.map((f) => f.fieldId)).to.include('duedate');
        const body = issue({ duedate: '2026-02-01' });
        expect((await call(sim, 'POST', `/rest/api/${v}/issue`, body)).status).to.equal(201);
        expect(sim.issue('VULN-1')?.fields.duedate).to.equal('2026-02-01');
        const edit = await call(sim, 'GET', `/rest/api/${v}/issue/VULN-1/editmeta`);
        expect(edit.body?.fields).to.have.property('duedate');
        expect((await call(sim, 'PUT', `/rest/api/${v}/issue/VULN-1`, { fields: { duedate: '01/02/2026' } })).status).to.equal(400);
        sim.data.schedulePermission = false;
        const denied = await call(sim, 'GET', `/rest/api/${v}/mypermissions?projectKey=VULN&permissions=SCHEDULE_ISSUES`);
        expect((denied.body?.permissions as Record<string, { havePermission: boolean }>).SCHEDULE_ISSUES?.havePermission).to.equal(false);
        const refused = await call(sim, 'PUT', `/rest/api/${v}/issue/VULN-1`, { fields: { duedate: '2026-03-01' } });
        expect(refused.body?.errors).to.deep.equal({ duedate: "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown." });
        expect(sim.responseViolations).to.deep.equal([]);
      } finally {
        await sim.close();
      }
    });
  }
});

describe('sim/jira: OpenAPI validator', () => {
  it('checks responses too: an answer with an unknown property is reported', () => {
    const check = OpenApiValidator.get().checkResponse('GET', '/rest/api/3/issue/VULN-1/transitions', 200, { transitions: [], surprise: 1 });
    expect(check.operationId).to.equal('getTransitions');
    expect(check.errors[0]).to.include('must NOT have additional properties');
  });
});
