import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { captureLogger, enrichContext, form, makeSource, TEST_PASSWORD, TEST_USER } from './qualysTestKit.js';

const SAMPLES = QUALYS_SAMPLES;
const KB_11830 = readFileSync(`${SAMPLES}/kb_elastic_qualys_vmdr_qid11830.xml`, 'utf8');
const KB_150112 = readFileSync(`${SAMPLES}/kb_elastic_qualys_was_qid150112.xml`, 'utf8');
const BASE = 'https://qualysapi.test.example';
const KB = '/api/2.0/fo/knowledge_base/vuln/';
const HOST_LIST = '/api/5.0/fo/asset/host/';

const hostList = (hosts: Array<{ id: string; trurisk?: string; acs?: string }>): string =>
  '<?xml version="1.0" encoding="UTF-8" ?><HOST_LIST_OUTPUT><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><HOST_LIST>' +
  hosts
    .map(
      (h) =>
        `<HOST><ID>${h.id}</ID><IP>10.0.0.1</IP>` +
        (h.trurisk ? `<ASSET_RISK_SCORE>1</ASSET_RISK_SCORE><TRURISK_SCORE>${h.trurisk}</TRURISK_SCORE>` : '') +
        (h.acs ? `<ASSET_CRITICALITY_SCORE>${h.acs}</ASSET_CRITICALITY_SCORE>` : '') +
        '</HOST>',
    )
    .join('') +
  '</HOST_LIST></RESPONSE></HOST_LIST_OUTPUT>';

describe('qualys-vmdr: enrich (KnowledgeBase and Host List, nock)', () => {
  it('fetches KB entries in batches of kbBatchSize and stores them flattened; warns about QIDs the KB lacks', async () => {
    const bodies: Array<Record<string, string>> = [];
    const scope = nock(BASE)
      .post(KB)
      .basicAuth({ user: TEST_USER, pass: TEST_PASSWORD })
      .matchHeader('x-requested-with', 'vulnbridge')
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return KB_11830;
      })
      .post(KB)
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return KB_150112;
      });
    const { log, lines } = captureLogger();
    const ctx = enrichContext({ 'qualys.kb': ['11830', '99999', '150112'] }, log);
    await makeSource({ kbBatchSize: 2 }).enrich(ctx);
    expect(scope.isDone()).to.equal(true);
    expect(bodies).to.deep.equal([
      { action: 'list', details: 'All', ids: '11830,99999' },
      { action: 'list', details: 'All', ids: '150112' },
    ]);
    expect(ctx.puts.map((p) => `${p.ns}:${p.id}`)).to.deep.equal(['qualys.kb:11830', 'qualys.kb:150112']);
    expect(ctx.puts[0]!.data).to.include({ TITLE: 'HTTP Security Header Not Detected', CVES: 'CVE-2022-31629, CVE-2022-31628', SEVERITY_LEVEL: '2' });
    expect(ctx.puts[1]!.data).to.include({ CVSS_V3_BASE: '3.7', CVSS_BASE: '0.0' });
    const warn = lines.find((l) => l.level === 'warn' && /did not return/.test(l.message));
    expect(warn?.meta.qids).to.deep.equal(['99999']);
  });

  it('fetches TruRisk scores from the Host List API and stores empty scores for hosts it does not return', async () => {
    const bodies: Array<Record<string, string>> = [];
    const scope = nock(BASE)
      .post(HOST_LIST)
      .basicAuth({ user: TEST_USER, pass: TEST_PASSWORD })
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return hostList([{ id: '1', trurisk: '912', acs: '5' }, { id: '2' }]);
      })
      .post(HOST_LIST)
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return hostList([]);
      });
    const ctx = enrichContext({ 'qualys.host': ['1', '2', '3'] });
    await makeSource({ hostListBatchSize: 2 }).enrich(ctx);
    expect(scope.isDone()).to.equal(true);
    expect(bodies[0]).to.deep.equal({ action: 'list', details: 'Basic', show_trurisk: '1', show_asset_id: '1', ids: '1,2', truncation_limit: '0' });
    expect(bodies[1]).to.include({ ids: '3' });
    expect(ctx.puts).to.deep.equal([
      { ns: 'qualys.host', id: '1', data: { TRURISK_SCORE: '912', ASSET_CRITICALITY_SCORE: '5', ASSET_RISK_SCORE: '1' } },
      { ns: 'qualys.host', id: '2', data: { TRURISK_SCORE: '', ASSET_CRITICALITY_SCORE: '', ASSET_RISK_SCORE: '' } },
      { ns: 'qualys.host', id: '3', data: { TRURISK_SCORE: '', ASSET_CRITICALITY_SCORE: '', ASSET_RISK_SCORE: '' } },
    ]);
  });

  it('makes no call when nothing is wanted and skips ids that are not Qualys ids', async () => {
    const ctx = enrichContext({ 'qualys.kb': ['not-a-qid'], 'qualys.host': [] });
    await makeSource().enrich(ctx);
    expect(ctx.puts).to.deep.equal([]);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('declares its lookup TTLs and module', () => {
    const source = makeSource();
    expect(source.moduleName).to.equal('VMDR');
    expect(source.type).to.equal('qualys-vmdr');
    expect(source.host).to.equal('qualysapi.test.example');
    expect(source.lookupTtlSec).to.deep.equal({ 'qualys.kb': 604800, 'qualys.host': 0 });
  });
});
