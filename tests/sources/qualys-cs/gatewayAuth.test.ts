import { expect } from 'chai';
import nock from 'nock';
import { ExternalHostError, SourceError } from '../../../connector/errors.js';
import { jwtExpiryMs } from '../../../connector/sources/qualys-cs/gatewayAuth.js';
import { fakeJwt, makeCsSource, pullError, pullFindings } from './csTestKit.js';

const GW = 'https://gateway.test.example';
const LIST = '/csapi/v1.3/images/list';
const PASSWORD = 'cs-Secret-Pa55word';
const T0 = Date.parse('2026-01-10T12:00:00Z');
const empty = { data: [] };

describe('qualys-cs: gateway JWT auth (nock)', () => {
  it('logs in with the form fields username/password/token=true and sends the JWT as Bearer', async () => {
    const jwt = fakeJwt(T0 / 1000 + 4 * 3600);
    let form: Record<string, string> = {};
    const scope = nock(GW)
      .post('/auth', (body: unknown) => {
        // nock hands form bodies over already parsed.
        form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);
        return true;
      })
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(201, jwt)
      .get(LIST)
      .query(true)
      .matchHeader('authorization', `Bearer ${jwt}`)
      .reply(200, empty, { Link: 'null' });
    await pullFindings(makeCsSource({}, { now: () => T0, password: PASSWORD, username: 'csuser' }));
    expect(scope.isDone()).to.equal(true);
    expect(form).to.deep.equal({ username: 'csuser', password: PASSWORD, token: 'true' });
  });

  it('reuses the token until shortly before exp, then logs in again', async () => {
    let now = T0;
    const first = fakeJwt(T0 / 1000 + 4 * 3600, '1');
    const second = fakeJwt(T0 / 1000 + 8 * 3600, '2');
    const scope = nock(GW)
      .post('/auth').reply(200, first)
      .get(LIST).query(true).matchHeader('authorization', `Bearer ${first}`).twice().reply(200, empty)
      .post('/auth').reply(200, second)
      .get(LIST).query(true).matchHeader('authorization', `Bearer ${second}`).reply(200, empty);
    const source = makeCsSource({}, { now: () => now });
    await pullFindings(source);
    now = T0 + 3 * 3600_000; // 1 h before exp: still good
    await pullFindings(source);
    now = T0 + 3 * 3600_000 + 55 * 60_000; // 5 min before exp: renewed
    await pullFindings(source);
    expect(scope.isDone()).to.equal(true);
  });

  it('without a readable exp, renews after 3h50m', async () => {
    let now = T0;
    const scope = nock(GW)
      .post('/auth').reply(200, 'aaa.bbb.ccc')
      .get(LIST).query(true).twice().reply(200, empty)
      .post('/auth').reply(200, 'ddd.eee.fff')
      .get(LIST).query(true).matchHeader('authorization', 'Bearer ddd.eee.fff').reply(200, empty);
    const source = makeCsSource({}, { now: () => now });
    await pullFindings(source);
    now = T0 + 3 * 3600_000 + 49 * 60_000;
    await pullFindings(source);
    now = T0 + 3 * 3600_000 + 51 * 60_000;
    await pullFindings(source);
    expect(scope.isDone()).to.equal(true);
  });

  it('a 401 on an API call: logs in again once and repeats the call', async () => {
    const scope = nock(GW)
      .post('/auth').reply(200, fakeJwt(T0 / 1000 + 3600, 'old'))
      .get(LIST).query(true).reply(401, { message: 'Unauthorized' })
      .post('/auth').reply(200, fakeJwt(T0 / 1000 + 3600, 'new'))
      .get(LIST).query(true).matchHeader('authorization', `Bearer ${fakeJwt(T0 / 1000 + 3600, 'new')}`).reply(200, empty);
    const out = await pullFindings(makeCsSource({}, { now: () => T0 }));
    expect(scope.isDone()).to.equal(true);
    expect(out.result.completeScopes).to.deep.equal([]);
  });

  it('a second 401 with a fresh token: AUTH_FAILED naming the gateway and the env vars, never the password or JWT', async () => {
    const jwt = fakeJwt(T0 / 1000 + 3600);
    const scope = nock(GW).post('/auth').twice().reply(200, jwt).get(LIST).query(true).twice().reply(401, {});
    const err = await pullError(makeCsSource({}, { now: () => T0, password: PASSWORD }));
    expect(scope.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(ExternalHostError);
    const e = err as ExternalHostError;
    expect(e.code).to.equal('AUTH_FAILED');
    expect(e.describe()).to.contain('gateway.test.example').and.contain('QUALYS_CS_USERNAME/QUALYS_CS_PASSWORD');
    expect(e.describe()).to.not.contain(PASSWORD).and.not.contain(jwt);
  });

  it('/auth answering 401: AUTH_FAILED at once (no retry, no password in the message)', async () => {
    const scope = nock(GW).post('/auth').reply(401, 'Invalid credentials');
    const err = await pullError(makeCsSource({}, { password: PASSWORD }));
    expect(scope.isDone()).to.equal(true);
    expect((err as ExternalHostError).code).to.equal('AUTH_FAILED');
    expect((err as Error).message).to.contain('rejected the username/password').and.not.contain(PASSWORD);
  });

  it('/auth answering an HTML page: SOURCE_RESPONSE_INVALID pointing at the gateway URL', async () => {
    nock(GW).post('/auth').reply(200, '<html>login</html>');
    const err = await pullError(makeCsSource());
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).hint).to.contain('gateway');
  });

  it('jwtExpiryMs reads exp in ms and gives undefined for opaque tokens', () => {
    expect(jwtExpiryMs(fakeJwt(1_800_000_000))).to.equal(1_800_000_000_000);
    expect(jwtExpiryMs('not-a-jwt')).to.equal(undefined);
    expect(jwtExpiryMs('a.%%%.c')).to.equal(undefined);
  });
});
