import { closedPort } from '../../support/net.js';
import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SinkError, VulnbridgeError } from '../../../connector/errors.js';
import { SIM_CREDENTIALS, startJiraSim } from '../../sim/jira/startJiraSim.js';
import { sinkFor } from './fixtures.js';

const CLOUD = 'https://acme.atlassian.test';
const DC = 'https://jira.acme.test';
const ISSUE_BODY = {
  id: '10001',
  key: 'VULN-1',
  fields: { status: { id: '1', name: 'Open', statusCategory: { id: 2, key: 'new', name: 'To Do' } } },
};

async function rejection(p: Promise<unknown>): Promise<VulnbridgeError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(VulnbridgeError);
    return err as VulnbridgeError;
  }
  expect.fail('expected a rejection');
}

describe('sinks/jira: HTTP errors, retries and auth (nock)', () => {
  it('429 with Retry-After: waits the asked time through the injected sleep, then succeeds', async () => {
    const scope = nock(CLOUD)
      .get('/rest/api/3/issue/VULN-1')
      .query({ fields: 'status,issuetype,project' })
      .reply(429, { errorMessages: ['Rate limit exceeded'] }, { 'Retry-After': '7', 'RateLimit-Reason': 'jira-burst-based' })
      .get('/rest/api/3/issue/VULN-1')
      .query({ fields: 'status,issuetype,project' })
      .reply(200, ISSUE_BODY);
    const { sink, waits } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    expect(await sink.status('VULN-1')).to.deep.equal({ name: 'Open', category: 'new' });
    expect(waits).to.deep.equal([7000]);
    expect(sink.calls()).to.deep.equal({ reads: 2, writes: 0 });
    expect(scope.isDone()).to.equal(true);
  });

  it('503 is retried and gives up as HOST_ERROR naming the host when it persists', async () => {
    const scope = nock(DC).get('/rest/api/2/issue/VULN-1').query(true).times(4).reply(503, '<html>busy</html>', { 'Retry-After': '2' });
    const { sink, waits } = sinkFor({ url: DC, flavor: 'datacenter' });
    const err = await rejection(sink.status('VULN-1'));
    expect(err).to.be.instanceOf(ExternalHostError);
    expect(err.code).to.equal('HOST_ERROR');
    expect(err.host).to.equal('jira.acme.test');
    expect(waits).to.deep.equal([2000, 2000, 2000]);
    expect(scope.isDone()).to.equal(true);
  });

  it('401: AUTH_FAILED naming the host and the env var, never the token, and not retried', async () => {
    const scope = nock(CLOUD).get('/rest/api/3/myself').reply(401, { errorMessages: ['Client must be authenticated'] });
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const err = await rejection(sink.prepare({ project: 'VULN', schemes: [] }));
    expect(err.code).to.equal('AUTH_FAILED');
    expect(err.message).to.equal('Jira at acme.atlassian.test rejected the credentials: check JIRA_API_TOKEN (and email)');
    expect(err.describe()).not.to.include(SIM_CREDENTIALS.token);
    expect(JSON.stringify(err)).not.to.include(SIM_CREDENTIALS.token);
    expect(scope.isDone()).to.equal(true);
  });

  it('sends Basic email:token on Cloud and Bearer <PAT> on Data Center', async () => {
    const basic = `Basic ${Buffer.from(`${SIM_CREDENTIALS.email}:${SIM_CREDENTIALS.token}`).toString('base64')}`;
    const cloud = nock(CLOUD).matchHeader('authorization', basic).get('/rest/api/3/issue/VULN-1').query(true).reply(200, ISSUE_BODY);
    const dc = nock(DC).matchHeader('authorization', `Bearer ${SIM_CREDENTIALS.pat}`).get('/rest/api/2/issue/VULN-1').query(true).reply(200, ISSUE_BODY);
    await sinkFor({ url: CLOUD, flavor: 'cloud' }).sink.status('VULN-1');
    await sinkFor({ url: DC, flavor: 'datacenter' }).sink.status('VULN-1');
    expect(cloud.isDone() && dc.isDone()).to.equal(true);
  });

  it('a 200 with X-Seraph-LoginReason: AUTHENTICATED_FAILED (dead token served as anonymous) is AUTH_FAILED', async () => {
    const scope = nock(CLOUD)
      .get('/rest/api/3/search/jql')
      .query(true)
      .reply(200, { issues: [], isLast: true }, { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' });
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const err = await rejection(sink.findByMarkers('VULN', ['vb-1']));
    expect(err.code).to.equal('AUTH_FAILED');
    expect(err.message).to.include('acme.atlassian.test');
    expect(scope.isDone()).to.equal(true);
  });

  it('a CAPTCHA refusal on Data Center is AUTH_FAILED with a hint to log in once', async () => {
    const scope = nock(DC).get('/rest/api/2/issue/VULN-1').query(true).reply(403, '', { 'X-Authentication-Denied-Reason': 'CAPTCHA_CHALLENGE; login-url=https://jira.acme.test/login.jsp' });
    const err = await rejection(sinkFor({ url: DC, flavor: 'datacenter' }).sink.status('VULN-1'));
    expect(err.code).to.equal('AUTH_FAILED');
    expect(err.hint).to.match(/CAPTCHA/);
    expect(scope.isDone()).to.equal(true);
  });

  it('400 becomes SINK_REJECTED naming the field Jira rejected and its message', async () => {
    const scope = nock(CLOUD)
      .put('/rest/api/3/issue/VULN-1')
      .reply(400, { errorMessages: [], errors: { customfield_10100: 'Operation value must be a number' } });
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const err = await rejection(sink.update('VULN-1', { fields: { customfield_10100: 'abc' } }));
    expect(err).to.be.instanceOf(SinkError);
    expect(err.code).to.equal('SINK_REJECTED');
    expect(err.path).to.equal('customfield_10100');
    expect(err.message).to.include('customfield_10100: Operation value must be a number');
    expect(scope.isDone()).to.equal(true);
  });

  it('a 400 that is not a bulk answer, for a one-element batch, is that element\'s error', async () => {
    const scope = nock(DC)
      .post('/rest/api/2/issue/bulk')
      .reply(400, { errorMessages: [], errors: { project: 'valid project is required' } });
    const [result] = await sinkFor({ url: DC, flavor: 'datacenter' }).sink.createMany([{ ref: 'r1', fields: { summary: 's' } }]);
    expect(result.error?.code).to.equal('SINK_REJECTED');
    expect(result.error?.message).to.equal('Jira rejected issue r1: project: valid project is required');
    expect(scope.isDone()).to.equal(true);
  });

  it('a 500 on bulk create is not repeated (it may have created the issues) and fails naming the host', async () => {
    const scope = nock(CLOUD).post('/rest/api/3/issue/bulk').reply(500, { errorMessages: ['oops'] });
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const err = await rejection(sink.createMany([{ ref: 'r1', fields: { summary: 's' } }]));
    expect(err.code).to.equal('HOST_ERROR');
    expect(err.host).to.equal('acme.atlassian.test');
    expect(sink.calls().writes).to.equal(1);
    expect(scope.isDone()).to.equal(true);
  });

  it('a host failure after a first bulk chunk succeeded keeps the created keys and marks the rest', async () => {
    const issues = Array.from({ length: 50 }, (_, i) => ({ id: String(10000 + i), key: `VULN-${i + 1}`, self: `${CLOUD}/rest/api/3/issue/${10000 + i}` }));
    const scope = nock(CLOUD)
      .post('/rest/api/3/issue/bulk')
      .reply(201, { issues, errors: [] })
      .post('/rest/api/3/issue/bulk')
      .reply(502, 'Bad gateway');
    const { sink } = sinkFor({ url: CLOUD, flavor: 'cloud' });
    const items = Array.from({ length: 60 }, (_, i) => ({ ref: `r${i}`, fields: { summary: `s${i}` } }));
    const results = await sink.createMany(items);
    expect(results).to.have.length(60);
    expect(results[49]).to.deep.equal({ ref: 'r49', key: 'VULN-50', id: '10049' });
    expect(results[50].error?.code).to.equal('HOST_ERROR');
    expect(results[59].error?.code).to.equal('HOST_ERROR');
    expect(scope.isDone()).to.equal(true);
  });

  it('an unreachable host is HOST_UNREACHABLE naming host:port', async () => {
    const port = await closedPort();
    const { sink } = sinkFor({ url: `http://127.0.0.1:${port}`, flavor: 'datacenter' });
    const err = await rejection(sink.prepare({ project: 'VULN', schemes: [] }));
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.host).to.equal(`127.0.0.1:${port}`);
    expect(err.describe()).to.include(`127.0.0.1:${port}`);
  });

  it('an unknown host name is HOST_UNREACHABLE naming it', async () => {
    // nock refuses the connection the way DNS would fail: no network is used.
    const { sink } = sinkFor({ url: 'https://no-such-jira.invalid', flavor: 'cloud' });
    const err = await rejection(sink.status('VULN-1'));
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.host).to.equal('no-such-jira.invalid');
  });

  it('a redirect is a setup error, credentials are not sent on', async () => {
    const scope = nock(DC).get('/rest/api/2/issue/VULN-1').query(true).reply(302, '', { Location: 'https://sso.acme.test/login' });
    const err = await rejection(sinkFor({ url: DC, flavor: 'datacenter' }).sink.status('VULN-1'));
    expect(err.code).to.equal('SINK_SETUP_INVALID');
    expect(err.message).to.include('https://sso.acme.test/login');
    expect(scope.isDone()).to.equal(true);
  });

  it('404 on status() means the issue is gone', async () => {
    const scope = nock(CLOUD).get('/rest/api/3/issue/VULN-9').query(true).reply(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    expect(await sinkFor({ url: CLOUD, flavor: 'cloud' }).sink.status('VULN-9')).to.equal(undefined);
    expect(scope.isDone()).to.equal(true);
  });
});

describe('sinks/jira: credentials against the simulator', () => {
  it('a dead Cloud token served as anonymous on search is AUTH_FAILED, not "no tickets"', async () => {
    const sim = await startJiraSim({ flavor: 'cloud', anonymousOnBadCredentials: true, credentials: { token: 'a-newer-token' } });
    try {
      const err = await rejection(sinkFor(sim).sink.findByMarkers('VULN', ['vb-1']));
      expect(err.code).to.equal('AUTH_FAILED');
      expect(err.message).to.equal(`Jira at ${new URL(sim.url).host} rejected the credentials: check JIRA_API_TOKEN (and email)`);
      expect(sim.requests.map((r) => r.status)).to.deep.equal([200]);
    } finally {
      await sim.close();
    }
  });

  it('Data Center basic auth (username/password) works where enabled', async () => {
    const sim = await startJiraSim({ flavor: 'datacenter', credentials: { username: 'svc', password: SIM_CREDENTIALS.pat } });
    try {
      const issue = sim.seedIssue({});
      const { sink } = sinkFor(sim, { token: undefined, username: 'svc', password: { env: 'JIRA_PAT' } });
      expect(await sink.status(issue.key)).to.deep.equal({ name: 'Open', category: 'new' });
    } finally {
      await sim.close();
    }
  });
});
