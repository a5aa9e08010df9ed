import { ExternalHostError, VulnbridgeError } from '../errors.js';

/**
 * The one place that decides what a failure means: retry the call, skip the item (record
 * it and go on), or abort (the host is down or we are not allowed in). Pure functions, no
 * I/O: the HTTP callers build their own messages and error codes from the verdict, and
 * say only what is special about their vendor through VendorRules.
 */

/** Why a call is retried, skipped or aborted; each reason has one verdict (verdictFor). */
export type FailureReason =
  /** 401: the credentials are wrong. */
  | 'auth'
  /** 403: we are in, but not allowed to do this. */
  | 'forbidden'
  /** 429 (and vendor equivalents, Qualys 409): come back later. */
  | 'rate-limited'
  /** 5xx, or a transport failure that is neither a timeout nor an unreachable host. */
  | 'host-error'
  /** Refused connection, DNS, reset. */
  | 'unreachable'
  /** No answer in time. */
  | 'timeout'
  /** 404: the thing asked for is not there. */
  | 'not-found'
  /** 400, 409, 410, 422 and other 4xx: the request itself is refused. */
  | 'rejected'
  /** 3xx: we never follow redirects (credentials must not go elsewhere). */
  | 'redirected'
  /** The call was cancelled (our signal). */
  | 'cancelled';

export type Verdict =
  /** 2xx, or a status the caller reads itself (`pass`). */
  | { verdict: 'ok' }
  /** Try again; `waitMs` is what the server asked for (else the retry library's jittered backoff). */
  | { verdict: 'retry'; reason: 'rate-limited' | 'host-error' | 'unreachable' | 'timeout'; waitMs?: number }
  /** This item or request is refused: record it and go on. */
  | { verdict: 'skip'; reason: 'not-found' | 'rejected' | 'redirected' }
  /** Stop: nothing more will work against this host now. */
  | { verdict: 'abort'; reason: 'auth' | 'forbidden' | 'cancelled' };

/** What a status means to this vendor when it differs from the default ladder, or `pass` to hand it back. */
export type StatusRule = Exclude<FailureReason, 'unreachable' | 'timeout' | 'cancelled'> | 'pass';

export interface VendorRules {
  /** Statuses this vendor means differently from the default ladder. */
  statuses?: Readonly<Partial<Record<number, StatusRule>>>;
  /** Statuses whose Retry-After is read when retrying (default: every status that is retried). */
  retryAfterOn?: (status: number) => boolean;
  /** The wait after a rate limit that names none (PagerDuty advises 30 s). */
  rateLimitWaitMs?: number;
}

/** What one HTTP call came back with, as far as deciding what to do next goes. */
export interface HttpOutcome {
  status: number;
  /** The raw Retry-After header (seconds or HTTP date). */
  retryAfter?: unknown;
}

/** What a transport failure (no HTTP answer) looked like. */
export interface TransportOutcome {
  /** axios/Node error code: ECONNREFUSED, ETIMEDOUT, ... */
  code?: string;
  message?: string;
  /** axios reports it was cancelled (our signal). */
  cancelled?: boolean;
}

/** Transport codes that mean the host cannot be reached at all. */
export const UNREACHABLE_CODES: readonly string[] = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

/** The default ladder: what a status means when the vendor says nothing special about it. */
export function reasonForStatus(status: number): FailureReason | 'ok' {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 300 && status < 400) return 'redirected';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'host-error';
  return 'rejected';
}

/** The host refused the call for its rate limit: 429, or what the vendor's rules call so (Qualys 409). */
export function isRateLimitStatus(status: number, rules: VendorRules = {}): boolean {
  return (rules.statuses?.[status] ?? reasonForStatus(status)) === 'rate-limited';
}

