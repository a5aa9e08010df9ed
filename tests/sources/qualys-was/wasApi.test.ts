import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SourceError } from '../../../connector/errors.js';
import { closedPort } from '../../support/net.js';
import { BASE, captureLogger, fakeSleep, makeWasSource, pullAll, pullError, rawFinding, SEARCH, searchResponse, WAS_PASSWORD } from './wasTestKit.js';

const envelope = (responseCode: string, errorMessage: string) => ({ ServiceResponse: { responseCode, responseErrorDetails: { errorMessage } } });

describe('qualys-was: HTTP, auth and errors (nock)', () => {
  it('401: AUTH_FAILED naming the host and the env vars, never the password, not retried', async () => {
    const scope = nock(BASE).post(SEARCH).reply(401, envelope('INVALID_CREDENTIALS', 'Bad Login/Password'));
    const err = await pullError(makeWasSource());
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(ExternalHostError);
    const e = err as ExternalHostError;
    expect(e.code).to.equal('AUTH_FAILED');
    expect(e.message).to.include('qualysapi.test.example').and.include('QUALYS_WAS_USERNAME/QUALYS_WAS_PASSWORD');
    expect(e.describe()).to.not.include(WAS_PASSWORD);
  });

  it('HTTP 200 with responseCode INVALID_CREDENTIALS or UNAUTHORIZED is an auth failure too', async () => {
    nock(BASE).post(SEARCH).reply(200, envelope('INVALID_CREDENTIALS', 'Bad Login/Password'));
    const bad = (await pullError(makeWasSource())) as ExternalHostError;
    expect(bad.code).to.equal('AUTH_FAILED');
    nock(BASE).post(SEARCH).reply(200, envelope('UNAUTHORIZED', 'User does not have WAS API access'));
    const denied = (await pullError(makeWasSource())) as ExternalHostError;
    expect(denied.code).to.equal('AUTH_FAILED');
    expect(denied.message).to.include('may not use the WAS API').and.include('User does not have WAS API access');
  });

  it('INVALID_REQUEST: SourceError quoting Qualys\' message, pointing at the filters', async () => {
    const scope = nock(BASE).post(SEARCH).reply(400, envelope('INVALID_REQUEST', 'Unknown field owasp.nam in Criteria'));
    const err = await pullError(makeWasSource());
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_FAILED');
    expect((err as SourceError).message).to.include('INVALID_REQUEST: Unknown field owasp.nam in Criteria');
    expect((err as SourceError).hint).to.include('filters');
  });

  it('409 with X-RateLimit-ToWait-Sec: waits what Qualys asks, logs it, then succeeds', async () => {
    const scope = nock(BASE)
      .post(SEARCH)
      .reply(409, '<SIMPLE_RETURN/>', { 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': '42' })
      .post(SEARCH)
      .reply(200, searchResponse([rawFinding(1)]));
    const sleeps = fakeSleep();
    const { log, lines } = captureLogger();
    const { pages } = await pullAll(makeWasSource({}, { sleep: sleeps.sleep, log }));
    expect(scope.isDone()).to.equal(true);
    expect(sleeps.calls).to.deep.equal([42_000]);
    expect(pages[0]!.findings).to.have.length(1);
    expect(lines.some((l) => l.level === 'info' && l.meta.waitSeconds === 42)).to.equal(true);
  });

  it('429 with Retry-After and a 503 are retried', async () => {
    const scope = nock(BASE)
      .post(SEARCH)
      .reply(429, '', { 'Retry-After': '7' })
      .post(SEARCH)
      .reply(503, 'busy')
      .post(SEARCH)
      .reply(200, searchResponse([rawFinding(1)]));
    const sleeps = fakeSleep();
    const { pages } = await pullAll(makeWasSource({}, { sleep: sleeps.sleep }));
    expect(scope.isDone()).to.equal(true);
    expect(sleeps.calls[0]).to.equal(7000);
    expect(pages[0]!.findings).to.have.length(1);
  });

  it('a body that is not a ServiceResponse (web UI login page): SOURCE_RESPONSE_INVALID', async () => {
    nock(BASE).post(SEARCH).reply(200, '<html><body>Login</body></html>', { 'Content-Type': 'text/html' });
    const err = (await pullError(makeWasSource())) as SourceError;
    expect(err.code).to.equal('SOURCE_RESPONSE_INVALID');
    expect(err.message).to.include('not JSON');
  });

  it('an unreachable host: HOST_UNREACHABLE naming it', async () => {
    const port = await closedPort();
    const err = (await pullError(makeWasSource({ url: `http://127.0.0.1:${port}` }, { retry: { retries: 0 } }))) as ExternalHostError;
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.host).to.equal(`127.0.0.1:${port}`);
  });
});
