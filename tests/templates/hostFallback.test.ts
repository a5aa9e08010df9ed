import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ProblemList, type VulnbridgeError } from '../../connector/errors.js';
import type { TemplateContext } from '../../connector/model/finding.js';
import { detectionToFinding } from '../../connector/sources/qualys-vmdr/detectionToFinding.js';
import { parseOrgJson, type OrgJsonObject } from '../../connector/sources/qualys-vmdr/orgJson.js';
import { toPlain } from '../../connector/templates/format/toPlain.js';
import { loadScheme, parseScheme } from '../../connector/templates/loadScheme.js';
import { parseTemplate } from '../../connector/templates/parseTemplate.js';
import { renderPlain, renderRich } from '../../connector/templates/renderText.js';
import { renderTicket } from '../../connector/templates/renderTicket.js';
import { QUALYS_SAMPLES } from '../support/sharedPaths.js';
import { HOST_LINKING, PER_DETECTION, REFERENCE_DIR, REFERENCE_FILES } from './paths.js';

/**
 * The real Host List Detection sample (hld_elastic_qualys_vmdr.xml, host 12048633) with
 * its HOST reshaped: `<IP>`, `<DNS>`, `<DNS_DATA>` and `<NETBIOS>` replaced by the
 * elements given (e.g. an IPv6-only agent host), and the first detection made
 * host-level (no PORT/PROTOCOL, as the sample's detections are) or given a port.
 */
function hldFinding(hostXml: string, port?: { PORT: string; PROTOCOL: string }): TemplateContext {
  let xml = readFileSync(`${QUALYS_SAMPLES}/hld_elastic_qualys_vmdr.xml`, 'utf8');
  for (const name of ['IP', 'DNS', 'DNS_DATA', 'NETBIOS']) xml = xml.replace(new RegExp(`<${name}>[\\s\\S]*?</${name}>`), '');
  xml = xml.replace('<TRACKING_METHOD>IP</TRACKING_METHOD>', `${hostXml}<TRACKING_METHOD>AGENT</TRACKING_METHOD>`);
  if (port) xml = xml.replace('<SSL>0</SSL>', `<PORT>${port.PORT}</PORT><PROTOCOL>${port.PROTOCOL}</PROTOCOL><SSL>0</SSL>`);
  const { value } = parseOrgJson(xml);
  const hosts = ((value.RESPONSE as OrgJsonObject).HOST_LIST as OrgJsonObject).HOST as OrgJsonObject | OrgJsonObject[];
  const host = Array.isArray(hosts) ? hosts[0]! : hosts;
  const detections = (host.DETECTION_LIST as OrgJsonObject).DETECTION as OrgJsonObject[];
  const record = detectionToFinding(host, detections[0]!);
  if (!('finding' in record)) throw new Error(record.rejected.reason);
  return { ...record.finding.data, VULN: { TITLE: 'Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities' } };
}

const IPV6_ONLY = '<IPV6>2001:db8:0:1::2a</IPV6>';
const NETBIOS_ONLY = '<NETBIOS><![CDATA[ WKS-0042 ]]></NETBIOS>';
const opts = { projectKey: 'SEC' };