/** The verdict on one HTTP answer. `pass` lists statuses this call reads itself (a 404 meaning "gone"). */
export function httpVerdict(outcome: HttpOutcome, rules: VendorRules = {}, pass: readonly number[] = []): Verdict {
  const { status } = outcome;
  const rule = pass.includes(status) ? 'pass' : (rules.statuses?.[status] ?? reasonForStatus(status));
  if (rule === 'pass' || rule === 'ok') return { verdict: 'ok' };
  return verdictFor(rule, () => {
    const readHeader = rules.retryAfterOn ? rules.retryAfterOn(status) : true;
    const header = readHeader ? retryAfterMs(outcome.retryAfter) : undefined;
    return header ?? (rule === 'rate-limited' ? rules.rateLimitWaitMs : undefined);
  });
}

/** The verdict on a call that got no HTTP answer (checked in this order: timeout, unreachable, cancelled). */
export function transportVerdict(t: TransportOutcome): Verdict {
  const code = t.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(t.message ?? '')) return verdictFor('timeout');
  if (UNREACHABLE_CODES.includes(code)) return verdictFor('unreachable');
  if (t.cancelled || code === 'ERR_CANCELED') return verdictFor('cancelled');
  return verdictFor('host-error');
}

function verdictFor(reason: FailureReason, waitMs?: () => number | undefined): Verdict {
  switch (reason) {
    case 'rate-limited':
    case 'host-error':
    case 'unreachable':
    case 'timeout': {
      const wait = waitMs?.();
      return wait === undefined ? { verdict: 'retry', reason } : { verdict: 'retry', reason, waitMs: wait };
    }
    case 'not-found':
    case 'rejected':
    case 'redirected':
      return { verdict: 'skip', reason };
    default:
      return { verdict: 'abort', reason };
  }
}

/** The error code of a retry verdict (the codes tests and operators know). */
export function hostErrorCode(reason: 'rate-limited' | 'host-error' | 'unreachable' | 'timeout'): 'HOST_RATE_LIMITED' | 'HOST_ERROR' | 'HOST_UNREACHABLE' {
  if (reason === 'rate-limited') return 'HOST_RATE_LIMITED';
  return reason === 'host-error' ? 'HOST_ERROR' : 'HOST_UNREACHABLE';
}

/** Parse Retry-After (seconds or HTTP date) into ms. */
export function retryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = String(value);
  const secs = Number(s);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(s);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// ---- between attempts (withRetry) ---------------------------------------------------------

/** Longest server-requested wait honoured before giving up, unless the caller says otherwise. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 15 * 60_000;

/** A thrown error worth another attempt: the host's trouble (429, 5xx, timeouts), not our credentials or input. */
export function isRetryable(err: unknown): err is ExternalHostError {
  return err instanceof ExternalHostError && err.code !== 'AUTH_FAILED';
}

export type NextAttempt =
  | { verdict: 'retry'; waitMs?: number }
  | { verdict: 'abort'; reason: 'not-retryable' | 'exhausted' | 'wait-too-long' };

/**
 * After a failed attempt: retry (after the server's wait, if it gave one; else the retry
 * library's jittered backoff), or give up: not retryable, no retries left, or the server
 * asks for a longer wait than `maxRetryAfterMs`.
 */
export function nextAttempt(err: unknown, retriesLeft: number, maxRetryAfterMs: number = DEFAULT_MAX_RETRY_AFTER_MS): NextAttempt {
  if (!isRetryable(err)) return { verdict: 'abort', reason: 'not-retryable' };
  if (retriesLeft <= 0) return { verdict: 'abort', reason: 'exhausted' };
  const wait = err.retryAfterMs;
  if (wait === undefined || wait <= 0) return { verdict: 'retry' };
  if (wait > maxRetryAfterMs) return { verdict: 'abort', reason: 'wait-too-long' };
  return { verdict: 'retry', waitMs: wait };
}

/**
 * When the host allows the next call, for a rate-limited failure that named a wait (an
 * ExternalHostError HOST_RATE_LIMITED with retryAfterMs: Retry-After,
 * X-RateLimit-ToWait-Sec, Qualys SECONDS_TO_WAIT) that withRetry did not wait out.
 */
