import { Ajv } from 'ajv';
import { expect } from 'chai';
import { toAdf, type AdfDoc } from '../../../../connector/sinks/jira/format/toAdf.js';
import type { RichText } from '../../../../connector/templates/types.js';

/**
 * The ADF structure we promise, from Atlassian's node docs
 * (developer.atlassian.com/cloud/jira/platform/apis/document/nodes/{doc,paragraph,text,hardBreak}):
 * doc{version:1} → paragraph → text (non-empty) | hardBreak.
 */
const ADF_SUBSET = {
  type: 'object',
  required: ['type', 'version', 'content'],
  additionalProperties: false,
  properties: {
    type: { const: 'doc' },
    version: { const: 1 },
    content: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'content'],
        additionalProperties: false,
        properties: {
          type: { const: 'paragraph' },
          content: {
            type: 'array',
            items: {
              oneOf: [
                {
                  type: 'object',
                  required: ['type', 'text'],
                  additionalProperties: false,
                  properties: {
                    type: { const: 'text' },
                    text: { type: 'string', minLength: 1 },
                    // .../document/marks/link
                    marks: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['type', 'attrs'],
                        additionalProperties: false,
                        properties: {
                          type: { const: 'link' },
                          attrs: { type: 'object', required: ['href'], additionalProperties: false, properties: { href: { type: 'string', minLength: 1 } } },
                        },
                      },
                    },
                  },
                },
                { type: 'object', required: ['type'], additionalProperties: false, properties: { type: { const: 'hardBreak' } } },
              ],
            },
          },
        },
      },
    },
  },
};
const validate = new Ajv({ allErrors: true }).compile(ADF_SUBSET);

function expectValid(doc: AdfDoc): void {
  expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
}

function textOf(doc: AdfDoc): string {
  return doc.content.map((p) => p.content.map((n) => (n.type === 'text' ? n.text : '\n')).join('')).join('\n\n');
}

const v = (text: string) => ({ text, value: true });