describe('templates: placeholder fallbacks ${A|B} and ${?} lines', () => {
  describe('the engine', () => {
    it('takes the first non-empty alternative, in order', () => {
      const ctx = { IP: '', IPV6: ' ', DNS: { content: 'h.example' }, ID: '7' };
      expect(renderPlain('on ${IP|IPV6|DNS|NETBIOS|ID}.', ctx)).to.equal('on h.example.');
      expect(renderPlain('on ${IP|IPV6|NETBIOS|ID}.', ctx)).to.equal('on 7.');
      expect(renderPlain('on ${IP|NETBIOS}.', ctx)).to.equal('on .');
      expect(renderRich('on ${IP|ID}', ctx)).to.deep.equal([{ text: 'on ', value: false }, { text: '7', value: true }]);
    });

    it('leaves out a ${?} line whose placeholders are all empty, with its line break', () => {
      const tpl = 'HOST\n${?}IP: ${IP}\n${?}IPv6: ${IPV6}\n${?}Port: ${PORT} ${PROTOCOL}\nOS: ${OS}\n${?}Fixed text line\n${?}Tags: ${TAGS}';
      expect(renderPlain(tpl, { IPV6: 'fe80::1', OS: 'Linux' })).to.equal('HOST\nIPv6: fe80::1\nOS: Linux\nFixed text line');
      expect(renderPlain(tpl, { IP: '10.0.0.1', PROTOCOL: 'tcp', TAGS: 'a' })).to.equal('HOST\nIP: 10.0.0.1\nPort:  tcp\nOS: \nFixed text line\nTags: a');
      expect(renderPlain('${?}A ${X}\nB', {})).to.equal('B');
      expect(toPlain(renderRich(tpl, { IPV6: 'fe80::1' }))).to.equal('HOST\nIPv6: fe80::1\nOS: \nFixed text line');
    });

    it('parses fallbacks and the marker; a bad one is a problem kept as text', () => {
      expect(parseTemplate('${IP|IPV6}').placeholders).to.deep.equal(['IP', 'IPV6']);
      expect(parseTemplate('a ${IP|} b').problems[0]).to.match(/^malformed placeholder "\$\{IP\|\}"/);
      expect(parseTemplate('a ${?}b').problems[0]).to.equal('"${?}" must start a line (it leaves out a line whose placeholders are all empty)');
      expect(renderPlain('a ${?}b ${IP|}', { IP: '1' })).to.equal('a ${?}b ${IP|}');
    });
  });

  describe('template checks', () => {
    const problemsOf = (text: string): VulnbridgeError[] => {
      try {
        parseScheme(text, 'per.json');
      } catch (err) {
        expect(err).to.be.instanceOf(ProblemList);
        return (err as ProblemList).problems;
      }
      return [];
    };

    it('reports an unknown name inside a fallback like any unknown placeholder: file, field, suggestion', () => {
      const text = readFileSync(PER_DETECTION, 'utf8').replace('on host ${IP|IPV6|DNS|NETBIOS|ID}', 'on host ${IP|IPV7|DNS}');
      const [p, ...rest] = problemsOf(text);
      expect(rest).to.have.length(0);
      expect(p?.describe()).to.match(/^per\.json:\d+ template\.payload\.description: unknown placeholder \$\{IPV7\} for module VMDR/);
      expect(p?.hint).to.include('did you mean ${IPV6}?');
    });

    it('still loads the eight Qualys reference schemes and ours', () => {
      for (const f of REFERENCE_FILES) expect(() => loadScheme(path.join(REFERENCE_DIR, f)), f).to.not.throw();
      for (const f of [PER_DETECTION, HOST_LINKING]) expect(() => loadScheme(f), f).to.not.throw();
    });
  });

  describe('our VMDR templates (HLD sample host reshaped)', () => {
    const perDetection = loadScheme(PER_DETECTION);
    const linking = loadScheme(HOST_LINKING);

    it('an IPv6-only host with a host-level QID: named by its IPv6 address, no gaps, no "port ." fragment', () => {
      const ctx = hldFinding(IPV6_ONLY);
      const t = renderTicket(perDetection, 'single', ctx, opts);
      expect(t.summary).to.equal('QID 197595: Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities on 2001:db8:0:1::2a');
      const plain = toPlain(t.description);
      expect(plain.split('\n')[0]).to.equal('Qualys found QID 197595 (Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities) on host 2001:db8:0:1::2a.');
      const hostPart = plain.slice(0, plain.indexOf('\n\nDETECTION'));
      expect(hostPart).to.not.match(/port|  |(address|name): \n/i);
      expect(plain).to.include('HOST\nIPv6 address: 2001:db8:0:1::2a\nOperating system: Windows 2016/2019/10\n');
      expect(toPlain(t.comment ?? [])).to.match(/^Qualys still reports QID 197595 on 2001:db8:0:1::2a: status Active/);
      const child = renderTicket(linking, 'child', ctx, opts);
      expect(toPlain(child.description).split('\n')[0]).to.equal(plain.split('\n')[0]);
      const parent = renderTicket(linking, 'parent', ctx, opts);
      expect(parent.summary).to.equal('Vulnerable host 2001:db8:0:1::2a (Qualys host ID 12048633)');
      expect(toPlain(parent.description)).to.include('HOST\nIPv6 address: 2001:db8:0:1::2a\nOperating system:');
    });

    it('falls back to the NetBIOS name, then the host ID', () => {
      expect(renderTicket(perDetection, 'single', hldFinding(NETBIOS_ONLY), opts).summary).to.match(/ on WKS-0042$/);
      const bare = renderTicket(perDetection, 'single', hldFinding(''), opts);
      expect(bare.summary).to.match(/ on 12048633$/);
      expect(toPlain(bare.description)).to.include('HOST\nOperating system:');
    });

    it('a detection with a port keeps the port line', () => {
      const t = renderTicket(perDetection, 'single', hldFinding('<IP>10.50.2.111</IP>', { PORT: '443', PROTOCOL: 'tcp' }), opts);
      expect(toPlain(t.description)).to.include('on host 10.50.2.111.\nPort: 443 tcp\nQDS 35');
    });
  });
});
