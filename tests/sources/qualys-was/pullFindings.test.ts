import { expect } from 'chai';
import nock from 'nock';
import { SourceError } from '../../../connector/errors.js';
import { BASE, captureLogger, criteriaOf, makeWasSource, pullAll, pullContext, pullError, rawFinding, SEARCH, searchResponse, type Criterion } from './wasTestKit.js';

describe('qualys-was: findings pull (nock)', () => {
  it('pages across 3 pages by hasMoreRecords + lastId with a strict id GREATER, JSON in and out', async () => {
    const bodies: unknown[] = [];
    const headers: Array<Record<string, unknown>> = [];
    const replies = [
      searchResponse([rawFinding(101), rawFinding(105)], true),
      searchResponse([rawFinding(110), rawFinding(111)], true),
      searchResponse([rawFinding(120)]),
    ];
    const scope = nock(BASE)
      .post(SEARCH)
      .times(3)
      .reply(function (_uri, body) {
        bodies.push(body);
        headers.push(this.req.headers);
        return [200, replies[bodies.length - 1]];
      });
    const { pages, progress } = await pullAll(makeWasSource({ pageSize: 2 }));
    expect(scope.isDone()).to.equal(true);
    expect(pages.map((p) => p.label)).to.deep.equal(['page 1', 'page 2 (id>105)', 'page 3 (id>111)']);
    expect(pages.flatMap((p) => p.findings.map((f) => f.data.ID))).to.deep.equal(['101', '105', '110', '111', '120']);
    expect(progress.at(-1)?.totalFindings).to.equal(5);
    const idCriteria = bodies.map((b) => criteriaOf(b).filter((c) => c.field === 'id'));
    expect(idCriteria).to.deep.equal([[], [{ field: 'id', operator: 'GREATER', value: '105' }], [{ field: 'id', operator: 'GREATER', value: '111' }]]);
    expect((bodies[0] as { ServiceRequest: { preferences: unknown } }).ServiceRequest.preferences).to.deep.equal({ verbose: 'true', limitResults: '2' });
    expect(headers[0]!['content-type']).to.equal('application/json');
    expect(headers[0]!.accept).to.equal('application/json');
    expect(headers[0]!['x-requested-with']).to.equal('vulnbridge');
  });

  it('first run: no lastTestedDate criterion; the next cursor is the newest lastTestedDate seen', async () => {
    let body: unknown;
    nock(BASE)
      .post(SEARCH, (b) => ((body = b), true))
      .reply(200, searchResponse([rawFinding(1, { lastTestedDate: '2025-06-01T10:00:00Z' }), rawFinding(2, { lastTestedDate: '2025-06-03T08:30:00Z' })]));
    const { result } = await pullAll(makeWasSource());
    expect(criteriaOf(body).some((c) => c.field === 'lastTestedDate')).to.equal(false);
    expect(result.nextCursors).to.deep.equal({ lastTestedDate: '2025-06-03T08:30:00Z' });
  });

  it('incremental: lastTestedDate GREATER cursor minus overlapMinutes; with nothing new the cursor stays', async () => {
    let body: unknown;
    nock(BASE)
      .post(SEARCH, (b) => ((body = b), true))
      .reply(200, { ServiceResponse: { responseCode: 'SUCCESS', count: 0, hasMoreRecords: 'false' } });
    const ctx = pullContext({ lastTestedDate: '2025-06-03T08:30:00Z' });
    const { pages, result } = await pullAll(makeWasSource({ overlapMinutes: 15 }), ctx);
    expect(criteriaOf(body)).to.deep.include({ field: 'lastTestedDate', operator: 'GREATER', value: '2025-06-03T08:15:00Z' });
    expect(pages).to.deep.equal([]);
    expect(result.nextCursors).to.deep.equal({ lastTestedDate: '2025-06-03T08:30:00Z' });
  });

  it('first run with no findings: the cursor is the cycle start', async () => {
    nock(BASE).post(SEARCH).reply(200, { ServiceResponse: { responseCode: 'SUCCESS', count: 0, hasMoreRecords: false } });
    const { result } = await pullAll(makeWasSource(), pullContext({}, new Date('2026-01-10T12:00:00.123Z')));
    expect(result.nextCursors).to.deep.equal({ lastTestedDate: '2026-01-10T12:00:00Z' });
  });

  it('maps the configured filters to Criteria (EQUALS for one value, IN for several)', async () => {
    let body: unknown;
    nock(BASE)
      .post(SEARCH, (b) => ((body = b), true))
      .reply(200, searchResponse([]));
    await pullAll(
      makeWasSource({
        filters: {
          severities: [4, 5],
          statuses: ['NEW', 'ACTIVE', 'REOPENED', 'FIXED'],
          webAppIds: [42],
          webAppNames: ['Shop'],
          webAppTags: [12, 'Production'],
          findingTypes: ['QUALYS'],
          issueTypes: ['VULNERABILITY'],
          qids: [150112, 150001],
          owasp: ['Injection'],
          cwe: [79],
        },
      }),
    );
    expect(criteriaOf(body)).to.deep.equal([
      { field: 'severity', operator: 'IN', value: '4,5' },
      { field: 'status', operator: 'IN', value: 'NEW,ACTIVE,REOPENED,FIXED' },
      { field: 'webApp.id', operator: 'EQUALS', value: '42' },
      { field: 'webApp.name', operator: 'EQUALS', value: 'Shop' },
      { field: 'webApp.tags.id', operator: 'EQUALS', value: '12' },
      { field: 'webApp.tags.name', operator: 'EQUALS', value: 'Production' },
      { field: 'findingType', operator: 'EQUALS', value: 'QUALYS' },
      { field: 'type', operator: 'EQUALS', value: 'VULNERABILITY' },
      { field: 'qid', operator: 'IN', value: '150112,150001' },
      { field: 'owasp.name', operator: 'EQUALS', value: 'Injection' },
      { field: 'cwe.id', operator: 'EQUALS', value: '79' },
    ] satisfies Criterion[]);
  });

  it('ignored findings are kept (ignored=true) by default and dropped with includeIgnored: false', async () => {
    const reply = searchResponse([rawFinding(1, { isIgnored: 'true', status: 'ACTIVE' }), rawFinding(2)]);
    nock(BASE).post(SEARCH).reply(200, reply).post(SEARCH).reply(200, reply);
    const all = await pullAll(makeWasSource());
    expect(all.pages[0]!.findings.map((f) => [f.data.ID, f.ignored])).to.deep.equal([
      ['1', true],
      ['2', false],
    ]);
    const { log, lines } = captureLogger();
    const some = await pullAll(makeWasSource({ filters: { includeIgnored: false } }), pullContext({}, undefined, log));
    expect(some.pages[0]!.findings.map((f) => f.data.ID)).to.deep.equal(['2']);
    expect(lines.some((l) => l.meta.skippedIgnored === 1)).to.equal(true);
  });

  it('a malformed finding is rejected on its page; the rest of the page is processed', async () => {
    nock(BASE)
      .post(SEARCH)
      .reply(200, searchResponse([rawFinding(1), rawFinding(2, { webApp: null }), rawFinding(3)]));
    const { pages } = await pullAll(makeWasSource());
    expect(pages[0]!.findings.map((f) => f.data.ID)).to.deep.equal(['1', '3']);
    expect(pages[0]!.rejected).to.have.length(1);
    expect(pages[0]!.rejected![0]!.reason).to.equal('Finding 2 without webApp.id');
  });

  it('accepts `data` as a single object instead of a list', async () => {
    nock(BASE)
      .post(SEARCH)
      .reply(200, { ServiceResponse: { responseCode: 'SUCCESS', count: 1, hasMoreRecords: 'false', data: { Finding: rawFinding(77) } } });
    const { pages } = await pullAll(makeWasSource());
    expect(pages[0]!.findings.map((f) => f.key)).to.deep.equal(['was|webapp:1|finding:77']);
  });

  it('stops with SOURCE_RESPONSE_INVALID when lastId does not move forward (no endless loop)', async () => {
    nock(BASE)
      .post(SEARCH)
      .reply(200, searchResponse([rawFinding(5)], true))
      .post(SEARCH)
      .reply(200, { ServiceResponse: { responseCode: 'SUCCESS', count: 1, hasMoreRecords: 'true', lastId: 5, data: [{ Finding: rawFinding(5) }] } });
    const err = await pullError(makeWasSource());
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).message).to.include('lastId 5, not after 5');
  });
});
