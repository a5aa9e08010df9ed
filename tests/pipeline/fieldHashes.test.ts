import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ALL, hashFields, hashFieldsJson } from '../../connector/pipeline/fieldHashes.js';
import { fieldsJson } from '../../connector/sinks/types.js';

/** SHA-1 of a value's JSON, base64url: how every stored field hash was made. */
const sha1 = (v: unknown) => createHash('sha1').update(JSON.stringify(v)).digest('base64url');

describe('pipeline/fieldHashes', () => {
  const fields = {
    project: { key: 'VULN' },
    issuetype: { id: '10001' },
    summary: 'QID 38170 on "host" <a>',
    description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'ünïcode 😀 \u2028' }] }] },
    labels: ['vb-1', 'qid-38170'],
    priority: { name: 'High' },
    customfield_10100: 7.5,
    duedate: '2026-12-31',
  };

  it('hashes a create from the JSON text it sends exactly as an edit hashes the field objects', () => {
    const fromText = hashFieldsJson(fieldsJson(fields));
    expect(fromText).to.deep.equal(hashFields(fields));
    // The stored hashes of tickets made before: SHA-1 of each diffed field's JSON, none of the fields set once at create.
    expect(fromText.description).to.equal(sha1(fields.description));
    expect(fromText.summary).to.equal(sha1(fields.summary));
    expect(fromText.customfield_10100).to.equal(sha1(7.5));
    expect(Object.keys(fromText).sort()).to.deep.equal([ALL, 'customfield_10100', 'description', 'duedate', 'priority', 'summary'].sort());
  });

  it('gives each field the text JSON.stringify gives it, leaving out undefined values as JSON leaves them out', () => {
    const json = fieldsJson({ ...fields, gone: undefined });
    expect(json).to.not.have.property('gone');
    expect(JSON.parse(`{${Object.entries(json).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)).to.deep.equal(fields);
  });
});
