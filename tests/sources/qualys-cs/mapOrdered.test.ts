import { expect } from 'chai';
import { mapOrdered } from '../../../connector/sources/qualys-cs/mapOrdered.js';

describe('qualys-cs: mapOrdered (bounded /vuln concurrency)', () => {
  it('keeps at most `limit` calls in flight and yields in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const fn = async (n: number): Promise<number> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => release.push(r));
      inFlight--;
      return n * 10;
    };
    const gen = mapOrdered([1, 2, 3, 4, 5, 6], 4, new AbortController().signal, fn);
    const out: number[] = [];
    const done = (async () => {
      for await (const v of gen) out.push(v);
    })();
    // Release calls last-started first, until all six have run.
    for (let released = 0; released < 6; ) {
      await new Promise((r) => setImmediate(r));
      const next = release.pop();
      if (next) {
        next();
        released++;
      }
    }
    await done;
    expect(out).to.deep.equal([10, 20, 30, 40, 50, 60]);
    expect(peak).to.equal(4);
  });

  it('a failure aborts the signal handed to the calls still in flight and is thrown', async () => {
    const signals: AbortSignal[] = [];
    const fn = async (n: number, signal: AbortSignal): Promise<number> => {
      signals.push(signal);
      if (n === 1) throw new Error('boom');
      await new Promise((r) => setImmediate(r));
      return n;
    };
    let err: unknown;
    try {
      for await (const _ of mapOrdered([1, 2, 3], 3, new AbortController().signal, fn)) void _;
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal('boom');
    expect(signals[1]!.aborted).to.equal(true);
  });
});