export function rateLimitedUntil(err: unknown, now: Date): Date | undefined {
  if (!(err instanceof ExternalHostError) || err.code !== 'HOST_RATE_LIMITED') return undefined;
  const wait = err.retryAfterMs;
  return wait !== undefined && wait > 0 ? new Date(now.getTime() + wait) : undefined;
}

/** Transport codes after which a write may have been applied although we saw no answer. */
const AMBIGUOUS_TRANSPORT_CODES: readonly string[] = ['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE'];

/**
 * A write that failed this way may have been applied (timeout, reset, 500/502/504), so
 * repeating it could do it twice (Jira has no idempotency key on create,
 * jira-and-peers.md §1.2). 429 and 503 mean the request was not processed.
 */
export function isAmbiguousWriteFailure(err: unknown): boolean {
  if (!(err instanceof ExternalHostError)) return false;
  if (err.status !== undefined) return [500, 502, 504].includes(err.status);
  const code = (err.cause as { code?: string } | undefined)?.code ?? '';
  return err.code === 'HOST_UNREACHABLE' ? AMBIGUOUS_TRANSPORT_CODES.includes(code) : err.code === 'HOST_ERROR';
}

// ---- the pipeline: a thrown error stops the cycle or only its item ------------------------

/** How far a thrown error reaches: our cancel, our credentials, the host, or only this item. */
export type FailureScope = 'cancelled' | 'credentials' | 'host' | 'item';

/** The scope of a thrown error, by its VulnbridgeError code (anything else is the item's). */
export function failureScope(err: unknown): FailureScope {
  switch (err instanceof VulnbridgeError ? err.code : undefined) {
    case 'ABORTED':
      return 'cancelled';
    case 'AUTH_FAILED':
      return 'credentials';
    case 'HOST_UNREACHABLE':
    case 'HOST_RATE_LIMITED':
    case 'HOST_ERROR':
      return 'host';
    default:
      return 'item';
  }
}

/**
 * Ticket work: the host is down or we are not allowed in, so stop the cycle (nothing more
 * will work); anything else is this item's failure: record it and go on.
 */
export function isFatalForCycle(err: unknown): boolean {
  return failureScope(err) !== 'item';
}

/**
 * Work that may fail on its own without failing the cycle (a stored webhook payload, an
 * optional check): only a cancel or refused credentials stop everything; host trouble
 * counts against the item, which is tried again next cycle.
 */
export function isFatalForOptionalWork(err: unknown): boolean {
  const scope = failureScope(err);
  return scope === 'cancelled' || scope === 'credentials';
}

/** The call was cancelled (our signal or the run's timeout): always passed up as is. */
export function isCancelled(err: unknown): boolean {
  return failureScope(err) === 'cancelled';
}

// ---- delivery (the incident outbox) ------------------------------------------------------

/** Outbox backoff without a server-given wait: 2 s, 4 s, ... up to 5 minutes. */
export function deliveryBackoffMs(attempts: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.min(attempts + 1, 9));
}

export type DeliveryVerdict =
  /** The endpoint will not take this event as it is: set it aside with the reason. */
  | { verdict: 'skip' }
  /** Keep it queued and send again after `waitMs`; `pauseLane`: the endpoint throttled us, hold its whole lane. */
  | { verdict: 'retry'; waitMs: number; pauseLane: boolean };

/** What the outbox does with an event whose send failed after `attempts` earlier failures. */
export function deliveryVerdict(err: unknown, attempts: number): DeliveryVerdict {
  if (err instanceof VulnbridgeError && err.code === 'SINK_REJECTED') return { verdict: 'skip' };
  const host = err instanceof ExternalHostError ? err : undefined;
  return { verdict: 'retry', waitMs: host?.retryAfterMs ?? deliveryBackoffMs(attempts), pauseLane: host?.code === 'HOST_RATE_LIMITED' };
}