describe('templates/format/toAdf', () => {
  it('splits paragraphs on blank lines and uses hardBreak for single newlines', () => {
    const rich: RichText = [{ text: 'HOST\nIP: ', value: false }, { text: '10.0.0.1', value: true }, { text: '\n\n\n  \nDIAGNOSIS\n', value: false }];
    const doc = toAdf(rich);
    expectValid(doc);
    expect(doc).to.deep.equal({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'HOST' }, { type: 'hardBreak' }, { type: 'text', text: 'IP: 10.0.0.1' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'DIAGNOSIS' }] },
      ],
    });
  });

  it('keeps values literal: wiki markup is just text in ADF', () => {
    const doc = toAdf([{ text: '{code}*bold*[x|http://y]', value: true }]);
    expect(doc.content[0]?.content).to.deep.equal([{ type: 'text', text: '{code}*bold*[x|http://y]' }]);
  });

  it('strips control characters ADF rejects and never emits empty text nodes', () => {
    const doc = toAdf([{ text: '\u0000\u0001a\u0008\u000b\r\n\u0007\nb\uD800', value: true }]);
    expectValid(doc);
    expect(textOf(doc)).to.equal('a\n\nb\uFFFD');
    expect(doc.content).to.have.length(2);
  });

  it('returns an empty document for empty text', () => {
    const doc = toAdf([]);
    expectValid(doc);
    expect(doc.content).to.deep.equal([]);
  });

  it('truncates the text to the limit and ends with a note paragraph', () => {
    const doc = toAdf([{ text: 'line\n'.repeat(100), value: true }], 100);
    expectValid(doc);
    const text = textOf(doc);
    expect(text.length).to.be.at.most(100);
    const last = doc.content[doc.content.length - 1];
    expect(last?.content).to.have.length(1);
    const note = last?.content[0];
    expect(note?.type === 'text' && note.text).to.match(/^\[truncated by vulnbridge: \d+ characters omitted\]$/);
  });

  it('can apply the limit to the serialized JSON instead', () => {
    const rich: RichText = [{ text: 'Package linux-aws 4.15.0-1126\n'.repeat(300), value: true }];
    const doc = toAdf(rich, 2000, { countJson: true });
    expectValid(doc);
    expect(JSON.stringify(doc).length).to.be.at.most(2000);
    expect(textOf(doc)).to.match(/\[truncated by vulnbridge: \d+ characters omitted\]$/);
  });

  it('with countJson, skips serializing only documents that surely fit: same result as always measuring', () => {
    // The result of always serializing to measure (the behaviour before the size bound).
    const measured = (rich: RichText, limit: number): AdfDoc => {
      let budget = limit;
      let doc = toAdf(rich, budget);
      for (let size = JSON.stringify(doc).length; size > limit && budget > 0; size = JSON.stringify(doc).length) {
        budget = Math.max(0, Math.min(budget - 1, Math.floor((budget * limit) / size)));
        doc = toAdf(rich, budget);
      }
      return doc;
    };
    const alphabet = ['a', ' ', '\n', '\n\n', '"', '\\', '\t', '\u0001', '\r', '\u2028', '\ud83d\ude00', '\ud800', 'é'];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 25; n++) {
      let text = '';
      for (let i = Math.floor(rnd() * 300); i > 0; i--) text += alphabet[Math.floor(rnd() * alphabet.length)];
      const rich: RichText = [{ text, value: true }];
      const full = JSON.stringify(toAdf(rich, 1e9)).length;
      for (const limit of [full, full - 1, Math.floor(full / 2), Math.floor(full * 0.9)]) {
        expect(toAdf(rich, limit, { countJson: true })).to.deep.equal(measured(rich, limit));
      }
    }
  });

  describe('links', () => {
    const link = (text: string, href: string) => ({ text, value: true, href });

    it('makes link marks of http, https and mailto links, across line breaks and paragraphs', () => {
      const doc = toAdf([v('See '), link('the\nadvisory', 'https://example.com/a?b=1#c'), v('.\n\nMail '), link('', 'mailto:sec@example.com')]);
      expectValid(doc);
      const mark = (href: string) => [{ type: 'link', attrs: { href } }];
      expect(doc.content).to.deep.equal([
        { type: 'paragraph', content: [
          { type: 'text', text: 'See ' }, { type: 'text', text: 'the', marks: mark('https://example.com/a?b=1#c') },
          { type: 'hardBreak' }, { type: 'text', text: 'advisory', marks: mark('https://example.com/a?b=1#c') }, { type: 'text', text: '.' },
        ] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Mail ' }, { type: 'text', text: 'sec@example.com', marks: mark('mailto:sec@example.com') }] },
      ]);
    });

    it('keeps any other link inert: text [url], no mark', () => {
      for (const href of ['javascript:alert(1)', 'JavaScript:x', 'data:text/html,x', 'file:///etc/passwd', 'ftp://x/y', '//x.example/y', 'https://', 'https://a b', 'mailto:']) {
        const doc = toAdf([v('go '), link('here', href)]);
        expectValid(doc);
        expect(JSON.stringify(doc), href).to.not.include('marks');
        expect(textOf(doc), href).to.equal(`go here [${href.replace(/^mailto:/i, '')}]`);
      }
    });

    it('counts the serialized marks against the limit', () => {
      const rich: RichText = [];
      for (let i = 0; i < 200; i++) rich.push(v(`item ${i} `), link(`advisory ${i}`, `https://example.com/security/notices/${'x'.repeat(40)}/${i}`), v('\n'));
      const doc = toAdf(rich, 5000, { countJson: true });
      expectValid(doc);
      expect(JSON.stringify(doc).length).to.be.at.most(5000);
      expect(textOf(doc)).to.match(/\[truncated by vulnbridge: \d+ characters omitted\]$/);
      expect(JSON.stringify(doc)).to.include('"marks"');
    });
  });
});
