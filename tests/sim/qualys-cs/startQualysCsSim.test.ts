import { expect } from 'chai';
import { QUALYS_CS_SIM_CREDENTIALS, startQualysCsSim, type QualysCsSim } from './startQualysCsSim.js';

describe('sim/qualys-cs', () => {
  let sim: QualysCsSim;
  let now = 1_800_000_000_000;
  beforeEach(async () => {
    now = 1_800_000_000_000;
    sim = await startQualysCsSim({ images: 3, containersPerImage: 1, vulnsPerObject: 2, now: () => now });
  });
  afterEach(() => sim.close());

  const login = async (password: string = QUALYS_CS_SIM_CREDENTIALS.password): Promise<Response> =>
    fetch(`${sim.url}/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: QUALYS_CS_SIM_CREDENTIALS.username, password, token: 'true' }).toString(),
    });
  const get = (path: string, jwt: string): Promise<Response> => fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${jwt}` } });

  it('issues a JWT whose exp is 4 h after the sim clock; wrong password → 401', async () => {
    const jwt = await (await login()).text();
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(claims.exp * 1000).to.equal(now + 4 * 3600_000);
    expect((await login('wrong')).status).to.equal(401);
  });

  it('an expired token gets 401', async () => {
    const jwt = await (await login()).text();
    expect((await get('/csapi/v1.3/images/list?limit=10', jwt)).status).to.equal(200);
    now += 4 * 3600_000;
    expect((await get('/csapi/v1.3/images/list?limit=10', jwt)).status).to.equal(401);
  });

  it('pages the bulk list by Link header and ends with "null"', async () => {
    const jwt = await (await login()).text();
    const first = await get('/csapi/v1.3/containers/list?limit=2', jwt);
    const link = first.headers.get('link')!;
    expect(link).to.match(/^<http:\/\/127\.0\.0\.1:\d+\/csapi\/v1\.3\/containers\/list\?limit=2&paginationQuery=[^>]+>;rel=next$/);
    const second = await get(link.slice(1, link.indexOf('>')).replace(sim.url, ''), jwt);
    expect(second.headers.get('link')).to.equal('null');
    const rows = [...((await first.json()) as { data: unknown[] }).data, ...((await second.json()) as { data: unknown[] }).data];
    expect(rows).to.have.length(3);
  });

  it('removeObject: gone from the list and /vuln answers 404', async () => {
    const jwt = await (await login()).text();
    const sha = sim.data.images[0]!.sha;
    expect((await get(`/csapi/v1.3/images/${sha}/vuln?type=DETAILS`, jwt)).status).to.equal(200);
    sim.removeObject(sha);
    expect((await get(`/csapi/v1.3/images/${sha}/vuln?type=DETAILS`, jwt)).status).to.equal(404);
    const list = (await (await get('/csapi/v1.3/images/list?limit=50', jwt)).json()) as { data: Array<{ sha: string }> };
    expect(list.data.map((d) => d.sha)).to.not.include(sha);
  });
});
