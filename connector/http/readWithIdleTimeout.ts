import type { Readable } from 'node:stream';

/**
 * Iterate a response body, failing when the server sends nothing for `ms`. axios'
 * `timeout` stops counting once the headers are in (its handler is a no-op after the
 * response settles), so a body that stalls halfway would otherwise hang the job. Only
 * the time spent waiting for the server counts, not the time the consumer takes.
 */
export async function* readWithIdleTimeout<T = string | Buffer>(stream: Readable, ms: number, onIdle: () => Error): AsyncGenerator<T, void, void> {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => stream.destroy(onIdle()), ms);
  };
  try {
    arm();
    for await (const chunk of stream) {
      clearTimeout(timer);
      yield chunk as T;
      arm();
    }
  } finally {
    clearTimeout(timer);
  }
}
