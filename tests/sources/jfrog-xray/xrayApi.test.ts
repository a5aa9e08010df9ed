import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SourceError, VulnbridgeError } from '../../../connector/errors.js';
import type { FindingPage } from '../../../connector/model/finding.js';
import { closedPort } from '../../support/net.js';
import {
  BASE,
  captureLogger,
  fakeSleep,
  HOST,
  listBody,
  makeSource,
  nockWatches,
  numbered,
  PASSWORD,
  pullAll,
  pullContext,
  pullError,
  range,
  TOKEN,
  USER,
  VIOLATIONS,
  WATCHES,
} from './xrayTestKit.js';

const EMPTY = listBody([]);
const BASIC = { token: undefined, username: { env: 'XRAY_USER' }, password: { env: 'XRAY_PASSWORD' } };

describe('jfrog-xray: HTTP, auth and errors (nock)', () => {
  it('token: Authorization: Bearer on every call', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(WATCHES)
      .reply(200, [{ general_data: { name: 'prod-watch' } }])
      .post(VIOLATIONS)
      .reply(200, EMPTY);
    await pullAll(makeSource());
    expect(scope.isDone()).to.equal(true);
  });

  it('username + password: Basic auth', async () => {
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const scope = nock(BASE, { reqheaders: { authorization: basic } })
      .get(WATCHES)
      .reply(200, [{ general_data: { name: 'prod-watch' } }])
      .post(VIOLATIONS)
      .reply(200, EMPTY);
    await pullAll(makeSource(BASIC));
    expect(scope.isDone()).to.equal(true);
  });

  it('401: AUTH_FAILED naming the host and the env var, never the token, not retried', async () => {
    nockWatches();
    const scope = nock(BASE).post(VIOLATIONS).reply(401, { errors: [{ status: 401, message: `Bad credentials: Bearer ${TOKEN}` }] });
    const { log, lines } = captureLogger();
    const err = await pullError(makeSource({}, { log }), pullContext({}, undefined, log));
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(ExternalHostError);
    const e = err as ExternalHostError;
    expect(e.code).to.equal('AUTH_FAILED');
    expect(e.message).to.contain(HOST);
    expect(e.message).to.contain('XRAY_TOKEN');
    expect(e.describe()).to.not.contain(TOKEN);
    expect(JSON.stringify(lines)).to.not.contain(TOKEN);
  });

  it('401 with Basic auth names both env vars', async () => {
    nockWatches();
    nock(BASE).post(VIOLATIONS).reply(401, '');
    const err = (await pullError(makeSource(BASIC))) as ExternalHostError;
    expect(err.code).to.equal('AUTH_FAILED');
    expect(err.message).to.contain('XRAY_USER/XRAY_PASSWORD');
    expect(err.describe()).to.not.contain(PASSWORD);
  });

  it('403: SOURCE_FAILED saying the user needs Read permission on the watch resources', async () => {
    nockWatches();
    const scope = nock(BASE).post(VIOLATIONS).reply(403, { error: 'Forbidden' });
    const err = await pullError(makeSource());
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_FAILED');
    expect((err as SourceError).hint).to.contain('Read permission');
  });

  it('400: SOURCE_FAILED quoting Xray\'s error text, secrets redacted', async () => {
    nockWatches();
    nock(BASE).post(VIOLATIONS).reply(400, { error: `invalid min_severity for token ${TOKEN}` });
    const err = (await pullError(makeSource())) as SourceError;
    expect(err.code).to.equal('SOURCE_FAILED');
    expect(err.message).to.contain('invalid min_severity');
    expect(err.message).to.not.contain(TOKEN);
  });

  it('429: waits Retry-After (injected sleep), logs it, then succeeds', async () => {
    nockWatches();
    const scope = nock(BASE).post(VIOLATIONS).reply(429, { error: 'slow down' }, { 'Retry-After': '7' }).post(VIOLATIONS).reply(200, listBody([numbered(1)]));
    const sleeps = fakeSleep();
    const { log, lines } = captureLogger();
    const { pages } = await pullAll(makeSource({}, { sleep: sleeps.sleep, log }));
    expect(scope.isDone()).to.equal(true);
    expect(sleeps.calls).to.deep.equal([7000]);
    expect(pages[0]?.findings).to.have.length(1);
    expect(lines.some((l) => l.level === 'info' && l.meta.waitSeconds === 7)).to.equal(true);
  });

  it('5xx: retried until it succeeds', async () => {
    nockWatches();
    const scope = nock(BASE)
      .post(VIOLATIONS)
      .reply(503, 'busy')
      .post(VIOLATIONS)
      .reply(500, { error: 'failed to get artifacts' })
      .post(VIOLATIONS)
      .reply(200, listBody([numbered(1)]));
    const { pages } = await pullAll(makeSource());
    expect(scope.isDone()).to.equal(true);
    expect(pages).to.have.length(1);
  });

  it('5xx that persists: HOST_ERROR with Xray\'s text and a page-size hint', async () => {
    nockWatches();
    nock(BASE).post(VIOLATIONS).times(3).reply(500, { error: 'failed to get artifacts' });
    const err = (await pullError(makeSource())) as ExternalHostError;
    expect(err.code).to.equal('HOST_ERROR');
    expect(err.message).to.contain('failed to get artifacts');
    expect(err.hint).to.contain('pageSize');
  });

  it('a timeout mid-walk throws: the pull returns no result', async () => {
    nockWatches();
    nock(BASE)
      .post(VIOLATIONS)
      .reply(200, listBody(range(1, 2), 5))
      .post(VIOLATIONS)
      .replyWithError(Object.assign(new Error('timeout of 120000ms exceeded'), { code: 'ETIMEDOUT' }));
    const pages: FindingPage[] = [];
    const gen = makeSource({ pageSize: 2 }, { retry: { retries: 0 } }).pull(pullContext());
    let err: unknown;
    let finished = false;
    try {
      for (;;) {
        const step = await gen.next();
        if (step.done) {
          finished = true;
          break;
        }
        pages.push(step.value);
      }
    } catch (e) {
      err = e;
    }
    expect(finished).to.equal(false);
    expect(pages).to.have.length(1);
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('HOST_UNREACHABLE');
    expect((err as ExternalHostError).message).to.contain('timed out');
  });

  it('a body that is not JSON, or has no violations list: SOURCE_RESPONSE_INVALID naming host and page', async () => {
    nockWatches();
    nock(BASE).post(VIOLATIONS).reply(200, '<html>Login</html>');
    const html = (await pullError(makeSource())) as SourceError;
    expect(html.code).to.equal('SOURCE_RESPONSE_INVALID');
    expect(html.describe()).to.contain(HOST);
    expect(html.message).to.contain('watch prod-watch page 1');

    nockWatches();
    nock(BASE).post(VIOLATIONS).reply(200, { error: 'something else' });
    const noList = (await pullError(makeSource())) as SourceError;
    expect(noList.code).to.equal('SOURCE_RESPONSE_INVALID');
    expect(noList.message).to.contain('without a violations list');
  });

  it('an empty page written the Go way (violations null or omitted, with a total) is an empty page', async () => {
    for (const body of [{ total_violations: 0, violations: null }, { total_violations: 0 }]) {
      nockWatches();
      nock(BASE).post(VIOLATIONS).reply(200, body);
      const { pages, result } = await pullAll(makeSource());
      expect(pages).to.have.length(0);
      expect(result.completeScopes).to.deep.equal(['prod-watch']);
    }
  });

  it('unreachable host: HOST_UNREACHABLE naming it', async () => {
    const port = await closedPort();
    const err = (await pullError(makeSource({ url: `http://127.0.0.1:${port}` }, { retry: { retries: 0 } }))) as ExternalHostError;
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.host).to.equal(`127.0.0.1:${port}`);
  });

  describe('watch check', () => {
    it('an unknown watch fails before any violations call, listing the visible watches', async () => {
      nockWatches(['prod-watch', 'staging-watch']);
      const violations = nock(BASE).post(VIOLATIONS).reply(200, EMPTY);
      const err = (await pullError(makeSource({ watches: ['prod-watch', 'prod-wacth'] }))) as SourceError;
      expect(err).to.be.instanceOf(SourceError);
      expect(err.code).to.equal('SOURCE_FAILED');
      expect(err.message).to.equal(`watch "prod-wacth" not found on ${HOST}`);
      expect(err.hint).to.contain('prod-watch, staging-watch');
      expect(err.hint).to.contain('check `watches:` in the job');
      expect(violations.isDone()).to.equal(false);
      nock.cleanAll(); // a trap: it had to stay unused
    });

    it('403 on Get Watches: the check is skipped (debug log) and the pull goes on', async () => {
      nock(BASE).get(WATCHES).reply(403, { error: 'Forbidden' });
      nock(BASE).post(VIOLATIONS).reply(200, listBody([numbered(1)]));
      const { log, lines } = captureLogger();
      const { pages } = await pullAll(makeSource({}, { log }), pullContext({}, undefined, log));
      expect(pages[0]?.findings).to.have.length(1);
      expect(lines.some((l) => l.level === 'debug' && l.message.includes('skipping the watch name check') && l.meta.status === 403)).to.equal(true);
    });

    it('401 on Get Watches: AUTH_FAILED', async () => {
      nock(BASE).get(WATCHES).reply(401, '');
      const err = (await pullError(makeSource())) as VulnbridgeError;
      expect(err.code).to.equal('AUTH_FAILED');
    });

    it('runs once per source, not on every pull', async () => {
      const watches = nock(BASE).get(WATCHES).times(2).reply(200, [{ general_data: { name: 'prod-watch' } }]);
      nock(BASE).post(VIOLATIONS).times(2).reply(200, EMPTY);
      const source = makeSource();
      await pullAll(source);
      await pullAll(source);
      expect(watches.pendingMocks()).to.have.length(1);
      nock.cleanAll(); // the second Get Watches had to stay unused
    });
  });
});
