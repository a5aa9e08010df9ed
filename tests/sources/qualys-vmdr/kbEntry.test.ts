import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { compile } from 'html-to-text';
import { attackVectorOf, kbEntry, kbHtmlToText } from '../../../connector/sources/qualys-vmdr/kbEntry.js';
import { parseOrgJson, type OrgJsonObject } from '../../../connector/sources/qualys-vmdr/orgJson.js';

const SAMPLES = QUALYS_SAMPLES;

function firstVuln(file: string): OrgJsonObject {
  const { value } = parseOrgJson(readFileSync(`${SAMPLES}/${file}`, 'utf8'));
  const list = (value.RESPONSE as OrgJsonObject).VULN_LIST as OrgJsonObject;
  return (list.VULN as OrgJsonObject[])[0]!;
}

describe('qualys-vmdr/kbEntry', () => {
  it('flattens CVE_LIST into CVES and converts the HTML texts (VMDR KB sample, QID 11830)', () => {
    const entry = kbEntry(firstVuln('kb_elastic_qualys_vmdr_qid11830.xml'));
    expect(entry.QID).to.equal('11830');
    expect(entry.CVES).to.equal('CVE-2022-31629, CVE-2022-31628');
    expect(entry.SOLUTION).to.equal('Note: To better debug the results of this QID');
    expect(entry.SOLUTION_HTML).to.equal('<B>Note:</B> To better debug the results of this QID');
    // No CVSS in this sample: the flattened keys exist and are empty, so templates render ''.
    expect(entry.CVSS_BASE).to.equal('');
    expect(entry.CVSS_V3_BASE).to.equal('');
    // The org.json structure stays available.
    expect((entry.THREAT_INTELLIGENCE as OrgJsonObject).THREAT_INTEL).to.deep.equal([{ id: '8', content: 'No_Patch' }]);
  });

  it('flattens CVSS and CVSS_V3 and decodes entities in texts (WAS KB sample, QID 150112)', () => {
    const entry = kbEntry(firstVuln('kb_elastic_qualys_was_qid150112.xml'));
    expect(entry.CVSS_BASE).to.equal('0.0');
    expect(entry.CVSS_TEMPORAL).to.equal('0.0');
    expect(entry.CVSS_V3_BASE).to.equal('3.7');
    expect(entry.CVSS_V3_TEMPORAL).to.equal('3.6');
    // No ATTACK/VECTOR in this real answer: the attack vector comes from VECTOR_STRING (AV:N).
    expect(entry.CVSS_V3_ATTACK_VECTOR).to.equal('Network');
    expect(entry.CVES).to.equal('');
    expect(entry.CONSEQUENCE).to.contain('then "autocomplete" values may be submitted');
    // Plain-text KB entries keep their line breaks.
    expect(String(entry.SOLUTION).split('\n')[1]).to.equal('This attribute prevents the browser from prompting the user to save the populated form values for later reuse.');
  });

  it('takes content of CVSS BASE with a source attribute and CVSS_V3 ATTACK VECTOR', () => {
    const { value } = parseOrgJson(
      '<VULN><QID>1</QID><CVSS><BASE source="service">7.5</BASE><TEMPORAL>6.1</TEMPORAL></CVSS>' +
        '<CVSS_V3><BASE>9.8</BASE><TEMPORAL>8.8</TEMPORAL><ATTACK><VECTOR>Network</VECTOR><COMPLEXITY>Low</COMPLEXITY></ATTACK></CVSS_V3></VULN>',
    );
    const entry = kbEntry(value);
    expect(entry.CVSS_BASE).to.equal('7.5');
    expect(entry.CVSS_TEMPORAL).to.equal('6.1');
    expect(entry.CVSS_V3_ATTACK_VECTOR).to.equal('Network');
    expect(entry.CVSS).to.deep.equal({ BASE: { source: 'service', content: '7.5' }, TEMPORAL: '6.1' });
  });

  it('CVSS_V3 ATTACK VECTOR wins over the vector string; the vector string fills in when it is absent', () => {
    const kb = (cvss3: string) => kbEntry(parseOrgJson(`<VULN><QID>1</QID><CVSS_V3>${cvss3}</CVSS_V3></VULN>`).value);
    expect(kb('<ATTACK><VECTOR>Local</VECTOR></ATTACK><VECTOR_STRING>CVSS:3.1/AV:N/AC:L</VECTOR_STRING>').CVSS_V3_ATTACK_VECTOR).to.equal('Local');
    expect(kb('<VECTOR_STRING>CVSS:3.0/AV:A/AC:L/PR:N</VECTOR_STRING>').CVSS_V3_ATTACK_VECTOR).to.equal('Adjacent Network');
    expect(kb('<VECTOR_STRING>CVSS:3.1/AC:L/PR:N</VECTOR_STRING>').CVSS_V3_ATTACK_VECTOR).to.equal('');
    expect(attackVectorOf('CVSS:3.1/AV:P/AC:H')).to.equal('Physical');
  });

  it('turns <P>/<BR> into line breaks and links into "text [url]"', () => {
    const text = kbHtmlToText('<P>First &amp; foremost<BR>second line</P><P>See <A HREF="https://example.com/a" TARGET="_blank">the advisory</A>.</P>');
    expect(text).to.equal('First & foremost\nsecond line\n\nSee the advisory [https://example.com/a].');
  });

  it('gives plain texts (which skip the HTML converter) and repeated texts exactly what the converter gives', () => {
    const convert = compile({
      wordwrap: false,
      preserveNewlines: true,
      selectors: [
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
        { selector: 'img', format: 'skip' },
      ],
    });
    const reference = (html: string) => convert(html).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    const samples = [
      'Successful exploitation allows a remote attacker to execute code.',
      'x > y * [z] _u_ (a) {b} "q" \'s\' #1 | ~ ^ `c` \\ / = : 100% 1+1 \u00e9\u00a0nbsp \u3000ideo \ud83d\ude00',
      'two  spaces', ' leading', 'trailing ', 'tab\there', 'line\nbreak', 'zero\u200bwidth', 'a &amp; b', '<P>html</P>', '',
    ];
    for (const html of [...samples, ...samples]) expect(kbHtmlToText(html), JSON.stringify(html)).to.equal(reference(html));
  });
});

describe('qualys-vmdr/kbEntry links', () => {
  it('keeps the links of a text as {content, rich}: content is the plain text as before, rich has the URLs apart', async () => {
    const { kbSampleEntry } = await import('../../support/kbSample.js');
    const entry = kbSampleEntry({ SOLUTION: 'See <A HREF="https://example.com/a" TARGET="_blank">the advisory</A>.<BR>Then patch.' });
    expect(entry.SOLUTION).to.deep.equal({
      content: 'See the advisory [https://example.com/a].\nThen patch.',
      rich: [{ text: 'See ' }, { text: 'the advisory', href: 'https://example.com/a' }, { text: '.\nThen patch.' }],
    });
    // Texts without a link stay plain strings.
    expect(entry.DIAGNOSIS).to.equal('This QID reports the absence of the following');
  });
});
