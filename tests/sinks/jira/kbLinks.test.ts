import { expect } from 'chai';
import { buildFields } from '../../../connector/sinks/jira/buildFields.js';
import { toAdf, toWiki } from '../../../connector/sinks/jira/richText.js';
import { toPlain } from '../../../connector/templates/format/toPlain.js';
import { loadScheme } from '../../../connector/templates/loadScheme.js';
import { renderTicket } from '../../../connector/templates/renderTicket.js';
import { kbSampleEntry } from '../../support/kbSample.js';
import { PER_DETECTION } from '../../templates/paths.js';
import { vmdrContext } from '../../templates/vmdrContext.js';

/** KnowledgeBase HTML as Qualys writes it (upper-case tags, TARGET="_blank", links in DIAGNOSIS and SOLUTION). */
const DIAGNOSIS =
  'Ubuntu has released a security update for linux-aws to fix the vulnerabilities. ' +
  'Details: <A HREF="https://ubuntu.com/security/notices/USN-4579-1" TARGET="_blank">the advisory</A>.' +
  '<P>Affected Package versions:<BR>linux-aws 4.15.0-1126.135';
const SOLUTION =
  'Refer to Ubuntu security advisory <A HREF="https://ubuntu.com/security/notices/USN-4579-1" TARGET="_blank">USN-4579-1</A> ' +
  'to address this issue.<P>Questions: <A HREF="mailto:security@ubuntu.com">security team</A>. ' +
  'Not a link: <A HREF="javascript:alert(1)">click</A> <A HREF="ftp://mirror.example/pkg">mirror</A>.';

const scheme = loadScheme(PER_DETECTION);
const render = () => renderTicket(scheme, 'single', vmdrContext({ VULN: kbSampleEntry({ DIAGNOSIS, SOLUTION }) }), { projectKey: 'SEC' });

interface Node {
  type: string;
  text?: string;
  marks?: Array<{ type: string; attrs: { href: string } }>;
  content?: Node[];
}
const nodes = (doc: Node): Node[] => (doc.content ?? []).flatMap((n) => [n, ...nodes(n)]);

describe('KnowledgeBase links reach Jira (KB sample QID 11830 with Qualys-style <A HREF> texts)', () => {
  it('Cloud: http(s) and mailto links become ADF link marks; other schemes stay inert text', () => {
    const doc = toAdf(render().description) as unknown as Node;
    const linked = nodes(doc).filter((n) => n.marks);
    expect(linked.map((n) => [n.text, n.marks?.[0]?.attrs.href])).to.deep.equal([
      ['the advisory', 'https://ubuntu.com/security/notices/USN-4579-1'],
      ['USN-4579-1', 'https://ubuntu.com/security/notices/USN-4579-1'],
      ['security team', 'mailto:security@ubuntu.com'],
    ]);
    expect(linked.every((n) => n.marks?.length === 1 && n.marks[0]?.type === 'link')).to.equal(true);
    const text = nodes(doc).map((n) => n.text ?? '').join('');
    expect(text).to.include('Details: the advisory.');
    expect(text).to.not.include('[https://ubuntu.com');
    expect(text).to.include('Not a link: click [javascript:alert(1)] mirror [ftp://mirror.example/pkg].');
  });

  it('Data Center: the same links as [text|url], the others escaped', () => {
    const wiki = toWiki(render().description);
    expect(wiki).to.include('Details: [the advisory|https://ubuntu.com/security/notices/USN-4579-1].');
    expect(wiki).to.include('advisory [USN-4579-1|https://ubuntu.com/security/notices/USN-4579-1] to address');
    expect(wiki).to.include('Questions: [security team|mailto:security@ubuntu.com].');
    expect(wiki).to.include('Not a link: click \\[javascript:alert\\(1\\)\\] mirror \\[ftp://mirror.example/pkg\\].');
  });

  it('the issue fields carry the links: Cloud description ADF and Data Center wiki', () => {
    const ticket = render();
    const ctx = (cloud: boolean) => ({
      project: { key: 'SEC', id: '1', issueTypes: new Map(), statusesByType: new Map() },
      cloud,
      host: 'jira.example',
      fieldFor: () => undefined,
      // A Jira with none of the template's custom fields: all are left out.
      omitted: new Set(ticket.customFields.map((f) => f.name)),
    });
    const cloud = buildFields(ticket, ctx(true));
    expect(JSON.stringify(cloud.description)).to.include('{"type":"link","attrs":{"href":"https://ubuntu.com/security/notices/USN-4579-1"}}');
    expect(String(buildFields(ticket, ctx(false)).description)).to.include('[security team|mailto:security@ubuntu.com]');
  });

  it('plain text (summary-side renders, attachments, checks) keeps "text [url]" as before', () => {
    const t = render();
    expect(toPlain(t.description)).to.include('Details: the advisory [https://ubuntu.com/security/notices/USN-4579-1].');
    expect(toPlain(t.description)).to.include('Questions: security team [security@ubuntu.com].');
  });

  it('keeps Jira\'s length limit: a cut document is within the limit and keeps the links before the cut', () => {
    const description = render().description;
    const full = JSON.stringify(toAdf(description)).length;
    const doc = toAdf(description, full - 200);
    expect(JSON.stringify(doc).length).to.be.at.most(full - 200);
    const linked = nodes(doc as unknown as Node).filter((n) => n.marks);
    expect(linked.length).to.be.greaterThan(0);
    expect(nodes(doc as unknown as Node).map((n) => n.text ?? '').join('')).to.match(/\[truncated by vulnbridge: \d+ characters omitted\]$/);
    const wiki = toWiki(description, 1200);
    expect(wiki.length).to.be.at.most(1200);
    expect(wiki).to.match(/\[truncated by vulnbridge: \d+ characters omitted\\]$/);
  });
});
