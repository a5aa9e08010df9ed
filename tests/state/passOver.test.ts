import { expect } from 'chai';
import { FindingDigests } from '../../connector/state/findingDigests.js';
import { LookupCache } from '../../connector/state/lookupCache.js';
import { openState, type Db } from '../../connector/state/openState.js';
import { headJson, PendingFindings, Staging, type DigestCheck } from '../../connector/state/staging.js';
import { TicketStore } from '../../connector/state/ticketStore.js';
import type { FindingHead } from '../../connector/model/finding.js';
import { finding } from './stateKit.js';

const JOB = 'lane-job';
const host = (id: string) => ({ ns: 'qualys.host', id });

describe('state/Staging: findings passed over as they are pulled', () => {
  let db: Db;
  let lookups: LookupCache;
  let check: () => DigestCheck;
  beforeEach(() => {
    db = openState(':memory:');
    lookups = new LookupCache(db);
    lookups.putMany([{ ns: 'qualys.host', id: 'h1', data: { TRURISK: '100' } }, { ns: 'qualys.host', id: 'h2', data: { TRURISK: '200' } }]);
    check = () => {
      const version = lookups.versionReader();
      return { laneJobs: [JOB], laneParts: ['LANE'], digestOf: (own, refs) => refs.reduce((out, r) => `${out}.${version(r.ns, r.id)}`, own) };
    };
  });
  afterEach(() => db.close());

  const head = (key: string, hostId: string, own: string): FindingHead => ({ key, parentKey: `host:${hostId}`, status: 'Active', ignored: false, lookups: [host(hostId)], sourceDigest: own });

  /** Record each finding's digest as a lane does once its ticket work succeeded. */
  function record(heads: FindingHead[]): void {
    const c = check();
    new FindingDigests(db).record(
      JOB,
      heads.map((h) => ({
        fkey: h.key,
        digest: `${c.digestOf(h.sourceDigest as string, h.lookups ?? [])}.LANE`,
        data: JSON.stringify({ KEY: h.key }),
        lookups: JSON.stringify(h.lookups),
        head: headJson({ ...h, ignored: h.key.endsWith('i') }),
      })),
    );
  }

  it('passes over the unchanged, stages nothing of them, stages data-less the one whose lookup changed, builds the changed one', () => {
    const heads = [head('f1', 'h1', 'own1'), head('f2i', 'h2', 'own2'), head('f3', 'h1', 'own3')];
    record(heads);
    const staging = new Staging(db, 1, 'parent', false, [JOB]);
    staging.passOver(check());
    const taken = staging.addKnown([heads[0]!, heads[1]!, { ...heads[2]!, sourceDigest: 'changed' }]);
    expect(taken).to.deep.equal([true, true, false]);
    expect(staging.passedOver).to.equal(2);
    expect(staging.count).to.equal(2);
    expect([...(staging.lookupIds.get('qualys.host') ?? [])].sort()).to.deep.equal(['h1', 'h2']);
    // The enrichment changes h2's TruRisk: its passed-over finding is staged from its record after all.
    const changed = lookups.putMany([{ ns: 'qualys.host', id: 'h2', data: { TRURISK: '999' } }, { ns: 'qualys.host', id: 'h1', data: { TRURISK: '100' } }]);
    expect(changed).to.deep.equal(['qualys.host\u001fh2']);
    expect(staging.restagePassed(new Set(changed))).to.equal(1);
    expect(staging.passedOver).to.equal(1);
    // Taken once: asked again, it is not staged twice.
    expect(staging.restagePassed(new Set(changed))).to.equal(0);
    expect(staging.passedOver).to.equal(1);
    const pages = [...staging.checkedPages(10, check())];
    const planned = pages.flatMap((p) => p.findings);
    expect(planned.map((f) => f.key)).to.deep.equal(['f2i']);
    expect(planned[0]).to.include({ key: 'f2i', parentKey: 'host:h2', status: 'Active', ignored: true });
    expect(planned[0]!.data).to.deep.equal({ KEY: 'f2i' });
    staging.clear();
  });

  it('a ticket row written or a retry queued after the digest was recorded voids it: the finding is not passed over', () => {
    const heads = [head('f1', 'h1', 'own1'), head('f2', 'h2', 'own2'), head('f3', 'h1', 'own3')];
    record(heads);
    new TicketStore(db).put([
      { job: JOB, pk: 'single:f1', role: 'single', primaryKey: 'f1', marker: 'vb-1', state: 'open', jiraKey: 'V-1', jiraId: '1', linked: false, fieldHashes: {}, labels: [], findingKey: 'f1' },
    ]);
    new PendingFindings(db).markFailed(JOB, finding('f2'), 'Jira said 500');
    const staging = new Staging(db, 1, 'parent', false, [JOB]);
    staging.passOver(check());
    staging.addKnown(heads);
    expect(staging.passedOver).to.equal(1);
    staging.clear();
  });
});
