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
      return { laneJobs: [JOB], laneParts: ['LANE'], digestOf: (own, refs) => refs.reduce((out, r) => `${out}.${version(r.ns, r.id)}`, own), version };
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

  describe('a parent\'s findings passed over together (a group: a Qualys host\'s detections)', () => {
    const kb = (id: string) => ({ ns: 'qualys.kb', id });
    /** Findings of host h1 as the Qualys source keys them, each naming its QID and its host. */
    const members = (own = 'own'): FindingHead[] =>
      ['100', '101', '102'].map((qid) => ({ key: `host:h1|qid:${qid}`, parentKey: 'host:h1', status: 'Active', ignored: false, lookups: [kb(qid), host('h1')], sourceDigest: `${own}${qid}` }));
    const H1 = { key: 'host:h1', digest: 'TEXT1' };
    const span = (n = 3) => [{ ...H1, from: 0, to: n }];
    const groupRows = () => db.prepare(`SELECT job, gkey, refs, members FROM group_digests ORDER BY job, gkey`).all() as Array<{ job: string; gkey: string; refs: string; members: string }>;
    /** A cycle's staging, its findings checked against the lookups as stored now. */
    const staging = (lanes = [JOB]) => {
      const st = new Staging(db, 1, 'parent', false, lanes);
      st.passOver({ ...check(), laneJobs: lanes, laneParts: lanes.map(() => 'LANE') });
      return st;
    };

    /** h1's findings recorded, then passed over alone by a cycle: which records them as a group. */
    const groupRecorded = () => {
      record(members());
      const first = staging();
      first.addKnown(members(), span());
      first.clear();
    };

    beforeEach(() => {
      lookups.putMany(['100', '101', '102'].map((id) => ({ ns: 'qualys.kb', id, data: { TITLE: `QID ${id}` } })));
    });

    it('is recorded once all its findings were passed over alone; the next cycle passes over all of them from the group\'s digest', () => {
      record(members());
      const first = staging();
      expect(first.addKnown(members(), span())).to.deep.equal([true, true, true]);
      first.clear();
      expect(groupRows()).to.have.length(1);
      expect(groupRows()[0]).to.include({ job: JOB, gkey: 'host:h1' });
      const second = staging();
      expect(second.passGroups([H1, { key: 'host:h2', digest: 'TEXT2' }])).to.deep.equal([true, false]);
      expect(second.passedOver).to.equal(3);
      expect([...(second.lookupIds.get('qualys.kb') ?? [])].sort()).to.deep.equal(['100', '101', '102']);
      expect([...(second.lookupIds.get('qualys.host') ?? [])]).to.deep.equal(['h1']);
      second.clear();
    });

    it('is not passed over when its text, a lookup its findings name or the lane changed, nor once a finding\'s ticket row was written', () => {
      groupRecorded();
      expect(staging().passGroups([{ ...H1, digest: 'TEXT1-changed' }])).to.deep.equal([false]);
      lookups.putMany([{ ns: 'qualys.kb', id: '101', data: { TITLE: 'changed' } }]);
      expect(staging().passGroups([H1])).to.deep.equal([false]);
      lookups.putMany([{ ns: 'qualys.kb', id: '101', data: { TITLE: 'QID 101' } }]);
      expect(staging().passGroups([H1])).to.deep.equal([true]);
      const otherLane = new Staging(db, 1, 'parent', false, [JOB]);
      otherLane.passOver({ ...check(), laneParts: ['OTHER-LANE'] });
      expect(otherLane.passGroups([H1])).to.deep.equal([false]);
      // A person's close recorded on one ticket voids that finding's digest, and so its group.
      new TicketStore(db).put([
        { job: JOB, pk: 'single:x', role: 'single', primaryKey: 'x', marker: 'vb-x', state: 'closed-by-user', jiraKey: 'V-1', jiraId: '1', linked: false, fieldHashes: {}, labels: [], findingKey: 'host:h1|qid:101' },
      ]);
      expect(groupRows()).to.deep.equal([]);
      expect(staging().passGroups([H1])).to.deep.equal([false]);
    });

    it('is not recorded when a finding of it was not passed over, is another parent\'s, or a lane lacks the digest', () => {
      record(members().slice(0, 2));
      const partly = staging();
      expect(partly.addKnown(members(), span())).to.deep.equal([true, true, false]);
      partly.clear();
      record([members()[2]!]);
      const elsewhere = staging();
      elsewhere.addKnown(members(), [{ key: 'host:h9', digest: 'TEXT1', from: 0, to: 3 }]);
      elsewhere.clear();
      const twoLanes = staging([JOB, 'other-lane']);
      twoLanes.addKnown(members(), span());
      twoLanes.clear();
      expect(groupRows()).to.deep.equal([]);
    });

    it('a change of one finding\'s recorded digest, or its digest forgotten, drops the group', () => {
      groupRecorded();
      expect(groupRows()).to.have.length(1);
      // Recorded again as it was: the group stays.
      record(members());
      expect(groupRows()).to.have.length(1);
      record([{ ...members()[0]!, sourceDigest: 'new' }]);
      expect(groupRows()).to.deep.equal([]);
      const again = staging();
      again.addKnown([{ ...members()[0]!, sourceDigest: 'new' }, ...members().slice(1)], span());
      again.clear();
      expect(groupRows()).to.have.length(1);
      new FindingDigests(db).forget(JOB);
      expect(groupRows()).to.deep.equal([]);
    });

    it('a group passed over whose lookup the enrichment then changes has all its findings staged again from their records', () => {
      groupRecorded();
      const st = staging();
      expect(st.passGroups([H1])).to.deep.equal([true]);
      const changed = lookups.putMany([{ ns: 'qualys.kb', id: '102', data: { TITLE: 'changed' } }]);
      expect(st.restagePassed(new Set(changed))).to.equal(3);
      expect(st.passedOver).to.equal(0);
      const planned = [...st.checkedPages(10, check())].flatMap((p) => p.findings);
      // 102's digest names the changed entry: planned. 100 and 101 name what they did: passed over on the page.
      expect(planned.map((f) => f.key)).to.deep.equal(['host:h1|qid:102']);
      expect(planned[0]!.data).to.deep.equal({ KEY: 'host:h1|qid:102' });
      st.clear();
    });

    it('recordGroups records, at the end of a cycle, a group whose findings were all staged and then recorded their digests', () => {
      const st = staging();
      expect(st.addKnown(members(), span())).to.deep.equal([false, false, false]);
      // The source builds them; staging digests them (its own digest is the source's).
      st.add(members().map((h) => ({ ...h, data: { KEY: h.key } })));
      // The lanes' ticket work: two of three succeeded.
      record(members().slice(0, 2));
      expect(st.recordGroups(check())).to.equal(0);
      record([members()[2]!]);
      expect(st.recordGroups(check())).to.equal(1);
      expect(groupRows()[0]).to.include({ gkey: 'host:h1' });
      st.clear();
      expect(staging().passGroups([H1])).to.deep.equal([true]);
    });

    it('recordGroups leaves a parent that came twice in one pull: its findings were not all in one group', () => {
      const st = staging();
      st.addKnown(members(), span());
      st.addKnown(members(), span());
      st.add(members().map((h) => ({ ...h, data: { KEY: h.key } })));
      record(members());
      expect(st.recordGroups(check())).to.equal(0);
      st.clear();
    });
  });
});
