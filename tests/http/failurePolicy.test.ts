import { expect } from 'chai';
import { ExternalHostError, SinkError, SourceError, VulnbridgeError, type ErrorCode } from '../../connector/errors.js';
import {
  deliveryBackoffMs,
  deliveryVerdict,
  failureScope,
  httpVerdict,
  isAmbiguousWriteFailure,
  isCancelled,
  isFatalForCycle,
  isFatalForOptionalWork,
  isRetryable,
  nextAttempt,
  retryAfterMs,
  transportVerdict,
  type Verdict,
} from '../../connector/http/failurePolicy.js';
import { INCIDENT_RULES } from '../../connector/http/postJson.js';
import { JIRA_RULES } from '../../connector/sinks/jira/mapError.js';
import { QUALYS_CS_RULES } from '../../connector/sources/qualys-cs/qualysCsApi.js';
import { XRAY_RULES } from '../../connector/sources/jfrog-xray/xrayApi.js';
import { QUALYS_RULES, qualysWaitMs } from '../../connector/sources/qualys-vmdr/qualysApi.js';

const retry = (reason: string, waitMs?: number) => (waitMs === undefined ? { verdict: 'retry', reason } : { verdict: 'retry', reason, waitMs });

describe('http/failurePolicy', () => {
  describe('httpVerdict: the default ladder', () => {
    const table: Array<[number, Verdict]> = [
      [200, { verdict: 'ok' }],
      [201, { verdict: 'ok' }],
      [204, { verdict: 'ok' }],
      [100, { verdict: 'skip', reason: 'rejected' }],
      [301, { verdict: 'skip', reason: 'redirected' }],
      [302, { verdict: 'skip', reason: 'redirected' }],
      [400, { verdict: 'skip', reason: 'rejected' }],
      [401, { verdict: 'abort', reason: 'auth' }],
      [403, { verdict: 'abort', reason: 'forbidden' }],
      [404, { verdict: 'skip', reason: 'not-found' }],
      [408, { verdict: 'skip', reason: 'rejected' }],
      [409, { verdict: 'skip', reason: 'rejected' }],
      [410, { verdict: 'skip', reason: 'rejected' }],
      [422, { verdict: 'skip', reason: 'rejected' }],
      [429, { verdict: 'retry', reason: 'rate-limited' }],
      [500, { verdict: 'retry', reason: 'host-error' }],
      [502, { verdict: 'retry', reason: 'host-error' }],
      [503, { verdict: 'retry', reason: 'host-error' }],
      [504, { verdict: 'retry', reason: 'host-error' }],
    ];
    for (const [status, expected] of table) {
      it(`${status} -> ${expected.verdict}${'reason' in expected ? ` (${expected.reason})` : ''}`, () => {
        expect(httpVerdict({ status })).to.deep.equal(expected);
      });
    }

    it('a status the call reads itself (pass) is ok, whatever the ladder says', () => {
      expect(httpVerdict({ status: 404 }, {}, [404])).to.deep.equal({ verdict: 'ok' });
      expect(httpVerdict({ status: 403 }, {}, [403, 404])).to.deep.equal({ verdict: 'ok' });
      expect(httpVerdict({ status: 500 }, {}, [404])).to.deep.equal(retry('host-error'));
    });
  });

  describe('httpVerdict: the wait of a retry', () => {
    it('honours Retry-After in seconds on 429 and 5xx', () => {
      expect(httpVerdict({ status: 429, retryAfter: '7' })).to.deep.equal(retry('rate-limited', 7000));
      expect(httpVerdict({ status: 503, retryAfter: 2 })).to.deep.equal(retry('host-error', 2000));
    });

    it('reads Retry-After as an HTTP date', () => {
      expect(retryAfterMs('Sun, 01 Nov 2026 00:00:30 GMT', Date.parse('2026-11-01T00:00:00Z'))).to.equal(30_000);
      expect(retryAfterMs('Sun, 01 Nov 2026 00:00:00 GMT', Date.parse('2026-11-01T00:01:00Z'))).to.equal(0);
    });

    it('ignores a missing or unreadable Retry-After (the retry library backs off instead)', () => {
      expect(httpVerdict({ status: 429 })).to.deep.equal(retry('rate-limited'));
      expect(httpVerdict({ status: 429, retryAfter: 'soon' })).to.deep.equal(retry('rate-limited'));
      expect(httpVerdict({ status: 500, retryAfter: '' })).to.deep.equal(retry('host-error'));
      expect(retryAfterMs(null)).to.equal(undefined);
      expect(retryAfterMs('-5')).to.equal(0);
    });

    it('puts no wait on a verdict that is not a retry', () => {
      expect(httpVerdict({ status: 400, retryAfter: '9' })).to.deep.equal({ verdict: 'skip', reason: 'rejected' });
    });
  });

  describe('vendor rules say only what differs', () => {
    const cases: Array<[string, Parameters<typeof httpVerdict>[1], number, Verdict]> = [
      ['Qualys: 409 is its rate/concurrency limit', QUALYS_RULES, 409, { verdict: 'retry', reason: 'rate-limited' }],
      ['Qualys: 403 refuses the call (SOURCE_FAILED)', QUALYS_RULES, 403, { verdict: 'skip', reason: 'rejected' }],
      ['Qualys: 401 still aborts', QUALYS_RULES, 401, { verdict: 'abort', reason: 'auth' }],
      ['Qualys CS: 401 is handed back for one re-login', QUALYS_CS_RULES, 401, { verdict: 'ok' }],
      ['Qualys CS: 403 refuses the call', QUALYS_CS_RULES, 403, { verdict: 'skip', reason: 'rejected' }],
      ['Qualys CS: 409 is not a rate limit there', QUALYS_CS_RULES, 409, { verdict: 'skip', reason: 'rejected' }],
      ['Xray: 403 refuses the call', XRAY_RULES, 403, { verdict: 'skip', reason: 'rejected' }],
      ['Xray: 401 aborts', XRAY_RULES, 401, { verdict: 'abort', reason: 'auth' }],
      ['Jira: 403 aborts (AUTH_FAILED)', JIRA_RULES, 403, { verdict: 'abort', reason: 'forbidden' }],
      ['Jira: 404 is not found (TICKET_GONE)', JIRA_RULES, 404, { verdict: 'skip', reason: 'not-found' }],
      ['incidents: 408 is retried like a 5xx', INCIDENT_RULES, 408, { verdict: 'retry', reason: 'host-error' }],
      ['incidents: 400 is set aside', INCIDENT_RULES, 400, { verdict: 'skip', reason: 'rejected' }],
    ];
    for (const [name, rules, status, expected] of cases) {
      it(name, () => expect(httpVerdict({ status }, rules)).to.deep.equal(expected));
    }

    it('Jira reads Retry-After on 429 and 503 only', () => {
      expect(httpVerdict({ status: 429, retryAfter: '3' }, JIRA_RULES)).to.deep.equal(retry('rate-limited', 3000));
      expect(httpVerdict({ status: 503, retryAfter: '3' }, JIRA_RULES)).to.deep.equal(retry('host-error', 3000));
      expect(httpVerdict({ status: 500, retryAfter: '3' }, JIRA_RULES)).to.deep.equal(retry('host-error'));
    });

    it('Qualys names its own wait: SECONDS_TO_WAIT (1965), ToWait-Sec over Retry-After, 10 s on a bare 1960', () => {
      const ret = (code: string, items: Record<string, string> = {}) => ({ code, text: '', items });
      expect(qualysWaitMs(ret('1965', { SECONDS_TO_WAIT: '42' }), 5, 3000)).to.equal(42_000);
      expect(qualysWaitMs(ret('1965'), 5, 3000)).to.equal(5000);
      expect(qualysWaitMs(ret('1960'), undefined, undefined)).to.equal(10_000);
      expect(qualysWaitMs(ret('1960'), undefined, 3000)).to.equal(3000);
      expect(qualysWaitMs(undefined, 0, 3000)).to.equal(3000);
      expect(qualysWaitMs(undefined, undefined, undefined)).to.equal(undefined);
    });

    it('a default rate-limit wait applies only when the server names none (PagerDuty 30 s)', () => {
      const rules = { ...INCIDENT_RULES, rateLimitWaitMs: 30_000 };
      expect(httpVerdict({ status: 429 }, rules)).to.deep.equal(retry('rate-limited', 30_000));
      expect(httpVerdict({ status: 429, retryAfter: '5' }, rules)).to.deep.equal(retry('rate-limited', 5000));
      expect(httpVerdict({ status: 503 }, rules)).to.deep.equal(retry('host-error'));
    });
  });

  describe('transportVerdict', () => {
    const table: Array<[Parameters<typeof transportVerdict>[0], Verdict]> = [
      [{ code: 'ECONNABORTED' }, { verdict: 'retry', reason: 'timeout' }],
      [{ code: 'ETIMEDOUT' }, { verdict: 'retry', reason: 'timeout' }],
      [{ message: 'timeout of 3000ms exceeded' }, { verdict: 'retry', reason: 'timeout' }],
      [{ code: 'ECONNREFUSED' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'ENOTFOUND' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'EAI_AGAIN' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'ECONNRESET' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'EHOSTUNREACH' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'ENETUNREACH' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'EPIPE' }, { verdict: 'retry', reason: 'unreachable' }],
      [{ code: 'ERR_CANCELED' }, { verdict: 'abort', reason: 'cancelled' }],
      [{ cancelled: true }, { verdict: 'abort', reason: 'cancelled' }],
      [{ code: 'EPROTO', message: 'bad TLS' }, { verdict: 'retry', reason: 'host-error' }],
      [{}, { verdict: 'retry', reason: 'host-error' }],
    ];
    for (const [t, expected] of table) {
      it(`${JSON.stringify(t)} -> ${expected.verdict} (${'reason' in expected ? expected.reason : ''})`, () => {
        expect(transportVerdict(t)).to.deep.equal(expected);
      });
    }
  });

  describe('nextAttempt (between attempts of withRetry)', () => {
    const limited = (retryAfterMs?: number) => new ExternalHostError('HOST_RATE_LIMITED', 'limited', { status: 429, retryAfterMs });

    it('retries host trouble, after the server\'s wait when it gave one', () => {
      expect(nextAttempt(limited(4000), 3)).to.deep.equal({ verdict: 'retry', waitMs: 4000 });
      expect(nextAttempt(limited(), 3)).to.deep.equal({ verdict: 'retry' });
      expect(nextAttempt(limited(0), 3)).to.deep.equal({ verdict: 'retry' });
      expect(nextAttempt(new ExternalHostError('HOST_UNREACHABLE', 'timed out'), 1)).to.deep.equal({ verdict: 'retry' });
    });

    it('honours Retry-After only up to the cap, then gives up', () => {
      expect(nextAttempt(limited(60_000), 3, 60_000)).to.deep.equal({ verdict: 'retry', waitMs: 60_000 });
      expect(nextAttempt(limited(60_001), 3, 60_000)).to.deep.equal({ verdict: 'abort', reason: 'wait-too-long' });
      expect(nextAttempt(limited(16 * 60_000), 3)).to.deep.equal({ verdict: 'abort', reason: 'wait-too-long' });
      expect(nextAttempt(limited(15 * 60_000), 3)).to.deep.equal({ verdict: 'retry', waitMs: 15 * 60_000 });
    });

    it('gives up when no retries are left', () => {
      expect(nextAttempt(limited(1000), 0)).to.deep.equal({ verdict: 'abort', reason: 'exhausted' });
    });

    it('never retries refused credentials, our input or a cancel', () => {
      for (const err of [
        new ExternalHostError('AUTH_FAILED', 'no', { status: 401 }),
        new SourceError('SOURCE_FAILED', 'refused'),
        new VulnbridgeError('ABORTED', 'cancelled'),
        new Error('bug'),
      ]) {
        expect(isRetryable(err), err.message).to.equal(false);
        expect(nextAttempt(err, 5)).to.deep.equal({ verdict: 'abort', reason: 'not-retryable' });
      }
    });
  });

  describe('isAmbiguousWriteFailure (a write that may have been applied is not repeated)', () => {
    const withCause = (code: ErrorCode, causeCode: string) => new ExternalHostError(code, 'x', { cause: Object.assign(new Error('t'), { code: causeCode }) });
    const table: Array<[string, unknown, boolean]> = [
      ['500', new ExternalHostError('HOST_ERROR', 'x', { status: 500 }), true],
      ['502', new ExternalHostError('HOST_ERROR', 'x', { status: 502 }), true],
      ['504', new ExternalHostError('HOST_ERROR', 'x', { status: 504 }), true],
      ['503 (not processed)', new ExternalHostError('HOST_ERROR', 'x', { status: 503 }), false],
      ['429 (not processed)', new ExternalHostError('HOST_RATE_LIMITED', 'x', { status: 429 }), false],
      ['timeout', withCause('HOST_UNREACHABLE', 'ECONNABORTED'), true],
      ['reset', withCause('HOST_UNREACHABLE', 'ECONNRESET'), true],
      ['refused (never sent)', withCause('HOST_UNREACHABLE', 'ECONNREFUSED'), false],
      ['other transport failure', withCause('HOST_ERROR', 'EPROTO'), true],
      ['a rejection', new SinkError('SINK_REJECTED', 'x'), false],
    ];
    for (const [name, err, expected] of table) it(`${name} -> ${expected}`, () => expect(isAmbiguousWriteFailure(err)).to.equal(expected));
  });

  describe('the pipeline classifier', () => {
    const table: Array<[ErrorCode, ReturnType<typeof failureScope>, boolean, boolean]> = [
      ['ABORTED', 'cancelled', true, true],
      ['AUTH_FAILED', 'credentials', true, true],
      ['HOST_UNREACHABLE', 'host', true, false],
      ['HOST_RATE_LIMITED', 'host', true, false],
      ['HOST_ERROR', 'host', true, false],
      ['SINK_REJECTED', 'item', false, false],
      ['TICKET_GONE', 'item', false, false],
      ['SOURCE_FAILED', 'item', false, false],
      ['SOURCE_RESPONSE_INVALID', 'item', false, false],
      ['SINK_SETUP_INVALID', 'item', false, false],
      ['WEBHOOK_INVALID', 'item', false, false],
      ['TEMPLATE_INVALID', 'item', false, false],
    ];
    for (const [code, scope, cycle, optional] of table) {
      it(`${code}: ${scope}, ${cycle ? 'stops' : 'does not stop'} the cycle`, () => {
        const err = code.startsWith('HOST') || code === 'AUTH_FAILED' ? new ExternalHostError(code, 'x') : new VulnbridgeError(code, 'x');
        expect(failureScope(err)).to.equal(scope);
        expect(isFatalForCycle(err)).to.equal(cycle);
        expect(isFatalForOptionalWork(err)).to.equal(optional);
        expect(isCancelled(err)).to.equal(code === 'ABORTED');
      });
    }

    it('an error that is not ours is the item\'s', () => {
      for (const err of [new Error('boom'), Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'text', undefined]) {
        expect(failureScope(err)).to.equal('item');
        expect(isFatalForCycle(err)).to.equal(false);
      }
    });
  });

  describe('deliveryVerdict (the incident outbox)', () => {
    it('sets a rejected event aside', () => {
      expect(deliveryVerdict(new SinkError('SINK_REJECTED', '400'), 0)).to.deep.equal({ verdict: 'skip' });
    });

    it('retries host trouble after the server\'s wait, pausing the lane on a rate limit', () => {
      expect(deliveryVerdict(new ExternalHostError('HOST_RATE_LIMITED', '429', { retryAfterMs: 30_000 }), 0)).to.deep.equal({ verdict: 'retry', waitMs: 30_000, pauseLane: true });
      expect(deliveryVerdict(new ExternalHostError('HOST_ERROR', '502', { retryAfterMs: 5000 }), 0)).to.deep.equal({ verdict: 'retry', waitMs: 5000, pauseLane: false });
    });

    it('backs off 2 s, 4 s, ... up to 5 minutes without a server wait', () => {
      expect([0, 1, 2, 7, 8, 20].map(deliveryBackoffMs)).to.deep.equal([2000, 4000, 8000, 256_000, 300_000, 300_000]);
      expect(deliveryVerdict(new ExternalHostError('HOST_UNREACHABLE', 'down'), 1)).to.deep.equal({ verdict: 'retry', waitMs: 4000, pauseLane: false });
      expect(deliveryVerdict(new Error('bug'), 0)).to.deep.equal({ verdict: 'retry', waitMs: 2000, pauseLane: false });
    });
  });
});
