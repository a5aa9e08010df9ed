import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { closedPort } from '../../support/net.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SourceError } from '../../../connector/errors.js';
import { captureLogger, fakeSleep, makeSource, pullAll, pullError, TEST_PASSWORD } from './qualysTestKit.js';

const SAMPLES = QUALYS_SAMPLES;
const BODY_1960 = readFileSync(`${SAMPLES}/qualys_409_code1960_concurrency.xml`, 'utf8');
const BODY_1965 = readFileSync(`${SAMPLES}/qualys_409_code1965_ratelimit.xml`, 'utf8');
const EMPTY = readFileSync(`${SAMPLES}/hld_empty_response_jupiterone_recording.xml`, 'utf8');
const BASE = 'https://qualysapi.test.example';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';

const page = (next?: string): string =>
  '<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME>' +
  (next ? `<WARNING><CODE>1980</CODE><TEXT>limit</TEXT><URL><![CDATA[${next}]]></URL></WARNING>` : '') +
  '</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>';

describe('qualys-vmdr: HTTP, auth and Qualys limits (nock)', () => {
  it('409 CODE 1965: waits SECONDS_TO_WAIT, logs the wait at info, then succeeds', async () => {
    const body = BODY_1965.replace('68928', '42');
    const scope = nock(BASE).post(HLD).reply(409, body).post(HLD).reply(200, EMPTY);
    const sleeps = fakeSleep();
    const { log, lines } = captureLogger();
    await pullAll(makeSource({}, { sleep: sleeps.sleep, log }));
    expect(scope.isDone()).to.equal(true);
    expect(sleeps.calls).to.deep.equal([42_000]);
    expect(lines.some((l) => l.level === 'info' && l.meta.waitSeconds === 42)).to.equal(true);
  });

  it('409 CODE 1965 asking for hours: gives up with HOST_RATE_LIMITED instead of sleeping through the cycle', async () => {
    const scope = nock(BASE).post(HLD).reply(409, BODY_1965);
    const sleeps = fakeSleep();
    const err = await pullError(makeSource({}, { sleep: sleeps.sleep }));
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('HOST_RATE_LIMITED');
    expect((err as ExternalHostError).message).to.contain('CODE 1965');
    expect(sleeps.calls).to.deep.equal([]);
  });

  it('409 CODE 1960: waits a short while (10 s, or X-RateLimit-ToWait-Sec when given) and retries', async () => {
    const scope = nock(BASE)
      .post(HLD)
      .reply(409, BODY_1960)
      .post(HLD)
      .reply(409, BODY_1960, { 'X-RateLimit-ToWait-Sec': '3', 'X-RateLimit-Remaining': '12' })
      .post(HLD)
      .reply(200, EMPTY);
    const sleeps = fakeSleep();
    await pullAll(makeSource({}, { sleep: sleeps.sleep }));
    expect(scope.isDone()).to.equal(true);
    expect(sleeps.calls).to.deep.equal([10_000, 3_000]);
  });

  it('X-RateLimit-Remaining 0: waits X-RateLimit-ToWait-Sec before the next call to that API', async () => {
    const events: string[] = [];
    const next = `${BASE}${HLD}?action=list&id_min=2`;
    const scope = nock(BASE)
      .post(HLD)
      .reply(
        200,
        () => {
          events.push('call 1');
          return page(next);
        },
        { 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': '17', 'X-Concurrency-Limit-Limit': '2', 'X-Concurrency-Limit-Running': '1' },
      )
      .post(HLD)
      .reply(200, () => {
        events.push('call 2');
        return page();
      });
    const sleeps = fakeSleep((ms) => events.push(`sleep ${ms}`));
    await pullAll(makeSource({}, { sleep: sleeps.sleep }));
    expect(scope.isDone()).to.equal(true);
    expect(events).to.deep.equal(['call 1', 'sleep 17000', 'call 2']);
  });

  it('5xx: retried', async () => {
    const scope = nock(BASE).post(HLD).reply(503, 'busy').post(HLD).reply(500, 'oops').post(HLD).reply(200, EMPTY);
    await pullAll(makeSource());
    expect(scope.isDone()).to.equal(true);
  });

  it('401: AUTH_FAILED naming the host and the env vars, never the password, and no retry', async () => {
    const scope = nock(BASE).post(HLD).reply(401, '<SIMPLE_RETURN><RESPONSE><TEXT>Bad Login/Password</TEXT></RESPONSE></SIMPLE_RETURN>');
    const err = await pullError(makeSource());
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(ExternalHostError);
    const e = err as ExternalHostError;
    expect(e.code).to.equal('AUTH_FAILED');
    expect(e.message).to.contain('qualysapi.test.example');
    expect(e.message).to.contain('QUALYS_USERNAME');
    expect(e.message).to.contain('QUALYS_PASSWORD');
    expect(e.describe()).to.not.contain(TEST_PASSWORD);
  });

  it('400 CODE 1901: SOURCE_FAILED with the Qualys code and text, not retried', async () => {
    const scope = nock(BASE)
      .post(HLD)
      .reply(400, '<SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><CODE>1901</CODE><TEXT>Unrecognized parameter(s): show_trurisk</TEXT></RESPONSE></SIMPLE_RETURN>');
    const err = await pullError(makeSource({ extraParams: { show_trurisk: 1 } }));
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_FAILED');
    expect((err as SourceError).message).to.contain('CODE 1901: Unrecognized parameter(s): show_trurisk');
    expect((err as SourceError).hint).to.contain('extraParams');
  });

  it('unreachable host: HOST_UNREACHABLE naming the host', async () => {
    const port = await closedPort();
    const err = await pullError(makeSource({ url: `http://127.0.0.1:${port}` }));
    expect(err).to.be.instanceOf(ExternalHostError);
    expect((err as ExternalHostError).code).to.equal('HOST_UNREACHABLE');
    expect((err as ExternalHostError).host).to.equal(`127.0.0.1:${port}`);
    expect((err as ExternalHostError).describe()).to.contain(`127.0.0.1:${port}`);
  });
});
