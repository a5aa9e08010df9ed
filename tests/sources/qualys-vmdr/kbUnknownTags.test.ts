import { expect } from 'chai';
import { escapeUnknownTags } from '../../../connector/sources/qualys-vmdr/htmlElements.js';
import { kbHtmlToText } from '../../../connector/sources/qualys-vmdr/kbEntry.js';
import { toWiki } from '../../../connector/sinks/jira/richText.js';
import { toPlain } from '../../../connector/templates/format/toPlain.js';
import { loadScheme } from '../../../connector/templates/loadScheme.js';
import { renderTicket } from '../../../connector/templates/renderTicket.js';
import { kbSampleEntry } from '../../support/kbSample.js';
import { PER_DETECTION } from '../../templates/paths.js';
import { vmdrContext } from '../../templates/vmdrContext.js';

describe('qualys-vmdr KnowledgeBase text in angle brackets that is not HTML', () => {
  it('keeps <RCE> and <username> in the description as the summary keeps them (KB sample QID 11830)', () => {
    const vuln = kbSampleEntry({
      TITLE: 'Apache Struts <RCE> Vulnerability (S2-045)',
      DIAGNOSIS: 'A remote code execution <RCE> flaw exists in the Jakarta Multipart parser.<P>Affected: Struts 2.3.5 - 2.3.31',
      SOLUTION: 'Log in as <username> and run <B>sudo apt-get upgrade</B>.<BR>Then restart: systemctl restart <service-name>',
    });
    const t = renderTicket(loadScheme(PER_DETECTION), 'single', vmdrContext({ VULN: vuln }), { projectKey: 'SEC' });
    expect(t.summary).to.include('Apache Struts <RCE> Vulnerability');
    const plain = toPlain(t.description);
    expect(plain).to.include('(Apache Struts <RCE> Vulnerability (S2-045))');
    expect(plain).to.include('DIAGNOSIS\nA remote code execution <RCE> flaw exists in the Jakarta Multipart parser.\n\nAffected: Struts 2.3.5 - 2.3.31');
    expect(plain).to.include('SOLUTION\nLog in as <username> and run sudo apt-get upgrade.\nThen restart: systemctl restart <service-name>');
    expect(toWiki(t.description)).to.include('Log in as <username> and run');
  });

  it('treats only HTML element names as markup, in any case, closing tags too', () => {
    expect(kbHtmlToText('<P>Use <code>ssh</code> as <user@example.com>, not </RCE> or <a1></P><FONT color=red>x</FONT>')).to.equal(
      'Use ssh as <user@example.com>, not </RCE> or <a1>\n\nx',
    );
    expect(kbHtmlToText('docker pull <image> && a < b <!-- note -->')).to.equal('docker pull <image> && a < b');
    expect(escapeUnknownTags('<A HREF="x">y</A> <Version>')).to.equal('<A HREF="x">y</A> &lt;Version>');
  });
});
