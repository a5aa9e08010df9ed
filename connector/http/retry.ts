import pRetry, { AbortError } from 'p-retry';
import type { ExternalHostError } from '../errors.js';
import type { Logger } from '../log.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, isRetryable, nextAttempt } from './failurePolicy.js';
import { noteThrottleWait } from './httpObserver.js';
import { sleep as realSleep, type Sleep } from './sleep.js';

export interface RetryOptions {
  /** Attempts after the first. */
  retries?: number;
  /** Backoff base and cap (ms); p-retry adds jitter. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Longest server-requested wait we honour before giving up (ms). */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  log?: Logger;
  /** What the call is, for the log line (`POST /api/5.0/fo/...`). */
  what: string;
  sleep?: Sleep;
}

/**
 * Runs `fn` with p-retry as failurePolicy decides: what isRetryable (429, 5xx, timeouts,
 * Qualys 409) is retried with exponential backoff and jitter; a server-given wait
 * (Retry-After, X-RateLimit-ToWait-Sec, SECONDS_TO_WAIT) is honoured up to
 * `maxRetryAfterMs`, logged at info and reported as a throttle wait (httpObserver). Anything else (400, 401, bad data) fails at once.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const wait = opts.sleep ?? realSleep;
  const maxRetryAfter = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  return pRetry(
    async (attempt) => {
      try {
        return await fn(attempt);
      } catch (err) {
        if (isRetryable(err)) throw err;
        throw new AbortError(err instanceof Error ? err : new Error(String(err)));
      }
    },
    {
      retries: opts.retries ?? 5,
      minTimeout: opts.minTimeoutMs ?? 500,
      maxTimeout: opts.maxTimeoutMs ?? 30_000,
      randomize: true,
      signal: opts.signal,
      onFailedAttempt: async (error) => {
        const cause = error as unknown as ExternalHostError & { attemptNumber: number; retriesLeft: number };
        const next = nextAttempt(cause, cause.retriesLeft, maxRetryAfter);
        // Out of retries: p-retry itself rejects with the error.
        if (next.verdict === 'abort' && next.reason === 'exhausted') return;
        if (next.verdict === 'abort') {
          // p-retry unwraps AbortError only when the attempt throws it; an error thrown
          // here rejects as is, so throw the cause itself (callers see the ExternalHostError).
          throw cause;
        }
        const retryAfter = next.waitMs;
        if (retryAfter !== undefined) {
          opts.log?.info('waiting as the server asked before retrying', {
            what: opts.what,
            host: cause.host,
            status: cause.status,
            waitSeconds: Math.round(retryAfter / 100) / 10,
            attempt: cause.attemptNumber,
          });
          await wait(retryAfter, opts.signal);
          noteThrottleWait(cause.host, retryAfter);
        } else {
          opts.log?.warn('request failed, retrying', {
            what: opts.what,
            host: cause.host,
            status: cause.status,
            error: cause.message,
            attempt: cause.attemptNumber,
          });
        }
      },
    },
  );
}
