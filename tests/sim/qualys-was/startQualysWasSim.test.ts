import { expect } from 'chai';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim, WAS_SEARCH_PATH, type QualysWasSim } from './index.js';

const auth = `Basic ${Buffer.from(`${QUALYS_WAS_SIM_CREDENTIALS.username}:${QUALYS_WAS_SIM_CREDENTIALS.password}`).toString('base64')}`;

type Envelope = { ServiceResponse: { responseCode: string; count?: number; hasMoreRecords?: string; lastId?: number; data?: Array<{ Finding: Record<string, unknown> }>; responseErrorDetails?: { errorMessage: string } } };

async function search(sim: QualysWasSim, criteria: unknown[], limit?: number, headers: Record<string, string> = { Authorization: auth, 'X-Requested-With': 'test' }): Promise<{ status: number; body: Envelope }> {
  const res = await fetch(`${sim.url}${WAS_SEARCH_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ ServiceRequest: { preferences: { verbose: 'true', ...(limit ? { limitResults: String(limit) } : {}) }, filters: { Criteria: criteria } } }),
  });
  return { status: res.status, body: (await res.json()) as Envelope };
}

describe('sim/qualys-was: the WAS findings search simulator', () => {
  let sim: QualysWasSim;
  before(async () => {
    sim = await startQualysWasSim({ webApps: 4, findingsPerApp: 6, seed: 2, now: () => new Date('2025-06-01T00:00:00Z') });
  });
  after(() => sim.close());

  it('pages by limitResults with hasMoreRecords/lastId and a strict id GREATER, in the sample\'s shape', async () => {
    const ids: number[] = [];
    let after: number | undefined;
    for (let page = 0; page < 10; page++) {
      const { body } = await search(sim, after ? [{ field: 'id', operator: 'GREATER', value: String(after) }] : [], 5);
      const sr = body.ServiceResponse;
      expect(sr.responseCode).to.equal('SUCCESS');
      ids.push(...(sr.data ?? []).map((d) => d.Finding.id as number));
      if (sr.hasMoreRecords !== 'true') {
        expect(sr.lastId).to.equal(undefined);
        break;
      }
      expect(sr.lastId).to.equal(ids.at(-1));
      after = sr.lastId;
    }
    expect(ids).to.deep.equal(sim.data.findings.map((f) => f.id));
    const first = (await search(sim, [], 1)).body.ServiceResponse.data![0]!.Finding;
    expect(Object.keys(first)).to.include.members(['id', 'uniqueId', 'qid', 'status', 'webApp', 'resultList', 'owasp', 'cwe', 'isIgnored', 'lastTestedDate']);
  });

  it('filters on status, severity, webApp.id and lastTestedDate', async () => {
    const app = sim.data.webApps[2]!.id;
    const { body } = await search(sim, [
      { field: 'status', operator: 'IN', value: 'NEW,ACTIVE' },
      { field: 'webApp.id', operator: 'EQUALS', value: String(app) },
      { field: 'severity', operator: 'GREATER', value: '1' },
      { field: 'lastTestedDate', operator: 'GREATER', value: '2020-01-01T00:00:00Z' },
    ]);
    const expected = sim.data.findings.filter((f) => ['NEW', 'ACTIVE'].includes(f.status) && f.webAppId === app && Number(f.severity) > 1).map((f) => f.id);
    expect((body.ServiceResponse.data ?? []).map((d) => d.Finding.id)).to.deep.equal(expected);
    const none = await search(sim, [{ field: 'lastTestedDate', operator: 'GREATER', value: '2030-01-01T00:00:00Z' }]);
    expect(none.body.ServiceResponse).to.deep.equal({ responseCode: 'SUCCESS', count: 0, hasMoreRecords: 'false' });
  });

  it('answers INVALID_REQUEST for an unknown field or limitResults over 1000, 401 INVALID_CREDENTIALS without auth', async () => {
    const unknown = await search(sim, [{ field: 'nope', operator: 'EQUALS', value: '1' }]);
    expect(unknown.body.ServiceResponse.responseCode).to.equal('INVALID_REQUEST');
    const big = await search(sim, [], 1001);
    expect(big.body.ServiceResponse.responseErrorDetails?.errorMessage).to.include('limitResults');
    const anon = await search(sim, [], 5, { 'X-Requested-With': 'test' });
    expect(anon.status).to.equal(401);
    expect(anon.body.ServiceResponse.responseCode).to.equal('INVALID_CREDENTIALS');
  });

  it('serves the KnowledgeBase for its QIDs (the VMDR sim\'s XML) with category Web Application', async () => {
    const qid = sim.data.findings[0]!.qid;
    const res = await fetch(`${sim.url}/api/2.0/fo/knowledge_base/vuln/`, {
      method: 'POST',
      headers: { Authorization: auth, 'X-Requested-With': 'test', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `action=list&details=All&ids=${qid},99`,
    });
    const xml = await res.text();
    expect(res.status).to.equal(200);
    expect(xml).to.include(`<QID>${qid}</QID>`).and.include('<CATEGORY>Web Application</CATEGORY>');
    expect(xml.match(/<VULN>/g)).to.have.length(1);
  });
});
