import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { OrgJsonBuilder, parseOrgJson, type OrgJsonObject, type OrgJsonValue } from '../../../connector/sources/qualys-vmdr/orgJson.js';

const SAMPLES = QUALYS_SAMPLES;
const sample = (name: string): string => readFileSync(`${SAMPLES}/${name}`, 'utf8');

// Test-only navigation through the parsed tree; the shapes are asserted as we go.
function at(value: OrgJsonValue | undefined, ...path: Array<string | number>): OrgJsonValue | undefined {
  let cur: OrgJsonValue | undefined = value;
  for (const p of path) {
    if (cur === undefined || typeof cur === 'string') return undefined;
    cur = Array.isArray(cur) ? cur[p as number] : (cur as OrgJsonObject)[p as string];
  }
  return cur;
}

describe('orgJson: Qualys XML to org.json-compatible objects', () => {
  it('parses the real HLD sample: arrays, QDS content/severity, CDATA trimmed, strings kept', () => {
    const { rootName, value } = parseOrgJson(sample('hld_elastic_qualys_vmdr.xml'));
    expect(rootName).to.equal('HOST_LIST_VM_DETECTION_OUTPUT');
    const hosts = at(value, 'RESPONSE', 'HOST_LIST', 'HOST');
    expect(hosts).to.be.an('array').with.length(1);
    const host = at(hosts, 0) as OrgJsonObject;
    expect(host.ID).to.equal('12048633');
    expect(host.OS).to.equal('Windows 2016/2019/10');
    expect(host.DNS).to.equal('adfssrvr.adfs.local');
    expect(at(host, 'DNS_DATA', 'FQDN')).to.equal('adfssrvr.adfs.local');
    const detections = at(host, 'DETECTION_LIST', 'DETECTION');
    expect(detections).to.be.an('array').with.length(2);
    expect(at(detections, 0, 'QDS')).to.deep.equal({ severity: 'LOW', content: '35' });
    expect(at(detections, 1, 'QDS')).to.deep.equal({ severity: 'CRITICAL', content: '95' });
    expect(at(detections, 0, 'QDS_FACTORS', 'QDS_FACTOR', 0)).to.deep.equal({ name: 'CVSS', content: '7.7' });
    expect(at(detections, 1, 'QDS_FACTORS', 'QDS_FACTOR')).to.have.length(9);
    expect(at(detections, 0, 'UNIQUE_VULN_ID')).to.equal('5555555555');
    expect(at(detections, 0, 'SEVERITY')).to.equal('3');
    expect(String(at(detections, 0, 'RESULTS'))).to.match(/^Package Installed Version Required Version\nlinux-cloud-tools/);
  });

  it('parses the real empty HLD reply (comments around the root) to a RESPONSE without HOST_LIST', () => {
    const { value } = parseOrgJson(sample('hld_empty_response_jupiterone_recording.xml'));
    expect(value).to.deep.equal({ RESPONSE: { DATETIME: '2020-09-27T01:29:21Z' } });
  });

  it('keeps one-member repeated elements as arrays (VULN, CVE, SOFTWARE, THREAT_INTEL)', () => {
    const { value } = parseOrgJson(sample('kb_elastic_qualys_vmdr_qid11830.xml'));
    const vulns = at(value, 'RESPONSE', 'VULN_LIST', 'VULN');
    expect(vulns).to.be.an('array').with.length(1);
    expect(at(vulns, 0, 'TITLE')).to.equal('HTTP Security Header Not Detected');
    expect(at(vulns, 0, 'CVE_LIST', 'CVE')).to.have.length(2);
    expect(at(vulns, 0, 'SOFTWARE_LIST', 'SOFTWARE')).to.deep.equal([{ PRODUCT: 'None', VENDOR: 'multi-vendor' }]);
    expect(at(vulns, 0, 'THREAT_INTELLIGENCE', 'THREAT_INTEL')).to.deep.equal([{ id: '8', content: 'No_Patch' }]);
  });

  it('gives the same result however the stream is cut into chunks', () => {
    const xml = sample('hld_elastic_qualys_vmdr.xml');
    const whole = parseOrgJson(xml).value;
    const builder = new OrgJsonBuilder();
    for (let i = 0; i < xml.length; i += 7) builder.write(xml.slice(i, i + 7));
    expect(builder.end().HOST_LIST_VM_DETECTION_OUTPUT).to.deep.equal(whole);
  });

  it('hands closed elements to onElement with their ancestors and drops what it takes', () => {
    const seen: Array<{ qid: string; hostId: string }> = [];
    const builder = new OrgJsonBuilder({
      onElement: (name, value, stack) => {
        if (name !== 'DETECTION') return false;
        const host = stack[stack.length - 2]!;
        seen.push({ qid: String(at(value, 'QID')), hostId: String(host.obj.ID) });
        return true;
      },
    });
    builder.write(sample('hld_elastic_qualys_vmdr.xml'));
    const doc = builder.end();
    expect(seen).to.deep.equal([
      { qid: '197595', hostId: '12048633' },
      { qid: '197597', hostId: '12048633' },
    ]);
    // Taken detections are not kept in the tree.
    expect(at(doc, 'HOST_LIST_VM_DETECTION_OUTPUT', 'RESPONSE', 'HOST_LIST', 'HOST', 0, 'DETECTION_LIST')).to.deep.equal({});
  });

  it('throws on malformed XML and on a document cut short', () => {
    expect(() => parseOrgJson('<A><B attr=></B></A>')).to.throw();
    const cut = sample('hld_elastic_qualys_vmdr.xml').slice(0, 2000);
    const builder = new OrgJsonBuilder();
    builder.write(cut);
    expect(() => builder.end()).to.throw(/unclosed|end/i);
  });

  it('decodes entities in text and keeps empty elements as empty strings', () => {
    const { value } = parseOrgJson('<R><T>a &amp; b &lt;c&gt;</T><E/><N>007</N></R>');
    expect(value).to.deep.equal({ T: 'a & b <c>', E: '', N: '007' });
  });
});
