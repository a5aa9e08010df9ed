import { expect } from 'chai';
import { BlockArray } from '../../connector/state/blockArray.js';

describe('state/BlockArray', () => {
  it('keeps every value across block boundaries (65,536 a block), read and overwritten by index', () => {
    const a = new BlockArray(Float64Array);
    const n = 200_000;
    for (let i = 0; i < n; i++) a.push(i * 3 + 0.5);
    expect(a.length).to.equal(n);
    for (const i of [0, 65_535, 65_536, 131_071, 131_072, n - 1]) expect(a.get(i)).to.equal(i * 3 + 0.5);
    a.set(65_536, -1);
    expect(a.get(65_536)).to.equal(-1);
    expect(a.get(65_535)).to.equal(65_535 * 3 + 0.5);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += a.get(i);
    expect(sum).to.equal((3 * (n - 1) * n) / 2 + 0.5 * n - (65_536 * 3 + 0.5) - 1);
  });

  it('stores as its typed array does (Int32Array truncates)', () => {
    const a = new BlockArray(Int32Array);
    a.push(7.9);
    a.push(-2);
    expect([a.get(0), a.get(1), a.length]).to.deep.equal([7, -2, 2]);
  });
});
