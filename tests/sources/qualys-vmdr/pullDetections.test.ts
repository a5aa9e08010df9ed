import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { SourceError } from '../../../connector/errors.js';
import { notedDataJson } from '../../../connector/model/dataJson.js';
import type { FindingGroup, FindingGroupSpan, FindingHead } from '../../../connector/model/finding.js';
import type { OrgJsonObject } from '../../../connector/sources/qualys-vmdr/orgJson.js';
import { captureLogger, form, makeSource, pullAll, pullContext, pullError, TEST_PASSWORD, TEST_USER } from './qualysTestKit.js';

const SAMPLES = QUALYS_SAMPLES;
const HLD_SAMPLE = readFileSync(`${SAMPLES}/hld_elastic_qualys_vmdr.xml`, 'utf8');
const EMPTY_SAMPLE = readFileSync(`${SAMPLES}/hld_empty_response_jupiterone_recording.xml`, 'utf8');
const BASE = 'https://qualysapi.test.example';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';

/** A small HLD page; `next` adds the WARNING/1980 a truncated page carries. */
function hldPage(hosts: Array<{ id: string; qids: Array<string | null> }>, next?: string): string {
  const hostXml = hosts
    .map(
      (h) =>
        `<HOST><ID>${h.id}</ID><IP>10.0.0.${h.id}</IP><DNS><![CDATA[ h${h.id}.example ]]></DNS><DETECTION_LIST>` +
        h.qids.map((q) => `<DETECTION>${q === null ? '' : `<QID>${q}</QID>`}<TYPE>Confirmed</TYPE><STATUS>Active</STATUS><IS_IGNORED>0</IS_IGNORED></DETECTION>`).join('') +
        '</DETECTION_LIST></HOST>',
    )
    .join('');
  const warning = next ? `<WARNING><CODE>1980</CODE><TEXT>1 record limit exceeded.</TEXT><URL><![CDATA[${next}]]></URL></WARNING>` : '';
  return `<?xml version="1.0" encoding="UTF-8" ?><HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2026-01-10T12:00:00Z</DATETIME>${hosts.length ? `<HOST_LIST>${hostXml}</HOST_LIST>` : ''}${warning}</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`;
}

