import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { OrgJsonBuilder, parseElements, parseOrgJson, rawXml, textOf, type OrgJsonObject, type OrgJsonValue, type RawElement } from '../../../connector/sources/qualys-vmdr/orgJson.js';

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
function both(xml: string, chunks: (s: string) => string[]): { built: OrgJsonValue[]; raw: RawElement[]; hosts: OrgJsonObject[] } {
  const built: OrgJsonValue[] = [];
  const reference = new OrgJsonBuilder({ onElement: (name, value, stack) => (isDetection(name, stack) ? (built.push(value), true) : false) });
  reference.write(xml);
  reference.end();
  const raw: RawElement[] = [];
  const hosts: OrgJsonObject[] = [];
  const capturing = new OrgJsonBuilder({
    raw: { wants: isDetection, take: (e, stack) => (raw.push(e), hosts.push(stack[stack.length - 2]!.obj)) },
  });
  for (const c of chunks(xml)) capturing.write(c);
  capturing.end();
  return { built, raw, hosts };
}

const bySize = (n: number) => (s: string) => Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, (i + 1) * n));

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
});
