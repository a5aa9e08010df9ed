import type { z } from 'zod';
import { ExternalHostError, type VulnbridgeError } from '../../errors.js';
import { isAmbiguousWriteFailure } from '../../http/failurePolicy.js';
import { withRetry } from '../../http/retry.js';
import type { Logger } from '../../log.js';
import type { SinkDeps } from '../types.js';
import { mapJiraError } from './mapError.js';

export interface CallJiraOptions {
  host: string;
  /** Which credentials to check, naming config keys and env vars only (never values). */
  authHint: string;
  log: Logger;
  sleep?: SinkDeps['sleep'];
  retry?: SinkDeps['retry'];
  signal?: AbortSignal;
  /** Not safe to repeat after an ambiguous failure (create, comment, transition). */
  once?: boolean;
}

/**
 * One Jira call as the failure policy says: retried (429/5xx, Retry-After aware), its
 * failure mapped to our errors in mapError.ts, its response parsed through `schema`
 * (wire.ts). A write marked `once` is not repeated after a failure that may have been
 * applied (isAmbiguousWriteFailure): repeating a create after a timeout could make a
 * second issue, so that failure is reported instead.
 */
export async function callJira<T>(what: string, fn: () => Promise<unknown>, schema: z.ZodType<T>, o: CallJiraOptions): Promise<T> {
  const ctx = { host: o.host, what, authHint: o.authHint };
  const outcome = await withRetry(
    async (): Promise<{ data: unknown } | { failed: VulnbridgeError }> => {
      try {
        return { data: await fn() };
      } catch (err) {
        const mapped = mapJiraError(err, ctx);
        if (o.once && isAmbiguousWriteFailure(mapped)) return { failed: mapped };
        throw mapped;
      }
    },
    { what, log: o.log, sleep: o.sleep, signal: o.signal, ...o.retry },
  );
  if ('failed' in outcome) throw outcome.failed;
  const parsed = schema.safeParse(outcome.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExternalHostError('HOST_ERROR', `Jira answered ${what} with an unexpected body (${issue?.path.join('.') || 'root'}: ${issue?.message})`, {
      host: o.host,
      hint: 'check that `url` points at Jira and `flavor` matches it',
    });
  }
  return parsed.data;
}
