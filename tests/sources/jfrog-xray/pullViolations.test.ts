import { expect } from 'chai';
import nock from 'nock';
import { VulnbridgeError } from '../../../connector/errors.js';
import { expectAllMocksUsedThenClean } from '../../support/nockHooks.js';
import {
  BASE,
  captureLogger,
  licenseViolation,
  makeSource,
  nockViolations,
  nockWatches,
  numbered,
  paged,
  pullAll,
  pullContext,
  pullError,
  range,
  securityViolation,
  VIOLATIONS,
} from './xrayTestKit.js';

const CYCLE = new Date('2026-01-10T12:00:00Z');
const keys = (pages: Array<{ findings: Array<{ key: string }> }>) => pages.flatMap((p) => p.findings.map((f) => f.key));

describe('jfrog-xray/pull (nock)', () => {
  it('walks 1-based page numbers ordered by created and stops on a short page', async () => {
    nockWatches();
    const { calls } = nockViolations(paged(range(1, 5)));
    const ctx = pullContext({}, CYCLE);
    const { pages, progress } = await pullAll(makeSource({ pageSize: 2 }), ctx);
    expect(calls.map((c) => c.pagination)).to.deep.equal([1, 2, 3].map((offset) => ({ limit: 2, offset, order_by: 'created', direction: 'asc' })));
    expect(calls[0]?.filters).to.deep.equal({ watch_name: 'prod-watch', include_details: true });
    expect(pages.map((p) => p.label)).to.deep.equal(['watch prod-watch page 1', 'watch prod-watch page 2', 'watch prod-watch page 3']);
    expect(pages.map((p) => p.findings.length)).to.deep.equal([2, 2, 1]);
    expect(progress.map((e) => e.totalFindings)).to.deep.equal([2, 4, 5]);
    // Xray's total_violations: how far the pull is, for the progress lines' ETA.
    expect(progress.map((e) => e.expected)).to.deep.equal([2, 4, 5].map((done) => ({ done, total: 5, unit: 'violations' })));
  });

  it('with several watches, the expected total is reported once the last watch’s walk started (all totals known)', async () => {
    nockWatches(['a', 'b']);
    const byWatch: Record<string, unknown[]> = { a: [numbered(1, 'a'), numbered(2, 'a'), numbered(3, 'a')], b: [numbered(4, 'b'), numbered(5, 'b')] };
    nockViolations((call) => paged(byWatch[String(call.filters.watch_name)] ?? [])(call));
    const { progress } = await pullAll(makeSource({ watches: ['a', 'b'], pageSize: 2 }), pullContext({}, CYCLE));
    expect(progress.map((e) => e.expected)).to.deep.equal([
      undefined,
      undefined,
      { done: 5, total: 5, unit: 'violations' },
    ]);
  });

  it('stops on an empty page (total a multiple of the page size)', async () => {
    nockWatches();
    const { calls } = nockViolations(paged(range(1, 4)));
    const { pages, result } = await pullAll(makeSource({ pageSize: 2 }), pullContext({}, CYCLE));
    expect(calls.map((c) => c.pagination.offset)).to.deep.equal([1, 2, 3]);
    expect(pages).to.have.length(2);
    expect(result.completeScopes).to.deep.equal(['prod-watch']);
  });

  it('a server that keeps returning full pages past total_violations ends the walk as incomplete', async () => {
    nockWatches();
    const { log, lines } = captureLogger();
    const { calls } = nockViolations((call) => ({ violations: range(call.pagination.offset * 2 - 1, call.pagination.offset * 2), total: 3 }));
    const { result } = await pullAll(makeSource({ pageSize: 2 }), pullContext({}, CYCLE, log));
    expect(calls).to.have.length(3);
    expect(result.completeScopes).to.deep.equal([]);
    expect(result.nextCursors).to.not.have.property('full:prod-watch');
    expect(lines.some((l) => l.level === 'warn' && l.message.includes('past total_violations'))).to.equal(true);
  });

  it('first run: a FULL pull; cursors hold the newest created and the cycle time; the watch is complete', async () => {
    nockWatches();
    const { calls } = nockViolations(paged([numbered(3), numbered(1), numbered(2)]));
    const { result } = await pullAll(makeSource(), pullContext({}, CYCLE));
    expect(calls[0]?.filters).to.not.have.property('created_from');
    expect(result.nextCursors).to.deep.equal({ 'created:prod-watch': '2026-01-05T10:03:00Z', 'full:prod-watch': CYCLE.toISOString() });
    expect(result.completeScopes).to.deep.equal(['prod-watch']);
  });

  it('incremental pull: created_from = high-water mark minus the overlap; not a complete scope; cursors move forward', async () => {
    nockWatches();
    const { calls } = nockViolations(paged([numbered(1), numbered(7)]));
    const fullAt = new Date(CYCLE.getTime() - 3_600_000).toISOString();
    const cursors = { 'created:prod-watch': '2026-01-05T10:01:00Z', 'full:prod-watch': fullAt };
    const { result } = await pullAll(makeSource({ overlapMinutes: 10 }), pullContext(cursors, CYCLE));
    expect(calls[0]?.filters).to.include({ created_from: '2026-01-05T09:51:00Z' });
    expect(result.completeScopes).to.deep.equal([]);
    expect(result.nextCursors).to.deep.equal({ 'created:prod-watch': '2026-01-05T10:07:00Z', 'full:prod-watch': fullAt });
  });

  it('a FULL pull again once fullPullHours have passed since the last complete one', async () => {
    nockWatches();
    const { calls } = nockViolations(paged([numbered(1)]));
    const cursors = { 'created:prod-watch': '2026-01-05T10:01:00Z', 'full:prod-watch': new Date(CYCLE.getTime() - 6 * 3_600_000).toISOString() };
    const { result } = await pullAll(makeSource({ fullPullHours: 6 }), pullContext(cursors, CYCLE));
    expect(calls[0]?.filters).to.not.have.property('created_from');
    expect(result.completeScopes).to.deep.equal(['prod-watch']);
    expect(result.nextCursors['full:prod-watch']).to.equal(CYCLE.toISOString());
  });

  it('pulls watch after watch and carries forward the cursors it did not change', async () => {
    nockWatches(['a', 'b']);
    const { calls } = nockViolations((call) => (call.filters.watch_name === 'a' ? { violations: [numbered(1, 'a')] } : { violations: [] }));
    const recent = new Date(CYCLE.getTime() - 60_000).toISOString();
    const cursors = { 'created:b': '2026-01-01T00:00:00Z', 'full:b': recent, 'created:old': 'x' };
    const { result } = await pullAll(makeSource({ watches: ['a', 'b'] }), pullContext(cursors, CYCLE));
    expect(calls.map((c) => c.filters.watch_name)).to.deep.equal(['a', 'b']);
    expect(result.nextCursors).to.deep.equal({
      'created:a': '2026-01-05T10:01:00Z',
      'full:a': CYCLE.toISOString(),
      'created:b': '2026-01-01T00:00:00Z',
      'full:b': recent,
      'created:old': 'x',
    });
    expect(result.completeScopes).to.deep.equal(['a']);
  });

  it('a violation listed twice in one pull (pages shifting) is yielded once', async () => {
    nockWatches();
    // New violations arrive between the calls: page 2 starts with the last item of page 1.
    const pages: Record<number, unknown[]> = { 1: [numbered(1), numbered(2)], 2: [numbered(2), numbered(3)], 3: [numbered(4)] };
    nockViolations((call) => ({ violations: pages[call.pagination.offset] ?? [], total: 5 }));
    const { pages: out } = await pullAll(makeSource({ pageSize: 2 }), pullContext({}, CYCLE));
    const all = keys(out);
    expect(all).to.have.length(4);
    expect(new Set(all).size).to.equal(4);
    expect(out[1]?.findings.map((f) => f.data.ISSUE_ID)).to.deep.equal(['XRAY-1003']);
  });

  it('a subset of types: one walk per type (violation_type takes one value); all three: no type filter', async () => {
    nockWatches();
    const { calls } = nockViolations((call) => ({ violations: call.filters.violation_type === 'License' ? [licenseViolation({ watch_name: 'prod-watch' })] : [numbered(1)] }));
    const { pages, result } = await pullAll(makeSource({ types: ['Security', 'License'], minSeverity: 'High' }), pullContext({}, CYCLE));
    expect(calls.map((c) => c.filters.violation_type)).to.deep.equal(['Security', 'License']);
    expect(calls.every((c) => c.filters.min_severity === 'High')).to.equal(true);
    expect(pages.map((p) => p.label)).to.deep.equal(['watch prod-watch Security page 1', 'watch prod-watch License page 1']);
    expect(result.completeScopes).to.deep.equal(['prod-watch']);

    expectAllMocksUsedThenClean();
    nockWatches();
    const all = nockViolations(() => ({ violations: [] }));
    await pullAll(makeSource({ types: ['Security', 'License', 'Operational_Risk'] }), pullContext({}, CYCLE));
    expect(all.calls).to.have.length(1);
    expect(all.calls[0]?.filters).to.not.have.property('violation_type');
  });

  it('projectKey is sent as a query parameter', async () => {
    nockWatches();
    const scope = nock(BASE).post(VIOLATIONS).query({ projectKey: 'payments' }).reply(200, { total_violations: 0, violations: [] });
    await pullAll(makeSource({ projectKey: 'payments' }), pullContext({}, CYCLE));
    expect(scope.isDone()).to.equal(true);
  });

  it('a malformed violation is rejected on its page while the rest are yielded; the watch is then not complete', async () => {
    nockWatches();
    nockViolations(() => ({ violations: [numbered(1), { issue_id: 'XRAY-9', severity: 'High' }, 'garbage', numbered(2)] }));
    const { log, lines } = captureLogger();
    const { pages, result } = await pullAll(makeSource(), pullContext({}, CYCLE, log));
    expect(pages[0]?.findings.map((f) => f.data.ISSUE_ID)).to.deep.equal(['XRAY-1001', 'XRAY-1002']);
    expect(pages[0]?.rejected?.map((r) => r.reason)).to.deep.equal(['violation XRAY-9 has no watch_name', 'violation is not an object (string)']);
    expect(result.completeScopes).to.deep.equal([]);
    expect(result.nextCursors).to.not.have.property('full:prod-watch');
    expect(result.nextCursors['created:prod-watch']).to.equal('2026-01-05T10:02:00Z');
    expect(lines.some((l) => l.level === 'warn' && l.meta.watch === 'prod-watch' && l.meta.rejected === 2)).to.equal(true);
  });

  it('details: fetch GETs the details of items that lack them, on the configured host with the query kept', async () => {
    nockWatches();
    const bare = securityViolation({ matched_policies: undefined, violation_id: undefined, properties: undefined });
    nockViolations(() => ({ violations: [bare, numbered(1)] }));
    const details = nock(BASE)
      .get(VIOLATIONS)
      .query({ watch_id: 'b241c1986818d68993093e35', issue_id: 'XRAY-94620', comp_id: 'npm://lodash:4.17.19' })
      .reply(200, securityViolation({ matched_policies: [{ policy: 'from-details', rule: 'r' }] }));
    const { pages } = await pullAll(makeSource({ details: 'fetch' }), pullContext({}, CYCLE));
    expect(details.isDone()).to.equal(true);
    const f = pages[0]?.findings[0];
    expect(f?.data.POLICY).to.deep.equal(['from-details']);
    expect(f?.data.VIOLATION_ID).to.equal('1710136527020015616');
    expect(pages[0]?.findings).to.have.length(2);
  });

  it('a cancelled pull throws ABORTED', async () => {
    // No mocks: a pull cancelled before it starts must not reach the network at all.
    const controller = new AbortController();
    controller.abort();
    const ctx = { ...pullContext({}, CYCLE), signal: controller.signal };
    const err = await pullError(makeSource(), ctx);
    expect(err).to.be.instanceOf(VulnbridgeError);
    expect((err as VulnbridgeError).code).to.equal('ABORTED');
  });
});
