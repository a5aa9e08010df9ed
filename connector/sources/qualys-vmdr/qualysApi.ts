import type { Readable } from 'node:stream';
import { secretSourceName } from '../../secrets.js';
import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { createHttpClient, hostOf, transportError, type AxiosInstance } from '../../http/client.js';
import { httpVerdict, type VendorRules } from '../../http/failurePolicy.js';
import { noteThrottleWait } from '../../http/httpObserver.js';
import { readBodyText } from '../../http/readBodyText.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import { sleep as realSleep, type Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import type { QualysParams } from './hldParams.js';
import { QualysRateLimits } from './qualysRateLimits.js';
import { describeSimpleReturn, parseSimpleReturn, type SimpleReturn } from './simpleReturn.js';

export type QualysRetryTuning = Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs' | 'maxRetryAfterMs'>;

export interface QualysApiOptions {
  baseUrl: string;
  username: string;
  password: string;
  requestedWith: string;
  userAgent: string;
  timeoutMs: number;
  /** Where the credentials come from, for messages: `QUALYS_USERNAME/QUALYS_PASSWORD`. Never values. */
  credentialNames: string;
  log: Logger;
  sleep: Sleep;
  retry?: QualysRetryTuning;
}

/**
 * What Qualys means differently from the default ladder (qualys.md §1): 409 is its
 * concurrency/rate limit (CODE 1960/1965), retried after the wait it names (a wait
 * longer than the retries honour fails the cycle and holds the job's pulls); 403 is a
 * refusal of this call (module or permission), reported as SOURCE_FAILED.
 */
export const QUALYS_RULES: VendorRules = { statuses: { 403: 'rejected', 409: 'rate-limited' } };

/** Wait on a 409 CODE 1960 when Qualys gives no time: JupiterOne's graph-qualys waits 10 s (qualys.md §1). */
const CONCURRENCY_WAIT_MS = 10_000;

/**
 * The Qualys VM API (v2-style `/api/<v>/fo/...`): form POST, Basic auth plus the
 * mandatory `X-Requested-With` header (qualys.md §1 "Auth"), rate-limit headers obeyed,
 * 409/5xx retried. `open` returns the 2xx body as a stream; what it means is the
 * caller's business.
 */
export class QualysApi {
  readonly host: string;
  /** Also the longest silence tolerated inside a response body (readWithIdleTimeout). */
  readonly timeoutMs: number;
  readonly limits = new QualysRateLimits();
  private readonly http: AxiosInstance;

  constructor(private readonly opts: QualysApiOptions) {
    this.host = hostOf(opts.baseUrl);
    this.timeoutMs = opts.timeoutMs;
    this.http = createHttpClient({
      baseURL: opts.baseUrl.replace(/\/+$/, ''),
      timeoutMs: opts.timeoutMs,
      auth: { username: opts.username, password: opts.password },
      headers: { 'User-Agent': opts.userAgent, 'X-Requested-With': opts.requestedWith },
      rules: QUALYS_RULES,
    });
  }

  /** POST `params` to `path` (form-encoded), retrying what is worth retrying; resolves with the 2xx body stream. */
  async open(path: string, params: QualysParams, what: string, signal: AbortSignal): Promise<Readable> {
    return withRetry(
      async () => {
        await waitForRateLimit(this, this.opts, path, what, signal);
        return this.attempt(path, params, what, signal);
      },
      { ...this.opts.retry, what: `POST ${path} (${what})`, log: this.opts.log, sleep: this.opts.sleep, signal },
    );
  }

