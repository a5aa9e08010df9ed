import { expect } from 'chai';
import nock from 'nock';
import { SourceError } from '../../../connector/errors.js';
import { fakeJwt, makeCsSource, pullError, pullFindings } from './csTestKit.js';

const GW = 'https://gateway.test.example';
const T0 = Date.parse('2026-01-10T12:00:00Z');
const SHA = 'a'.repeat(64);
const image = { sha: SHA, repo: [{ registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }], created: '1717029301000' };

describe('qualys-cs: API answers (nock)', () => {
  const auth = () => nock(GW).post('/auth').reply(200, fakeJwt(T0 / 1000 + 4 * 3600));

  it('a /vuln body without `details` is refused instead of read as "no vulnerabilities"', async () => {
    auth();
    nock(GW).get('/csapi/v1.3/images/list').query(true).reply(200, { data: [image] }, { Link: 'null' });
    nock(GW).get(`/csapi/v1.3/images/${SHA}/vuln`).query({ type: 'DETAILS' }).reply(200, { message: 'maintenance' });
    const err = await pullError(makeCsSource({}, { now: () => T0 }));
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).message).to.contain('maintenance');
  });

  it('`details: null` is an image without vulnerabilities: no findings, scope complete', async () => {
    auth();
    nock(GW).get('/csapi/v1.3/images/list').query(true).reply(200, { data: [image] }, { Link: 'null' });
    nock(GW).get(`/csapi/v1.3/images/${SHA}/vuln`).query(true).reply(200, { details: null });
    const out = await pullFindings(makeCsSource({}, { now: () => T0 }));
    expect(out.findings).to.deep.equal([]);
    expect(out.result.completeScopes).to.deep.equal([`image:${SHA}`]);
  });

  it('the next page goes to the configured gateway even when the Link header names another host', async () => {
    auth();
    nock(GW)
      .get('/csapi/v1.3/images/list')
      .query({ limit: '250' })
      .reply(200, { data: [] }, { Link: '<https://internal.qualys.example/csapi/v1.3/images/list?limit=250&paginationQuery=P2>;rel=next' })
      .get('/csapi/v1.3/images/list')
      .query({ limit: '250', paginationQuery: 'P2' })
      .reply(200, { data: [] }, { Link: 'null' });
    const out = await pullFindings(makeCsSource({}, { now: () => T0 }));
    expect(out.pages).to.deep.equal([]);
    expect(nock.isDone()).to.equal(true);
  });

  it('a repeated next page stops the pull instead of looping', async () => {
    auth();
    const link = { Link: `<${GW}/csapi/v1.3/images/list?paginationQuery=SAME>;rel=next` };
    // The first page and its repeat: a third request would be the loop.
    nock(GW).get('/csapi/v1.3/images/list').query(true).times(2).reply(200, { data: [] }, link);
    const err = await pullError(makeCsSource({}, { now: () => T0 }));
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).message).to.contain('same next page');
  });

  it('403: SOURCE_FAILED saying the user needs CS API access', async () => {
    auth();
    nock(GW).get('/csapi/v1.3/containers/list').query(true).reply(403, { message: 'forbidden' });
    const err = await pullError(makeCsSource({ objects: 'containers' }, { now: () => T0 }));
    expect((err as SourceError).code).to.equal('SOURCE_FAILED');
    expect((err as SourceError).hint).to.contain('CS API Access');
  });
});
