import { Ajv } from 'ajv';
import { expect } from 'chai';
import { toAdf, type AdfDoc } from '../../../connector/templates/format/toAdf.js';
import type { RichText } from '../../../connector/templates/types.js';

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
                  properties: { type: { const: 'text' }, text: { type: 'string', minLength: 1 } },
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
});
