import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SourceError, VulnbridgeError } from '../../connector/errors.js';
import { createHttpClient, transportError } from '../../connector/http/client.js';
import { hostErrorCode, httpVerdict } from '../../connector/http/failurePolicy.js';
import { withRetry } from '../../connector/http/retry.js';
import { silentLogger } from '../../connector/log.js';
import { closedPort } from '../support/net.js';

const BASE = 'https://vendor.test';

/** The smallest vendor API: one GET, its answer judged by the failure policy. */
function vendor(baseURL = BASE) {
  const http = createHttpClient({ baseURL, timeoutMs: 5000 });
  return async (): Promise<string> => {
    let res;
    try {
      res = await http.get<string>('/thing', { responseType: 'text' });
    } catch (err) {
      throw transportError(err, 'vendor.test', 'GET /thing');
    }
    const verdict = httpVerdict({ status: res.status, retryAfter: res.headers['retry-after'] });
    if (verdict.verdict === 'ok') return res.data;
    if (verdict.verdict === 'retry') throw new ExternalHostError(hostErrorCode(verdict.reason), `HTTP ${res.status}`, { status: res.status, retryAfterMs: verdict.waitMs });
    if (verdict.verdict === 'abort') throw new ExternalHostError('AUTH_FAILED', `HTTP ${res.status}`, { status: res.status });
    throw new SourceError('SOURCE_FAILED', `HTTP ${res.status}`);
  };
}

describe('http/withRetry follows the failure policy (nock)', () => {
  let waits: number[];
  const opts = () => ({ what: 'GET /thing', retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1, log: silentLogger(), sleep: async (ms: number) => void waits.push(ms) });
  beforeEach(() => {
    waits = [];
  });

  it('retries a 503 after the Retry-After the server named, then succeeds', async () => {
    const scope = nock(BASE).get('/thing').reply(503, 'busy', { 'Retry-After': '2' }).get('/thing').reply(200, 'fine');
    expect(await withRetry(vendor(), opts())).to.equal('fine');
    expect(waits).to.deep.equal([2000]);
    expect(scope.isDone()).to.equal(true);
  });

  it('retries a 429 without Retry-After on the library backoff (no server wait)', async () => {
    const scope = nock(BASE).get('/thing').reply(429).get('/thing').reply(200, 'fine');
    expect(await withRetry(vendor(), opts())).to.equal('fine');
    expect(waits).to.deep.equal([]);
    expect(scope.isDone()).to.equal(true);
  });

  it('gives up at once when the server asks for a wait beyond the cap', async () => {
    const scope = nock(BASE).get('/thing').reply(429, '', { 'Retry-After': '3600' });
    const err = await withRetry(vendor(), { ...opts(), maxRetryAfterMs: 60_000 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('HOST_RATE_LIMITED');
    expect((err as ExternalHostError).retryAfterMs).to.equal(3_600_000);
    expect(waits).to.deep.equal([]);
    expect(scope.isDone()).to.equal(true);
  });

  it('stops after the retries with the host error', async () => {
    const scope = nock(BASE).get('/thing').times(4).reply(502);
    const err = await withRetry(vendor(), opts()).catch((e: unknown) => e);
    expect((err as VulnbridgeError).code).to.equal('HOST_ERROR');
    expect(scope.isDone()).to.equal(true);
  });

  for (const [status, code] of [
    [401, 'AUTH_FAILED'],
    [403, 'AUTH_FAILED'],
    [400, 'SOURCE_FAILED'],
    [404, 'SOURCE_FAILED'],
  ] as const) {
    it(`does not repeat a ${status} (${code})`, async () => {
      const scope = nock(BASE).get('/thing').reply(status);
      const err = await withRetry(vendor(), opts()).catch((e: unknown) => e);
      expect((err as VulnbridgeError).code).to.equal(code);
      expect(scope.isDone()).to.equal(true);
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  }

  it('retries an unreachable host, then reports HOST_UNREACHABLE naming the code', async () => {
    const port = await closedPort();
    const err = await withRetry(vendor(`http://127.0.0.1:${port}`), { ...opts(), retries: 1 }).catch((e: unknown) => e);
    expect((err as VulnbridgeError).code).to.equal('HOST_UNREACHABLE');
    expect((err as VulnbridgeError).message).to.equal('GET /thing failed: cannot reach host (ECONNREFUSED)');
  });

  it('reports a cancelled call as ABORTED', () => {
    const err = transportError(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' }), 'vendor.test', 'GET /thing');
    expect(err.code).to.equal('ABORTED');
    expect(err.message).to.equal('GET /thing was cancelled');
  });

  it('reports a timeout as HOST_UNREACHABLE "timed out"', () => {
    const err = transportError(Object.assign(new Error('timeout of 5000ms exceeded'), { code: 'ECONNABORTED' }), 'vendor.test', 'GET /thing');
    expect(err).to.be.instanceOf(ExternalHostError);
    expect(err.code).to.equal('HOST_UNREACHABLE');
    expect(err.message).to.equal('GET /thing timed out');
  });
});
