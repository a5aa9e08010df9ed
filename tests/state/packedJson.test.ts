import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { packJson, unpackJson } from '../../connector/state/packedJson.js';

describe('state/packedJson', () => {
  it('gives back the JSON it packed, of any size (output in many chunks) and any characters', () => {
    const finding = JSON.stringify({ QID: '38205', RESULTS: 'Package\tInstalled Version\nopenssl\t1.0.2k', TITLE: 'Übergröße <"quoted"> & 漢字 🎯' });
    // Random text barely deflates: its output runs over many 2 KB chunks.
    const large = JSON.stringify({ RESULTS: randomBytes(150_000).toString('base64') });
    for (const json of [finding, large, '{}']) {
      const packed = packJson(json);
      expect(Buffer.isBuffer(packed)).to.equal(true);
      expect(unpackJson(packed)).to.equal(json);
    }
    const repetitive = finding.repeat(20);
    expect(packJson(repetitive).length).to.be.lessThan(repetitive.length / 10);
  });

  it('reads JSON text as it is (rows written before values were packed)', () => {
    expect(unpackJson('{"QID":"1"}')).to.equal('{"QID":"1"}');
  });
});
