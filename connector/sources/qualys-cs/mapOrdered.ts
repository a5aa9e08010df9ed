import { setMaxListeners } from 'node:events';

/**
 * `fn` over `items` with at most `limit` calls in flight, results yielded in item order.
 * When a call fails, the signal handed to the others is aborted and the error thrown.
 */
export async function* mapOrdered<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<R, void, void> {
  const stop = new AbortController();
  const shared = AbortSignal.any([signal, stop.signal]);
  // Each call in flight listens on the signal (request, retry wait, token renewal): a bounded
  // number, which Node's default warning threshold of 10 does not know about.
  setMaxListeners(Math.max(10, limit * 4), shared);
  const inflight: Array<Promise<R>> = [];
  let next = 0;
  try {
    while (next < items.length || inflight.length > 0) {
      while (inflight.length < limit && next < items.length) {
        const p = fn(items[next++] as T, shared);
        // Settled later by shift() or abandoned on failure: never an unhandled rejection.
        p.catch(() => {});
        inflight.push(p);
      }
      yield await (inflight.shift() as Promise<R>);
    }
  } finally {
    // A failure or an early return: the calls still in flight are no longer wanted.
    if (inflight.length > 0) stop.abort(new Error('no longer needed'));
  }
}
