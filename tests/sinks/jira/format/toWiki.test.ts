import { expect } from 'chai';
import { escapeWikiText, toWiki } from '../../../../connector/sinks/jira/format/toWiki.js';
import type { RichText } from '../../../../connector/templates/types.js';

const v = (text: string) => ({ text, value: true });
const t = (text: string) => ({ text, value: false });

/** Markup that must not survive in escaped output: an unescaped special character (not preceded by a backslash). */
function unescaped(wiki: string, chars: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < wiki.length; i++) {
    if (chars.includes(wiki[i] as string) && wiki[i - 1] !== '\\') found.push(wiki[i] as string);
  }
  return found;
}

describe('templates/format/toWiki', () => {
  it('passes template text through and escapes values', () => {
    expect(toWiki([t('*Host:* '), v('*bold* _it_')])).to.equal('*Host:* \\*bold\\* \\_it\\_');
  });

  it('neutralizes hostile values: macros, links, tables, emphasis', () => {
    const hostile = '{code}x{code} [link|http://x] *bold* a|b {color:red}red{color} !image.png! -strike- +ins+ ^sup^ ~sub~ ??cite?? (y) :) :D # - ';
    const wiki = toWiki([v(hostile)]);
    expect(unescaped(wiki.replace(/&#\d+;/g, ''), '{}[]|*_!-+^~?()#')).to.deep.equal([]);
    expect(wiki).to.include('\\{code\\}x\\{code\\}');
    expect(wiki).to.include('\\[link\\|http://x\\]');
    expect(wiki).to.include('a\\|b');
    expect(wiki).to.include('&#58;D');
  });

  it('leaves phrase markers inside words alone (phrases open and close only at word boundaries)', () => {
    expect(escapeWikiText('2023-07-03 linux_aws-4.15 -x- a*b *c* 1+1 _y_')).to.equal('2023-07-03 linux_aws-4.15 \\-x\\- a*b \\*c\\* 1+1 \\_y\\_');
    expect(escapeWikiText('a|b a[b]c a{b}c')).to.equal('a\\|b a\\[b\\]c a\\{b\\}c');
  });

  it('writes a backslash as an entity (\\\\ would be a line break)', () => {
    expect(escapeWikiText('C:\\Temp\\\\x')).to.equal('C:&#92;Temp&#92;&#92;x');
  });

  it('neutralizes entities and block markup at the start of a line', () => {
    expect(escapeWikiText('&lt;b&gt; & co')).to.equal('&#38;lt;b&#38;gt; & co');
    expect(escapeWikiText('h1. Big\n  bq. quote\nno h2. here')).to.equal('h1&#46; Big\n  bq&#46; quote\nno h2. here');
    // After template text that ends a line, a value starts a line too.
    expect(toWiki([t('Title:\n'), v('h3. x')])).to.equal('Title:\nh3&#46; x');
    expect(toWiki([t('Title: '), v('h3. x')])).to.equal('Title: h3. x');
  });

  it('keeps URLs intact (Jira links them before applying escapes)', () => {
    expect(escapeWikiText('see https://x.example/a_b-c?d=1&e=*f* [x]')).to.equal('see https://x.example/a_b-c?d=1&e=*f* \\[x\\]');
    expect(escapeWikiText('mailto:a_b@example.com')).to.equal('mailto:a_b@example.com');
    expect(escapeWikiText('xhttp://no')).to.equal('xhttp://no');
  });

  it('drops control characters and keeps newlines', () => {
    expect(toWiki([v('a\u0000b\u0007c\r\nd')])).to.equal('abc\nd');
  });

  it('leaves values raw inside a {noformat} block of the template, breaking only the closing tag', () => {
    const rich: RichText = [t('{noformat}\n'), v('*raw* \\ {noformat} x'), t('\n{noformat}\nafter '), v('*esc*')];
    expect(toWiki(rich)).to.equal('{noformat}\n*raw* \\ {\u200Bnoformat} x\n{noformat}\nafter \\*esc\\*');
  });

  it('treats {code:lang} ... {code} the same way', () => {
    expect(toWiki([t('{code:java}'), v('*a*'), t('{code}'), v('*a*')])).to.equal('{code:java}*a*{code}\\*a\\*');
  });

  it('truncates to the limit with an escaped note, never inside an escape', () => {
    const rich: RichText = [t('Result: '), v('*'.repeat(100))];
    const wiki = toWiki(rich, 90);
    expect(wiki.length).to.be.at.most(90);
    expect(wiki).to.match(/^Result: (\\\*)+\n\n\\\[truncated by vulnbridge: \d+ characters omitted\\\]$/);
    const kept = (wiki.match(/\\\*/g) ?? []).length;
    expect(wiki).to.include(`${100 - kept} characters omitted`);
  });

  it('closes an open {noformat} block when it cuts inside one', () => {
    const wiki = toWiki([t('{noformat}\n'), v('x'.repeat(500)), t('\n{noformat}')], 120);
    expect(wiki.length).to.be.at.most(120);
    expect(wiki).to.match(/x\n\{noformat\}\n\n\\\[truncated by vulnbridge: \d+ characters omitted\\\]$/);
  });

  it('does not split a surrogate pair', () => {
    const wiki = toWiki([v('😀'.repeat(100))], 80);
    expect(wiki).to.not.match(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(wiki.length).to.be.at.most(80);
  });

  it('returns short text unchanged at the default limit', () => {
    expect(toWiki([t('a'), v('b')])).to.equal('ab');
  });

  describe('links', () => {
    const link = (text: string, href: string) => ({ text, value: true, href });

    it('writes http, https and mailto links as [text|url], the text escaped', () => {
      expect(toWiki([v('See '), link('the *advisory*', 'https://example.com/a'), v('.')])).to.equal('See [the \\*advisory\\*|https://example.com/a].');
      expect(toWiki([link('mail us', 'mailto:sec@example.com')])).to.equal('[mail us|mailto:sec@example.com]');
      expect(toWiki([link('', 'https://example.com/a')])).to.equal('[https://example.com/a|https://example.com/a]');
    });

    it('keeps the link whole: |, [ and ] in the text as entities, breaking characters in the URL percent-encoded, one line', () => {
      const wiki = toWiki([link('a|b [c]\nd', 'https://example.com/p[1]?q={x}|"y"<z>^`\\')]);
      expect(wiki).to.equal('[a&#124;b &#91;c&#93; d|https://example.com/p%5B1%5D?q=%7Bx%7D%7C%22y%22%3Cz%3E%5E%60%5C]');
    });

    it('keeps any other link inert, escaped like any value', () => {
      expect(toWiki([link('click', 'javascript:alert(1)')])).to.equal('click \\[javascript:alert\\(1\\)\\]');
      expect(toWiki([link('x', 'file:///etc/passwd')])).to.equal('x \\[file:///etc/passwd\\]');
    });

    it('inside a {noformat} block shows a link as text [url], raw', () => {
      expect(toWiki([t('{noformat}\n'), link('doc', 'https://example.com/a'), t('\n{noformat}')])).to.equal('{noformat}\ndoc [https://example.com/a]\n{noformat}');
    });

    it('never cuts a link in half', () => {
      const rich: RichText = [v('x'.repeat(60)), link('the advisory', 'https://example.com/a')];
      for (let limit = 60; limit < 140; limit++) {
        const wiki = toWiki(rich, limit);
        expect(wiki.length, String(limit)).to.be.at.most(limit);
        expect(wiki.includes('[the') === wiki.includes('/a]'), wiki).to.equal(true);
      }
    });
  });
});