  private async attempt(path: string, params: QualysParams, what: string, signal: AbortSignal): Promise<Readable> {
    let res;
    try {
      res = await this.http.post<Readable>(path, new URLSearchParams(params).toString(), {
        responseType: 'stream',
        signal,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      if (signal.aborted) throw new VulnbridgeError('ABORTED', `${what} was cancelled`, { host: this.host, cause: err });
      throw transportError(err, this.host, `Qualys ${what}`);
    }
    const limits = this.limits.record(path, res.headers as Record<string, unknown>);
    const status = res.status;
    const verdict = httpVerdict({ status, retryAfter: res.headers['retry-after'] }, QUALYS_RULES);
    if (verdict.verdict === 'ok') return res.data;

    const body = await readBodyText(res.data);
    const simple = parseSimpleReturn(body);
    const detail = simple ? describeSimpleReturn(simple) : `HTTP ${status}`;
    if (verdict.verdict === 'abort' && verdict.reason === 'auth') {
      throw new ExternalHostError('AUTH_FAILED', `Qualys rejected the username/password for ${this.host}: check ${this.opts.credentialNames}`, {
        host: this.host,
        status,
        hint: 'the user needs the "API Access" permission and the URL must be the API server of its platform (docs.qualys.com … DOC-7025)',
      });
    }
    if (verdict.verdict === 'retry' && verdict.reason === 'rate-limited') {
      const wait = qualysWaitMs(simple, limits.toWaitSec, verdict.waitMs);
      // withRetry waits this out; the same ToWait header must not make the next attempt wait again.
      this.limits.takeWaitMs(path);
      throw new ExternalHostError('HOST_RATE_LIMITED', `Qualys limited ${what} (${detail})`, {
        host: this.host,
        status,
        retryAfterMs: wait,
        // Seen only once withRetry gave up (the wait is longer than it honours, or no retries left):
        // the cycle then says when Qualys allows the next call (runCycle).
        hint: 'another client of this Qualys account may be using the API',
      });
    }
    if (verdict.verdict === 'retry') {
      throw new ExternalHostError('HOST_ERROR', `Qualys failed ${what} (${detail})`, { host: this.host, status, retryAfterMs: verdict.waitMs });
    }
    throw new SourceError('SOURCE_FAILED', `Qualys refused ${what}: HTTP ${status} ${detail}`, {
      host: this.host,
      path,
      hint: hintFor(status, simple),
    });
  }
}

/**
 * Before a call to `path`: the whole `X-RateLimit-ToWait-Sec` when the last answer said no
 * calls remain (QualysRateLimits.takeWaitMs), logged and reported as a throttle wait.
 */
export async function waitForRateLimit(
  api: { host: string; limits: QualysRateLimits },
  opts: Pick<QualysApiOptions, 'log' | 'sleep'>,
  path: string,
  what: string,
  signal: AbortSignal,
): Promise<void> {
  const ms = api.limits.takeWaitMs(path);
  if (ms <= 0) return;
  opts.log.info('Qualys rate limit reached, waiting before the next call', { host: api.host, api: path, what, waitSeconds: ms / 1000 });
  await opts.sleep(ms, signal);
  noteThrottleWait(api.host, ms);
}

/**
 * The wait of a rate-limited answer: X-RateLimit-ToWait-Sec, else Retry-After; 409 bodies
 * (qualys.md §1, samples qualys_409_code19{60,65}_*.xml) override it: CODE 1965 = rate
 * limit, wait `SECONDS_TO_WAIT`; CODE 1960 = concurrency limit, wait a short while.
 */
export function qualysWaitMs(simple: SimpleReturn | undefined, toWaitSec: number | undefined, retryAfterWaitMs: number | undefined): number | undefined {
  const header = toWaitSec && toWaitSec > 0 ? toWaitSec * 1000 : retryAfterWaitMs;
  if (simple?.code === '1965') {
    const secs = Number(simple.items.SECONDS_TO_WAIT);
    return Number.isFinite(secs) && secs > 0 ? secs * 1000 : header;
  }
  if (simple?.code === '1960') return header ?? CONCURRENCY_WAIT_MS;
  return header;
}

function hintFor(status: number, simple: SimpleReturn | undefined): string {
  // Codes from docs.qualys.com/en/vm/qweb-all-api/appendix/appendix_d.htm.
  if (simple?.code === '1901' || simple?.code === '1905' || simple?.code === '1907') return 'check the filter options and extraParams of this source';
  if (status === 403) return 'the Qualys user lacks the permission or module for this API';
  if (status >= 300 && status < 400) return 'the URL is probably not the API server of this subscription\'s platform (qualysapi.<platform>.apps.qualys.com)';
  return 'check the source configuration';
}

/** What a Qualys source's config says about reaching the API (VMDR and WAS share it). */
export interface QualysConnectionConfig {
  url: string;
  username: { env?: string; file?: string };
  password: { env?: string; file?: string };
  requestedWith: string;
  userAgent: string;
  timeoutSeconds: number;
}


/** API client options from a source's config: secrets read (and registered for redaction) here. */
export function qualysApiOptions(
  config: QualysConnectionConfig,
  deps: { secret(ref: { env?: string; file?: string }, what: string): string; sleep?: Sleep; retry?: QualysRetryTuning },
  log: Logger,
): QualysApiOptions {
  return {
    baseUrl: config.url,
    username: deps.secret(config.username, 'Qualys username'),
    password: deps.secret(config.password, 'Qualys password'),
    requestedWith: config.requestedWith,
    userAgent: config.userAgent,
    timeoutMs: config.timeoutSeconds * 1000,
    credentialNames: `${secretSourceName(config.username)}/${secretSourceName(config.password)}`,
    log,
    sleep: deps.sleep ?? realSleep,
    retry: deps.retry,
  };
}
