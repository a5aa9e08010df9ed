import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { markerLabel, scopedKey } from '../../connector/pipeline/markers.js';

describe('pipeline/markers', () => {
  it('keeps the marker label of every ticket Jira already carries: vb- and 24 hex digits of SHA-256 over role and scoped key', () => {
    for (const [role, key] of [
      ['single', 'Host ID:1-QID:2-Port:443'],
      ['parent', 'host:12048633'],
      ['child', scopedKey('child', 'QID:1-Port:443', 'host:7')],
      ['single', 'ünïcode 😀'],
    ] as const) {
      const expected = `vb-${createHash('sha256').update(`${role}\n${key}`).digest('hex').slice(0, 24)}`;
      expect(markerLabel(role, key)).to.equal(expected);
    }
    // As printed by sha256sum over "single\nk": fixed, not recomputed.
    expect(markerLabel('single', 'k')).to.equal('vb-a558819e506dc26ae6eea716');
  });
});
