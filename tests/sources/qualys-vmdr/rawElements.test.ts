import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { scanElement } from '../../../connector/sources/qualys-vmdr/elementScanner.js';
import { listElements, OrgJsonBuilder, parseElements, parseOrgJson, rawXml, textOf, type OrgJsonObject, type OrgJsonValue, type RawElement, type ScanOption } from '../../../connector/sources/qualys-vmdr/orgJson.js';

const HLD_SAMPLE = readFileSync(`${QUALYS_SAMPLES}/hld_elastic_qualys_vmdr.xml`, 'utf8');

/** Detections that exercise what text capture must survive: CDATA with markup, entities, attributes, repeats, an empty one. */
const TRICKY = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">
<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST>
  <HOST><ID>7</ID><DNS><![CDATA[ h7.example ]]></DNS><DETECTION_LIST>
    <DETECTION>
      <QID>38170</QID><PORT>443</PORT><PROTOCOL>tcp</PROTOCOL><STATUS>Active</STATUS>
      <RESULTS><![CDATA[<b>TLS</b> & "weak" ciphers ]]]></RESULTS>
      <QDS severity="HIGH &amp; rising">72</QDS>
      <QDS_FACTORS><QDS_FACTOR name="CVSS">7.5</QDS_FACTOR><QDS_FACTOR name="epss">0.1</QDS_FACTOR></QDS_FACTORS>
      <FQDN>a &lt; b</FQDN>
    </DETECTION>
    <DETECTION note="x&quot;y"><QID>1</QID><QID>2</QID><STATUS>Fixed</STATUS><IS_IGNORED>1</IS_IGNORED></DETECTION>
    <DETECTION/>
    <DETECTION></DETECTION>
    <DETECTION><QID>
      90001
    </QID><INSTANCE>  db1 </INSTANCE></DETECTION>
  </DETECTION_LIST></HOST>
</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`;

const isDetection = (name: string, stack: ReadonlyArray<{ name: string }>): boolean => name === 'DETECTION' && stack[stack.length - 1]?.name === 'DETECTION_LIST';

/** The detections as the builder makes them (the reference), and as text captures, writing `xml` in `chunks`. */
function both(xml: string, chunks: (s: string) => string[], scan?: { list: string; element: string }): { built: OrgJsonValue[]; raw: RawElement[]; hosts: OrgJsonObject[] } {
  const built: OrgJsonValue[] = [];
  const reference = new OrgJsonBuilder({ onElement: (name, value, stack) => (isDetection(name, stack) ? (built.push(value), true) : false) });
  reference.write(xml);
  reference.end();
  const raw: RawElement[] = [];
  const hosts: OrgJsonObject[] = [];
  const capturing = new OrgJsonBuilder({
    raw: { wants: isDetection, take: (e, stack) => (raw.push(e), hosts.push(stack[stack.length - 2]!.obj)), ...(scan ? { scan } : {}) },
  });
  for (const c of chunks(xml)) capturing.write(c);
  capturing.end();
  return { built, raw, hosts };
}

const bySize = (n: number) => (s: string) => Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, (i + 1) * n));

/**
 * What the scanner must read as the parser does, or leave to it: CDATA holding the list's
 * and the element's tags, a quoted `>` in an attribute, references in a field, a
 * comment, a CR, an unknown entity, attributes on the element, an empty list, a second list.
 */
const SCANNED = `<?xml version="1.0"?>
<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST>
  <HOST><ID>1</ID><DETECTION_LIST>
    <DETECTION><QID>1</QID><RESULTS><![CDATA[</DETECTION></DETECTION_LIST><DETECTION_LIST> ]]></RESULTS><STATUS>New</STATUS></DETECTION>
    <DETECTION><QID>2</QID><QDS severity="a > b" x='"'>3</QDS><PORT>&#52;&#x34;3</PORT><FQDN>x&amp;y&lt;&gt;&quot;&apos;</FQDN></DETECTION>
    <DETECTION><QID><![CDATA[ 3]]> </QID><PROTOCOL/><INSTANCE><A>1</A></INSTANCE><STATUS>Fixed</STATUS><STATUS>Fixed</STATUS></DETECTION>
    <DETECTION><QID>4</QID><RESULTS>&#160;? ]</RESULTS><STATUS>Active</STATUS></DETECTION>
  </DETECTION_LIST></HOST>
  <HOST><ID>2</ID><DETECTION_LIST/></HOST>
  <HOST><ID>3</ID><DNS><![CDATA[<DETECTION_LIST>]]></DNS><DETECTION_LIST>
    <DETECTION><QID>5</QID><!-- a comment --><STATUS>New</STATUS></DETECTION>
    <DETECTION><QID>6</QID></DETECTION>
  </DETECTION_LIST ></HOST>
  <HOST><ID>4</ID><DETECTION_LIST><DETECTION><QID>7\r</QID></DETECTION><DETECTION><QID>8</QID></DETECTION></DETECTION_LIST></HOST>
  <HOST><ID>5</ID><DETECTION_LIST><DETECTION a="1"><QID>9</QID></DETECTION><DETECTION><QID>10</QID></DETECTION><DETECTION/></DETECTION_LIST></HOST>
  <HOST><ID>6</ID><DETECTION_LIST><DETECTION><QID>11</QID><PORT>1</PORT ></DETECTION><DETECTION><QID>12</QID></DETECTION></DETECTION_LIST></HOST>
