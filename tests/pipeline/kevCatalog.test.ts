import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { refreshKev } from '../../connector/pipeline/kevCatalog.js';
import type { Logger } from '../../connector/log.js';
import { openStateBundle, type State } from '../../connector/state/stateBundle.js';

const FIXTURE = {
  title: 'CISA Catalog of Known Exploited Vulnerabilities',
  catalogVersion: '2026.01.05',
  vulnerabilities: [
    { cveID: 'CVE-2021-44228', vendorProject: 'Apache', product: 'Log4j2', vulnerabilityName: 'Log4Shell', dateAdded: '2021-12-10', shortDescription: '', requiredAction: '', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known', notes: '', cwes: ['CWE-20'] },
    { cveID: 'CVE-2024-3400', vendorProject: 'Palo Alto Networks', product: 'PAN-OS', vulnerabilityName: 'x', dateAdded: '2024-04-12', shortDescription: '', requiredAction: '', dueDate: '2024-04-19', knownRansomwareCampaignUse: 'Unknown', notes: '', cwes: [] },
  ],
};

function recordingLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, error: () => {} } as unknown as Logger;
  return { log, warnings };
}

describe('pipeline/kevCatalog', () => {
  let dir: string;
  let state: State;
  let server: http.Server;
  let body: string;
  let status: number;
  let hits: number;
  let url: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-kev-'));
    state = openStateBundle(dir);
    body = JSON.stringify(FIXTURE);
    status = 200;
    hits = 0;
    server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kev.json`;
  });
  afterEach(async () => {
    state.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the catalog from a URL, caches it in the state, and asks again only after refreshHours', async () => {
    const { log, warnings } = recordingLog();
    const kev = { source: url, kind: 'url' as const, refreshHours: 24 };
    await refreshKev(kev, state.kev, log, new Date('2026-01-10T08:00:00Z'));
    expect(state.kev.get('cve-2021-44228')).to.deep.equal({ cveID: 'CVE-2021-44228', dueDate: '2021-12-24', dateAdded: '2021-12-10', knownRansomwareCampaignUse: 'Known' });
    await refreshKev(kev, state.kev, log, new Date('2026-01-10T20:00:00Z'));
    expect(hits).to.equal(1);
    await refreshKev(kev, state.kev, log, new Date('2026-01-11T08:00:00Z'));
    expect(hits).to.equal(2);
    expect(warnings).to.deep.equal([]);
  });

  it('unreachable or malformed: one warning per attempt, the last good copy kept', async () => {
    const { log, warnings } = recordingLog();
    const kev = { source: url, kind: 'url' as const, refreshHours: 24 };
    await refreshKev(kev, state.kev, log, new Date('2026-01-10T08:00:00Z'));
    body = '{"vulnerabilities": [{"cveID": 42}]}';
    await refreshKev(kev, state.kev, log, new Date('2026-01-11T09:00:00Z'));
    status = 503;
    await refreshKev(kev, state.kev, log, new Date('2026-01-12T10:00:00Z'));
    body = 'not json';
    status = 200;
    await refreshKev(kev, state.kev, log, new Date('2026-01-13T11:00:00Z'));
    expect(warnings).to.have.length(3);
    expect(warnings[0]).to.match(/KEV catalog could not be read; the copy of 2026-01-10T08:00:00.000Z \(2 entries\) is kept/);
    expect(state.kev.get('CVE-2024-3400')?.dueDate).to.equal('2024-04-19');
    await new Promise((r) => server.close(r));
    server.listen(0);
    await refreshKev(kev, state.kev, log, new Date('2026-01-14T11:00:00Z'));
    expect(warnings).to.have.length(4);
    expect(state.kev.meta()?.entries).to.equal(2);
  });

  it('reads a file in the same format', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = path.join(dir, 'kev.json');
    writeFileSync(file, JSON.stringify(FIXTURE));
    await refreshKev({ source: file, kind: 'file', refreshHours: 24 }, state.kev, recordingLog().log, new Date('2026-01-10T08:00:00Z'));
    expect(state.kev.meta()).to.include({ source: file, entries: 2 });
  });
});