describe('qualys-vmdr: pulling detections (HLD, nock)', () => {
  it('turns the real HLD sample into two findings with host and detection fields', async () => {
    let body: Record<string, string> = {};
    const scope = nock(BASE)
      .post(HLD)
      .basicAuth({ user: TEST_USER, pass: TEST_PASSWORD })
      .matchHeader('x-requested-with', 'vulnbridge')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, (_uri, b) => {
        body = form(b);
        return HLD_SAMPLE;
      });
    const { pages, result } = await pullAll(makeSource());
    expect(scope.isDone()).to.equal(true);
    expect(body).to.include({ action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '1', show_qds_factors: '1', include_ignored: '1', truncation_limit: '1000' });
    // First run: no date filter, pull everything.
    expect(body).to.not.have.property('detection_updated_since');

    const findings = pages.flatMap((p) => p.findings);
    expect(findings).to.have.length(2);
    const [a, b] = findings;
    expect(a!.key).to.equal('host:12048633|qid:197595|port:|proto:');
    expect(b!.key).to.equal('host:12048633|qid:197597|port:|proto:');
    expect(a!.parentKey).to.equal('host:12048633');
    expect(a!.status).to.equal('Active');
    expect(a!.ignored).to.equal(false);
    expect(a!.lookups).to.deep.equal([
      { ns: 'qualys.kb', id: '197595', into: 'VULN' },
      { ns: 'qualys.host', id: '12048633' },
    ]);
    expect(a!.data).to.include({ ID: '12048633', IP: '10.50.2.111', DNS: 'adfssrvr.adfs.local', OS: 'Windows 2016/2019/10', QID: '197595', UNIQUE_VULN_ID: '5555555555', LAST_FOUND_DATETIME: '2024-03-08T20:15:41Z' });
    expect(a!.data.QDS).to.deep.equal({ severity: 'LOW', content: '35' });
    expect(b!.data.QDS).to.deep.equal({ severity: 'CRITICAL', content: '95' });
    expect((a!.data.QDS_FACTORS as OrgJsonObject).QDS_FACTOR).to.have.length(4);
    expect(a!.data).to.not.have.property('DETECTION_LIST');
    expect(result.nextCursors).to.deep.equal({ detection_updated_since: '2026-01-10T11:50:00Z' });
  });

  it('sends the stored cursor as detection_updated_since (or vm_processed_after)', async () => {
    const bodies: Array<Record<string, string>> = [];
    nock(BASE)
      .post(HLD)
      .twice()
      .reply(200, (_uri, b) => {
        bodies.push(form(b));
        return EMPTY_SAMPLE;
      });
    const cycle = new Date('2026-02-01T00:05:00Z');
    const r1 = await pullAll(makeSource(), pullContext({ detection_updated_since: '2026-01-31T23:00:00Z' }, cycle));
    const r2 = await pullAll(makeSource({ incremental: 'vm_processed_after', overlapMinutes: 30 }), pullContext({ vm_processed_after: '2026-01-31T22:00:00Z' }, cycle));
    expect(bodies[0]).to.include({ detection_updated_since: '2026-01-31T23:00:00Z' });
    expect(bodies[1]).to.include({ vm_processed_after: '2026-01-31T22:00:00Z' });
    expect(bodies[1]).to.not.have.property('detection_updated_since');
    expect(r1.pages).to.have.length(0);
    expect(r1.result.nextCursors).to.deep.equal({ detection_updated_since: '2026-01-31T23:55:00Z' });
    expect(r2.result.nextCursors).to.deep.equal({ vm_processed_after: '2026-01-31T23:35:00Z' });
  });

  it('follows WARNING/1980 by re-posting the URL parameters to the configured host with our auth', async () => {
    const bodies: Array<Record<string, string>> = [];
    // The URL names another host on purpose: we must not follow it there.
    const next = 'https://qualysapi.elsewhere.example/api/5.0/fo/asset/host/vm/detection/?action=list&truncation_limit=1&id_min=300';
    const scope = nock(BASE)
      .post(HLD)
      .basicAuth({ user: TEST_USER, pass: TEST_PASSWORD })
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return hldPage([{ id: '100', qids: ['1', '2'] }], next);
      })
      .post(HLD)
      .basicAuth({ user: TEST_USER, pass: TEST_PASSWORD })
      .matchHeader('x-requested-with', 'vulnbridge')
      .reply(200, (_u, b) => {
        bodies.push(form(b));
        return hldPage([{ id: '300', qids: ['3'] }]);
      });
    const { pages, progress } = await pullAll(makeSource({ truncationLimit: 1, showQds: false }));
    expect(scope.isDone()).to.equal(true);
    expect(bodies[0]).to.not.have.property('id_min');
    expect(bodies[1]).to.include({ id_min: '300', truncation_limit: '1', action: 'list', status: 'New,Active,Re-Opened,Fixed', show_qds: '0' });
    expect(pages.map((p) => p.label)).to.deep.equal(['page 1', 'page 2 (id_min=300)']);
    expect(pages.map((p) => p.findings.map((f) => f.key))).to.deep.equal([
      ['host:100|qid:1|port:|proto:', 'host:100|qid:2|port:|proto:'],
      ['host:300|qid:3|port:|proto:'],
    ]);
    expect(progress).to.deep.equal([
      { page: 'page 1', findings: 2, totalFindings: 2 },
      { page: 'page 2 (id_min=300)', findings: 1, totalFindings: 3 },
    ]);
  });

  it('yields findings in chunks of chunkSize', async () => {
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '1', qids: ['1', '2', '3', '4', '5'] }]));
    const { pages } = await pullAll(makeSource({ chunkSize: 2 }));
    expect(pages.map((p) => p.findings.length)).to.deep.equal([2, 2, 1]);
  });

  it('with `known`, builds exactly the findings the plain pull builds for those it is not told to pass over, digested by their text', async () => {
    const page = HLD_SAMPLE;
    nock(BASE).post(HLD).reply(200, page);
    const plain = (await pullAll(makeSource())).pages.flatMap((p) => p.findings);
    const asked: string[] = [];
    const ctx = { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map((h) => (asked.push(h.key), h.key.includes('qid:197597'))) };
    nock(BASE).post(HLD).reply(200, page);
    const digested = (await pullAll(makeSource(), ctx)).pages.flatMap((p) => p.findings);
    expect(asked).to.deep.equal(plain.map((f) => f.key));
    expect(digested).to.have.length(1);
    const { sourceDigest, ...built } = digested[0]!;
    expect(built).to.deep.equal(plain[0]);
    expect(sourceDigest).to.be.a('string').with.length.greaterThan(20);
    // The same text gives the same digest; another status another.
    nock(BASE).post(HLD).reply(200, page.replace('<STATUS>Active</STATUS>', '<STATUS>Fixed</STATUS>'));
    const again = (await pullAll(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) })).pages.flatMap((p) => p.findings);
    expect(again[0]!.sourceDigest).to.not.equal(sourceDigest);
    expect(again[0]!.status).to.equal('Fixed');
  });

  describe('with `knownGroups`, each host\'s detections digested together first', () => {
    const hosts = [
      { id: '1', qids: ['11', '12', '13'] },
      { id: '2', qids: ['21', null, '23'] },
      { id: '3', qids: ['31'] },
    ];
    /** A pull whose groups the pipeline takes by `passed` (host key → taken), recording what it was asked. */
    async function pullGrouped(xml: string, passed: (key: string) => boolean) {
      nock(BASE).post(HLD).reply(200, xml);
      const asked = { groups: [] as FindingGroup[], heads: [] as string[], spans: [] as Array<{ key: string; keys: string[] }> };
      const ctx = {
        ...pullContext(),
        knownGroups: (groups: readonly FindingGroup[]) => groups.map((g) => (asked.groups.push(g), passed(g.key))),
        known: (heads: readonly FindingHead[], spans?: readonly FindingGroupSpan[]) => {
          asked.heads.push(...heads.map((h) => h.key));
          for (const sp of spans ?? []) asked.spans.push({ key: sp.key, keys: heads.slice(sp.from, sp.to).map((h) => h.key) });
          return heads.map(() => false);
        },
      };
      const { pages } = await pullAll(makeSource(), ctx);
      return { asked, findings: pages.flatMap((p) => p.findings), rejected: pages.flatMap((p) => p.rejected ?? []) };
    }

    it('asks once per host; a host taken whole has none of its detections asked for or built', async () => {
      const xml = hldPage(hosts);
      const none = await pullGrouped(xml, () => false);
      expect(none.asked.groups.map((g) => g.key)).to.deep.equal(['host:1', 'host:2', 'host:3']);
      // Host 2 has a DETECTION without QID: rejected as without groups, and its other detections form no group to record.
      expect(none.asked.spans).to.deep.equal([
        { key: 'host:1', keys: ['host:1|qid:11|port:|proto:', 'host:1|qid:12|port:|proto:', 'host:1|qid:13|port:|proto:'] },
        { key: 'host:3', keys: ['host:3|qid:31|port:|proto:'] },
      ]);
      expect(none.rejected).to.have.length(1);
      expect(none.findings.map((f) => f.key)).to.deep.equal([...none.asked.heads]);
      nock(BASE).post(HLD).reply(200, xml);
      const plain = await pullAll(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) });
      expect(none.findings).to.deep.equal(plain.pages.flatMap((p) => p.findings));
      const some = await pullGrouped(xml, (key) => key === 'host:1');
      expect(some.asked.heads.filter((k) => k.startsWith('host:1|'))).to.deep.equal([]);
      expect(some.findings.map((f) => f.key)).to.deep.equal(['host:2|qid:21|port:|proto:', 'host:2|qid:23|port:|proto:', 'host:3|qid:31|port:|proto:']);
    });

    it('the same text gives each host the same digest; a detection\'s or the host\'s own change gives that host another', async () => {
      const digests = async (xml: string) => new Map((await pullGrouped(xml, () => false)).asked.groups.map((g) => [g.key, g.digest]));
      const base = await digests(hldPage(hosts));
      expect(await digests(hldPage(hosts))).to.deep.equal(base);
      const statusChanged = await digests(hldPage(hosts).replace('<QID>12</QID><TYPE>Confirmed</TYPE><STATUS>Active</STATUS>', '<QID>12</QID><TYPE>Confirmed</TYPE><STATUS>Fixed</STATUS>'));
      expect([...statusChanged].filter(([k, d]) => base.get(k) !== d).map(([k]) => k)).to.deep.equal(['host:1']);
      const ipChanged = await digests(hldPage(hosts).replace('<IP>10.0.0.3</IP>', '<IP>10.0.9.3</IP>'));
      expect([...ipChanged].filter(([k, d]) => base.get(k) !== d).map(([k]) => k)).to.deep.equal(['host:3']);
      // A host without detections is asked about (its text is all there is to go by) but never spans a group.
      const oneLess = await pullGrouped(hldPage([hosts[0]!, hosts[1]!, { id: '3', qids: [] }]), () => false);
      expect(oneLess.asked.groups.find((g) => g.key === 'host:3')?.digest).to.not.equal(base.get('host:3'));
      expect(oneLess.asked.spans.map((sp) => sp.key)).to.deep.equal(['host:1']);
      const oneMore = await digests(hldPage([{ id: '1', qids: ['11', '12', '13', '14'] }, hosts[1]!, hosts[2]!]));
      expect(oneMore.get('host:1')).to.not.equal(base.get('host:1'));
    });

    it('a HOST is taken whole by its text; one whose first child is not a plain <ID> is read as usual, its list taken whole: asked once, the same findings', async () => {
      const xml = hldPage(hosts).replace('<HOST><ID>3</ID><IP>10.0.0.3</IP>', '<HOST><IP>10.0.0.3</IP><ID>3</ID>');
      const r = await pullGrouped(xml, () => false);
      expect(r.asked.groups.map((g) => g.key)).to.deep.equal(['host:1', 'host:2', 'host:3']);
      expect(r.asked.spans.map((sp) => sp.key)).to.deep.equal(['host:1', 'host:3']);
      nock(BASE).post(HLD).reply(200, xml);
      const plain = await pullAll(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) });
      expect(r.findings).to.deep.equal(plain.pages.flatMap((p) => p.findings));
      // Host 3's digest is its list's (with its fields as parsed): not moved by its text's layout, unlike a host taken whole.
      const spaced = await pullGrouped(xml.replace('<DNS>', '\n  <DNS>').replaceAll('<IP>', ' <IP>'), () => false);
      const digest = (p: typeof r, key: string) => p.asked.groups.find((g) => g.key === key)?.digest;
      expect(digest(spaced, 'host:3')).to.equal(digest(r, 'host:3'));
      expect(digest(spaced, 'host:1')).to.not.equal(digest(r, 'host:1'));
      // Passed over whole, either way.
      const passed = await pullGrouped(xml, (key) => key !== 'host:2');
      expect(passed.findings.map((f) => f.key)).to.deep.equal(['host:2|qid:21|port:|proto:', 'host:2|qid:23|port:|proto:']);
    });

    it('a HOST closed as `</HOST >` is taken with the next one (up to its `</HOST>`): both read, the same findings, never recorded as a group', async () => {
      // Hosts 1 and 3 have no rejected detection: only the one-host rule keeps host 3's detection out of a group keyed host:1.
      const xml = hldPage([hosts[0]!, hosts[2]!, { id: '4', qids: ['41'] }]).replace('</DETECTION_LIST></HOST><HOST><ID>3</ID>', '</DETECTION_LIST></HOST ><HOST><ID>3</ID>');
      const r = await pullGrouped(xml, () => false);
      expect(r.asked.groups.map((g) => g.key)).to.deep.equal(['host:1', 'host:4']);
      expect(r.asked.spans.map((sp) => sp.key)).to.deep.equal(['host:4']);
      nock(BASE).post(HLD).reply(200, xml);
      const plain = await pullAll(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) });
      expect(r.findings).to.deep.equal(plain.pages.flatMap((p) => p.findings));
      expect(r.findings.map((f) => f.parentKey)).to.deep.equal(['host:1', 'host:1', 'host:1', 'host:3', 'host:4']);
    });

    it('a host whose list is read child by child (a comment in it) and holds more detections than a group does has them asked for one by one', async () => {
      const many = Array.from({ length: 2001 }, (_, n) => String(100000 + n));
      const xml = hldPage([{ id: '7', qids: many }, hosts[2]!]).replace('<ID>7</ID><IP>10.0.0.7</IP><DNS><![CDATA[ h7.example ]]></DNS><DETECTION_LIST>', '$&<!-- read child by child -->');
      const r = await pullGrouped(xml, () => true);
      expect(r.asked.groups.map((g) => g.key)).to.deep.equal(['host:3']);
      expect(r.asked.heads).to.have.length(2001);
      expect(r.asked.spans).to.deep.equal([]);
      expect(r.findings).to.have.length(2001);
      // Without the comment the list is taken whole, however long, and asked about as one group.
      const whole = await pullGrouped(hldPage([{ id: '7', qids: many }, hosts[2]!]), (key) => key === 'host:7');
      expect(whole.asked.groups.map((g) => g.key)).to.deep.equal(['host:7', 'host:3']);
      expect(whole.findings.map((f) => f.key)).to.deep.equal(['host:3|qid:31|port:|proto:']);
    });
  });

  it('with `known`, a built detection carries its data JSON joined from the host part: exactly JSON.stringify of its data', async () => {
    const none = { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) };
    nock(BASE).post(HLD).reply(200, HLD_SAMPLE);
    const sample = (await pullAll(makeSource(), none)).pages.flatMap((p) => p.findings);
    expect(sample.length).to.be.greaterThan(1);
    for (const f of sample) expect(notedDataJson(f.data), f.key).to.equal(JSON.stringify(f.data));
    // A detection key the host also has (kept at the host's position), and an element after
    // DETECTION_LIST (the host changed after its fields were serialized): serialized whole, as before.
    const page = hldPage([{ id: '8', qids: ['1', '2'] }])
      .replace('<QID>1</QID>', '<QID>1</QID><DNS>own</DNS>')
      .replace('</DETECTION_LIST></HOST>', '</DETECTION_LIST><DNS>second</DNS></HOST>');
    nock(BASE).post(HLD).reply(200, page);
    const odd = (await pullAll(makeSource(), none)).pages.flatMap((p) => p.findings);
    expect(odd.map((f) => f.data.QID)).to.deep.equal(['1', '2']);
    expect(odd.map((f) => notedDataJson(f.data))).to.deep.equal([undefined, undefined]);
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '9', qids: ['5', '6'] }]));
    for (const f of (await pullAll(makeSource(), none)).pages.flatMap((p) => p.findings)) {
      expect(notedDataJson(f.data)).to.equal(JSON.stringify(f.data));
    }
  });

  it('without `known` (dry runs), the same: data JSON joined from the host part, or none', async () => {
    nock(BASE).post(HLD).reply(200, HLD_SAMPLE);
    const sample = (await pullAll(makeSource())).pages.flatMap((p) => p.findings);
    expect(sample.length).to.be.greaterThan(1);
    for (const f of sample) expect(notedDataJson(f.data), f.key).to.equal(JSON.stringify(f.data));
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '8', qids: ['1', '2'] }]).replace('<QID>1</QID>', '<QID>1</QID><DNS>own</DNS>'));
    const odd = (await pullAll(makeSource())).pages.flatMap((p) => p.findings);
    expect(odd.map((f) => f.data.DNS)).to.deep.equal(['own', 'h8.example']);
    expect(notedDataJson(odd[0]!.data)).to.equal(undefined);
    expect(notedDataJson(odd[1]!.data)).to.equal(JSON.stringify(odd[1]!.data));
  });

  it('with `known`, rejects a DETECTION without QID as the plain pull does', async () => {
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '7', qids: ['1', null, '3'] }]));
    const { pages } = await pullAll(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) });
    expect(pages.flatMap((p) => p.findings).map((f) => f.data.QID)).to.deep.equal(['1', '3']);
    expect(pages.flatMap((p) => p.rejected ?? []).map((r) => r.reason)).to.deep.equal(['DETECTION without QID on host 7']);
  });

  it('rejects a DETECTION without QID and processes the rest', async () => {
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '7', qids: ['1', null, '3'] }]));
    const { pages } = await pullAll(makeSource());
    expect(pages.flatMap((p) => p.findings).map((f) => f.data.QID)).to.deep.equal(['1', '3']);
    const rejected = pages.flatMap((p) => p.rejected ?? []);
    expect(rejected).to.have.length(1);
    expect(rejected[0]!.reason).to.equal('DETECTION without QID on host 7');
  });

  it('fails the pull with SOURCE_RESPONSE_INVALID naming host and page when a page is cut short', async () => {
    const next = `${BASE}${HLD}?action=list&id_min=555`;
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '1', qids: ['1'] }], next)).post(HLD).reply(200, hldPage([{ id: '555', qids: ['1', '2'] }]).slice(0, 200));
    const err = await pullError(makeSource());
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).host).to.equal('qualysapi.test.example');
    expect((err as SourceError).message).to.contain('page 2 (id_min=555)');
  });

  it('with `known`, fails with SOURCE_RESPONSE_INVALID naming host and page when a detection the scanner delimits is not well-formed XML', async () => {
    // The scanner does not read an unknown entity outside the head's fields: the parser building the detection meets it.
    nock(BASE).post(HLD).reply(200, hldPage([{ id: '7', qids: ['1', '2'] }]).replace('<TYPE>Confirmed</TYPE>', '<TYPE>&bogus;</TYPE>'));
    const err = await pullError(makeSource(), { ...pullContext(), known: (heads: readonly FindingHead[]) => heads.map(() => false) });
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
    expect((err as SourceError).host).to.equal('qualysapi.test.example');
    expect((err as SourceError).message).to.match(/Host List Detection page 1 is not a complete XML document: .*undefined entity/);
  });

  it('with `knownGroups`, a host or a list taken whole and not well-formed fails the same way when it is read, naming the host', async () => {
    const groups = { known: (heads: readonly FindingHead[]) => heads.map(() => false), knownGroups: (g: readonly FindingGroup[]) => g.map(() => false) };
    for (const [bad, why] of [
      // Delimited by the scanner, rejected by the parser building the detection.
      [hldPage([{ id: '7', qids: ['1', '2'] }]).replace('<TYPE>Confirmed</TYPE>', '<TYPE>&bogus;</TYPE>'), /undefined entity/],
      // Not read by the scanner (attributes on DETECTION): the list's own parse meets the error, and says which host.
      [hldPage([{ id: '7', qids: ['1', '2'] }]).replace('<DETECTION><QID>2</QID>', '<DETECTION a="1"><QID>2</QQD>'), /in the DETECTION_LIST of HOST 7 \(read on its own/],
      // In the host's fields: the host's own parse meets it.
      [hldPage([{ id: '7', qids: ['1', '2'] }]).replace('<IP>10.0.0.7</IP>', '<IP>10.0.0.7</IQ>'), /in HOST 7 \(read on its own: positions count from its start\): .*unexpected close tag/],
      // A host without a leading <ID> is read as it streams, its list taken whole: the list's own parse says which host.
      [hldPage([{ id: '7', qids: ['1', '2'] }]).replace('<ID>7</ID><IP>10.0.0.7</IP>', '<IP>10.0.0.7</IP><ID>7</ID>').replace('<DETECTION><QID>2</QID>', '<DETECTION a="1"><QID>2</QQD>'), /in the DETECTION_LIST of HOST 7/],
    ] as const) {
      nock(BASE).post(HLD).reply(200, bad);
      const err = await pullError(makeSource(), { ...pullContext(), ...groups });
      expect(err, bad).to.be.instanceOf(SourceError);
      expect((err as SourceError).code).to.equal('SOURCE_RESPONSE_INVALID');
      expect((err as SourceError).host).to.equal('qualysapi.test.example');
      expect((err as SourceError).message, (err as SourceError).message).to.match(/Host List Detection page 1 is not a complete XML document: /).and.to.match(why);
    }
  });

  it('fails with the Qualys CODE and TEXT when a 200 carries a SIMPLE_RETURN error', async () => {
    nock(BASE)
      .post(HLD)
      .reply(200, '<?xml version="1.0" ?><SIMPLE_RETURN><RESPONSE><DATETIME>2026-01-01T00:00:00Z</DATETIME><CODE>1903</CODE><TEXT>Missing required parameter(s): action</TEXT></RESPONSE></SIMPLE_RETURN>');
    const err = await pullError(makeSource());
    expect(err).to.be.instanceOf(SourceError);
    expect((err as SourceError).message).to.contain('CODE 1903: Missing required parameter(s): action');
  });

  it('asks for Fixed even when the config leaves it out, and says so at warn', async () => {
    let body: Record<string, string> = {};
    nock(BASE)
      .post(HLD)
      .reply(200, (_u, b) => {
        body = form(b);
        return EMPTY_SAMPLE;
      });
    const { log, lines } = captureLogger();
    await pullAll(makeSource({ status: ['New', 'Active'] }, { log }));
    expect(body.status).to.equal('New,Active,Fixed');
    expect(lines.some((l) => l.level === 'warn' && /Fixed/.test(l.message))).to.equal(true);
  });

  it('marks IS_IGNORED=1 detections as ignored and keys FQDN/INSTANCE variants apart', async () => {
    const xml =
      '<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>9</ID><DETECTION_LIST>' +
      '<DETECTION><QID>5</QID><PORT>443</PORT><PROTOCOL>tcp</PROTOCOL><FQDN>a.example</FQDN><STATUS>New</STATUS><IS_IGNORED>1</IS_IGNORED></DETECTION>' +
      '<DETECTION><QID>5</QID><PORT>443</PORT><PROTOCOL>tcp</PROTOCOL><INSTANCE>orcl</INSTANCE><STATUS>Fixed</STATUS><IS_IGNORED>0</IS_IGNORED></DETECTION>' +
      '</DETECTION_LIST></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>';
    nock(BASE).post(HLD).reply(200, xml);
    const [a, b] = (await pullAll(makeSource())).pages.flatMap((p) => p.findings);
    expect(a).to.deep.include({ key: 'host:9|qid:5|port:443|proto:tcp|fqdn:a.example', ignored: true, status: 'New' });
    expect(b).to.deep.include({ key: 'host:9|qid:5|port:443|proto:tcp|instance:orcl', ignored: false, status: 'Fixed' });
  });
});