</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`.replace('\\r', '\r');

const SCAN = { list: 'DETECTION_LIST', element: 'DETECTION' };

/** A builder whose detections, delimited by the scanner (with `scan`'s options besides), go to `raw`. */
const scanning = (raw: RawElement[], scan: Omit<ScanOption, 'list' | 'element'>): OrgJsonBuilder =>
  new OrgJsonBuilder({ raw: { wants: isDetection, take: (e) => raw.push(e), scan: { ...SCAN, ...scan } } });

const MANY = "200 copies of the real sample's hosts";
/** A longer document: the sample's HOST_LIST content 200 times, host ids apart. */
const MANY_HOSTS = ((): string => {
  const open = HLD_SAMPLE.indexOf('<HOST_LIST>') + '<HOST_LIST>'.length;
  const close = HLD_SAMPLE.indexOf('</HOST_LIST>');
  const hosts = HLD_SAMPLE.slice(open, close);
  return HLD_SAMPLE.slice(0, open) + Array.from({ length: 200 }, (_, n) => hosts.replaceAll('<ID>', `<ID>${n}`)).join('') + HLD_SAMPLE.slice(close);
})();

/**
 * The documents the scanner is checked on, each in chunks of several sizes. 3,000 and
 * 9,000: elements (and lists) cut by a chunk's end, completed from a part of the next
 * chunk or from the whole of it.
 */
const SCAN_CASES = (
  [
    ['the real HLD sample', HLD_SAMPLE],
    ['tricky detections', TRICKY],
    ['what the scanner must read or leave to the parser', SCANNED],
    [MANY, MANY_HOSTS],
  ] as const
).flatMap(([label, xml]) => (label === MANY ? [64, 3000, 9000, 100_000] : [1, 7, 64, 3000, 9000, 100_000]).map((size) => [label, xml, size] as const));

describe('orgJson: elements taken as text (raw capture)', () => {
  for (const [label, xml] of [
    ['the real HLD sample', HLD_SAMPLE],
    ['tricky detections', TRICKY],
  ] as const) {
    for (const size of [1, 7, 64, 100_000]) {
      it(`${label} in chunks of ${size}: each capture parses to the value the builder makes, fields read as textOf reads it`, () => {
        const { built, raw } = both(xml, bySize(size));
        expect(raw).to.have.length(built.length);
        // Parsed together, as the pull builds a batch's detections: the same values, in order.
        expect(parseElements(raw.map(rawXml))).to.deep.equal(built);
        expect(built.length).to.be.greaterThan(1);
        raw.forEach((e, n) => {
          expect(e.name).to.equal('DETECTION');
          const reparsed = parseOrgJson(rawXml(e));
          expect(reparsed.rootName).to.equal('DETECTION');
          const value = built[n]!;
          if (typeof value === 'object' && !Array.isArray(value)) {
            expect(reparsed.value).to.deep.equal(value);
            for (const k of ['QID', 'PORT', 'PROTOCOL', 'FQDN', 'INSTANCE', 'STATUS', 'IS_IGNORED']) expect(e.fields[k] ?? '', k).to.equal(textOf(value[k]));
          } else {
            expect(value).to.equal('');
            expect(e.fields).to.deep.equal({});
          }
        });
      });
    }
  }

  it('takes the text exactly as sent, so the same detection re-sent gives the same text and a changed one another', () => {
    const first = both(TRICKY, bySize(13)).raw.map((e) => rawXml(e));
    const again = both(TRICKY, bySize(5)).raw.map((e) => rawXml(e));
    expect(again).to.deep.equal(first);
    const changed = both(TRICKY.replace('<STATUS>Active</STATUS>', '<STATUS>Fixed</STATUS>'), bySize(13)).raw.map((e) => rawXml(e));
    expect(changed[0]).to.not.equal(first[0]);
    expect(changed.slice(1)).to.deep.equal(first.slice(1));
  });

  it('gives only the children named in `fields` when it is set', () => {
    const raw: RawElement[] = [];
    const b = new OrgJsonBuilder({ raw: { wants: isDetection, take: (e) => raw.push(e), fields: new Set(['QID', 'STATUS']) } });
    b.write(TRICKY);
    b.end();
    expect(raw[0]!.fields).to.deep.equal({ QID: '38170', STATUS: 'Active' });
    expect(raw[4]!.fields).to.deep.equal({ QID: '90001' });
  });

  it('still builds everything around the captured elements (the host and its fields)', () => {
    const { hosts } = both(TRICKY, bySize(9));
    expect(hosts[0]!.ID).to.equal('7');
    expect(hosts[0]!.DNS).to.equal('h7.example');
  });

  describe('with the scanner (raw.scan)', () => {
    for (const [label, xml, size] of SCAN_CASES) {
      it(`${label} in chunks of ${size}: the same elements, fields and hosts as the parser's capture`, () => {
        const parsed = both(xml, bySize(size));
        const scanned = both(xml, bySize(size), SCAN);
        expect(scanned.raw).to.deep.equal(parsed.raw);
        expect(scanned.hosts).to.deep.equal(parsed.hosts);
        expect(parseElements(scanned.raw.map(rawXml))).to.deep.equal(parsed.built);
      });
    }

    it('leaves an element longer than it holds (over 1 MiB) to the parser: the same elements', () => {
      const results = 'x'.repeat(1_200_000);
      const xml = SCANNED.replace('<RESULTS>&#160;? ]</RESULTS>', `<RESULTS><![CDATA[${results}]]></RESULTS>`);
      const parsed = both(xml, bySize(65_536));
      const scanned = both(xml, bySize(65_536), SCAN);
      expect(scanned.raw).to.deep.equal(parsed.raw);
      expect(scanned.raw.some((e) => e.body.includes(results))).to.equal(true);
    });

    it('reads every detection of the real sample itself, and the subset it promises', () => {
      const starts = [...HLD_SAMPLE.matchAll(/<DETECTION>/g)].map((m) => m.index);
      expect(starts.length).to.be.greaterThan(1);
      for (const at of starts) expect(scanElement(HLD_SAMPLE, at, 'DETECTION', undefined).kind).to.equal('element');
      const scan = (x: string) => scanElement(x, 0, 'DETECTION', undefined);
      const whole = '<DETECTION><QID>1</QID><R><![CDATA[</DETECTION>]]></R></DETECTION>';
      expect(scan(`${whole} <DETECTION>`)).to.deep.equal({ kind: 'element', end: whole.length, fields: { QID: '1', R: '</DETECTION>' } });
      expect(scan('<DETECTION><QID>1</QID><R><![CDATA[</DETECTION>')).to.deep.equal({ kind: 'more' });
      expect(scan('<DETECTION><QID>1</QID')).to.deep.equal({ kind: 'more' });
      expect(scan('<DETECTION><Q a=">')).to.deep.equal({ kind: 'more' });
      expect(scan('<DETECTION><QID>1</QIX></DETECTION>')).to.deep.equal({ kind: 'parser' });
      expect(scan('<DETECTION><QID>1</QID ></DETECTION>')).to.deep.equal({ kind: 'parser' });
      // Delimited though malformed (names are checked by length and ends): the parser rejects it when it is built.
      expect(scan('<DETECTION><QID>1</QUD></DETECTION>').kind).to.equal('element');
      expect(() => parseElements(['<DETECTION><QID>1</QUD></DETECTION>'])).to.throw();
      expect(scan('<DETECTION><!-- x --></DETECTION>')).to.deep.equal({ kind: 'parser' });
      expect(scan('<DETECTION><?pi x?></DETECTION>')).to.deep.equal({ kind: 'parser' });
      expect(scan('<DETECTION><QID>&foo;</QID></DETECTION>')).to.deep.equal({ kind: 'parser' });
      expect(scan('<DETECTION><QID>a & b</QID></DETECTION>')).to.deep.equal({ kind: 'parser' });
      expect(scan('<DETECTION><QID>&#0;</QID></DETECTION>')).to.deep.equal({ kind: 'parser' });
      // Text the fields do not ask for is not read: a digest match is what vouches for it.
      expect(scanElement('<DETECTION><QID>1</QID><R>&foo;</R></DETECTION>', 0, 'DETECTION', new Set(['QID'])).kind).to.equal('element');
    });

    describe('each list taken whole first (raw.scan.takeList)', () => {
      /** The detections, lists expanded with listElements in document order, and which hosts' lists came whole. */
      function listed(xml: string, chunks: (s: string) => string[]): { raw: RawElement[]; whole: string[] } {
        const raw: RawElement[] = [];
        const whole: string[] = [];
        const b = scanning(raw, {
          takeList: (content, stack) => {
            whole.push(textOf(stack[stack.length - 2]!.obj.ID));
            raw.push(...listElements(content, 'DETECTION_LIST', 'DETECTION'));
          },
        });
        for (const c of chunks(xml)) b.write(c);
        b.end();
        return { raw, whole };
      }

      for (const [label, xml, size] of SCAN_CASES) {
        it(`${label} in chunks of ${size}: the same elements as the parser's capture`, () => {
          expect(listed(xml, bySize(size)).raw).to.deep.equal(both(xml, bySize(size)).raw);
        });
      }

      it('takes whole a list whose CDATA holds its close tag; not one with a comment (nor one spelled `</DETECTION_LIST >`)', () => {
        for (const size of [1, 64, 100_000]) expect(listed(SCANNED, bySize(size)).whole, `chunks of ${size}`).to.deep.equal(['1', '4', '5', '6']);
        // Host 1's text as taken: up to the real close tag, past the one in its first detection's CDATA.
        const content = ((): string => {
          let got = '';
          const b = new OrgJsonBuilder({ raw: { wants: isDetection, take: () => undefined, scan: { ...SCAN, takeList: (c) => (got ||= c) } } });
          b.write(SCANNED);
          b.end();
          return got;
        })();
        expect(content).to.contain('<![CDATA[</DETECTION></DETECTION_LIST><DETECTION_LIST> ]]>');
        expect(content.trimEnd().endsWith('<STATUS>Active</STATUS></DETECTION>')).to.equal(true);
      });

      it('takes whole only a list whose children `wants` would take: another is built into the tree as before', () => {
        const xml = '<A><OTHER><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION></DETECTION_LIST></OTHER><HOST><ID>9</ID><DETECTION_LIST><DETECTION><QID>2</QID></DETECTION></DETECTION_LIST></HOST></A>';
        const lists: string[] = [];
        const inHost = (name: string, stack: ReadonlyArray<{ name: string }>) => isDetection(name, stack) && stack[stack.length - 2]?.name === 'HOST';
        const b = new OrgJsonBuilder({ raw: { wants: inHost, take: () => undefined, scan: { ...SCAN, takeList: (c) => lists.push(c) } } });
        for (const c of bySize(3)(xml)) b.write(c);
        const doc = b.end();
        expect(lists).to.deep.equal(['<DETECTION><QID>2</QID></DETECTION>']);
        expect(doc.A).to.deep.include({ OTHER: { DETECTION_LIST: { DETECTION: [{ QID: '1' }] } } });
      });

      it('reads a list longer than it holds (over 1 MiB) child by child: the same elements', () => {
        const results = 'x'.repeat(1_200_000);
        const xml = SCANNED.replace('<RESULTS>&#160;? ]</RESULTS>', `<RESULTS><![CDATA[${results}]]></RESULTS>`);
        const r = listed(xml, bySize(65_536));
        expect(r.whole).to.not.include('1');
        expect(r.raw).to.deep.equal(both(xml, bySize(65_536)).raw);
      });

      it('a malformed or cut-off list fails where it is read: by the builder, or by listElements when its detections are asked for', () => {
        for (const bad of [
          '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION_LIST></HOST></A>',
          '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID><R><![CDATA[x',
          '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION>',
          '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QUD></DETECTION></DETECTION_LIST></HOST></A>',
        ]) {
          // As the pull builds them: each detection asked for is parsed.
          expect(() => parseElements(listed(bad, bySize(5)).raw.map(rawXml)), bad).to.throw();
        }
      });
    });

    describe('each record taken whole first (raw.scan.record)', () => {
      /** A HOST's detections, read as the pull reads a host it was not told to pass over. */
      function expand(host: string): RawElement[] {
        const out: RawElement[] = [];
        const b = scanning(out, {});
        b.write('<HOST_LIST>');
        b.write(host);
        b.write('</HOST_LIST>');
        b.end();
        return out;
      }

      /** The detections in document order (hosts taken whole expanded), the hosts' text as taken, and the document around them. */
      function recorded(xml: string, chunks: (s: string) => string[], take: (host: string) => boolean = () => true) {
        const raw: RawElement[] = [];
        const hosts: string[] = [];
        const b = scanning(raw, {
          record: {
            parent: 'HOST_LIST',
            element: 'HOST',
            take: (host, stack) => {
              expect(stack[stack.length - 1]!.name).to.equal('HOST_LIST');
              if (!take(host)) return false;
              hosts.push(host);
              raw.push(...expand(host));
              return true;
            },
          },
        });
        for (const c of chunks(xml)) b.write(c);
        const doc = b.end();
        return { raw, hosts, doc };
      }
      const idOf = (host: string) => /<ID>([^<]*)<\/ID>/.exec(host)?.[1];

      for (const [label, xml, size] of SCAN_CASES) {
        it(`${label} in chunks of ${size}: the same elements as the parser's capture`, () => {
          expect(recorded(xml, bySize(size)).raw).to.deep.equal(both(xml, bySize(size)).raw);
        });
      }

      it('takes each HOST exactly as sent, up to its real close tag (not one in CDATA); not one with a comment in it', () => {
        const xml = SCANNED.replace('<QID>4</QID>', '<QID>4</QID><R><![CDATA[</HOST><HOST>]]></R>');
        for (const size of [1, 7, 64, 100_000]) {
          const { hosts, doc } = recorded(xml, bySize(size));
          expect(hosts.map(idOf), `chunks of ${size}`).to.deep.equal(['1', '2', '4', '5', '6']);
          for (const h of hosts) expect(xml).to.contain(h);
          expect(hosts[0]!.startsWith('<HOST><ID>1</ID>') && hosts[0]!.endsWith('</DETECTION_LIST></HOST>')).to.equal(true);
          expect(hosts[0]).to.contain('<![CDATA[</HOST><HOST>]]>');
          // Not in the tree: the parser never read them. Host 3 (a comment in its list) it did.
          const response = (doc.HOST_LIST_VM_DETECTION_OUTPUT as OrgJsonObject).RESPONSE as OrgJsonObject;
          expect(((response.HOST_LIST as OrgJsonObject).HOST as OrgJsonObject[]).map((h) => h.ID)).to.deep.equal(['3']);
        }
      });

      it('not a HOST the parser would not open there (in a comment or CDATA), nor one `take` declines: those are read as usual', () => {
        const xml = SCANNED.replace('<HOST_LIST>', '<HOST_LIST><!-- <HOST><ID>0</ID></HOST> --> ');
        for (const size of [1, 64, 100_000]) {
          const r = recorded(xml, bySize(size), (h) => idOf(h) !== '5');
          // Host 1 after the comment is read by the parser (a comment since its last tag), host 2 after it is taken again.
          expect(r.hosts.map(idOf), `chunks of ${size}`).to.deep.equal(['2', '4', '6']);
          expect(r.raw).to.deep.equal(both(xml, bySize(size)).raw);
        }
        const cdata = '<A><HOST_LIST><X><![CDATA[<HOST><ID>1</ID></HOST>]]></X><HOST><ID>2</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION></DETECTION_LIST></HOST></HOST_LIST></A>';
        for (const size of [1, 5, 1000]) expect(recorded(cdata, bySize(size)).hosts.map(idOf), `chunks of ${size}`).to.deep.equal(['2']);
      });

      it('reads a HOST longer than it holds (over 1 MiB) as usual: the same elements', () => {
        const xml = SCANNED.replace('<RESULTS>&#160;? ]</RESULTS>', `<RESULTS><![CDATA[${'x'.repeat(1_200_000)}]]></RESULTS>`);
        const r = recorded(xml, bySize(65_536));
        expect(r.hosts.map(idOf)).to.deep.equal(['2', '4', '5', '6']);
        expect(r.raw).to.deep.equal(both(xml, bySize(65_536)).raw);
      });

      it('a cut-off document still fails: a HOST whose end never comes is left to the parser', () => {
        for (const bad of ['<A><HOST_LIST><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION>', '<A><HOST_LIST><HOST><ID>1</ID><R><![CDATA[</HOST>']) {
          expect(() => recorded(bad, bySize(5)), bad).to.throw();
        }
      });
    });

    it('lets the parser report a malformed or cut-off element, as without the scanner', () => {
      for (const bad of [
        '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION_LIST></HOST></A>',
        '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID><R><![CDATA[x',
        '<A><HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</QID></DETECTION>',
      ]) {
        const b = new OrgJsonBuilder({ raw: { wants: isDetection, take: () => undefined, scan: SCAN } });
        expect(() => {
          for (const c of bySize(5)(bad)) b.write(c);
          b.end();
        }, bad).to.throw();
      }
    });
  });
});
