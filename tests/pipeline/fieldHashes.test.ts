import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ALL, hashFields } from '../../connector/pipeline/fieldHashes.js';

/** SHA-1 of a value's JSON, base64url: how every stored field hash was made. */
const sha1 = (v: unknown) => createHash('sha1').update(JSON.stringify(v)).digest('base64url');

describe('pipeline/fieldHashes', () => {
  it('keeps the field hashes tickets already carry: SHA-1 of each diffed field, none of the fields set once at create', () => {
    const fields = {
      project: { key: 'VULN' },
      issuetype: { id: '10001' },
      summary: 'QID 38170 on "host" <a>',
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'ünïcode 😀 \u2028' }] }] },
      labels: ['vb-1', 'qid-38170'],
      priority: { name: 'High' },
      customfield_10100: 7.5,
    };
    const hashes = hashFields(fields);
    expect(Object.keys(hashes).sort()).to.deep.equal([ALL, 'customfield_10100', 'description', 'priority', 'summary'].sort());
    for (const k of ['customfield_10100', 'description', 'priority', 'summary'] as const) expect(hashes[k]).to.equal(sha1(fields[k]));
    // A stored hash is compared as text: fixed here, not recomputed.
    expect(hashes.summary).to.equal('nM8MLp03RMQRRTQIiItAwrK0IzQ');
  });
});
