export interface RateLimitState {
  limit?: number;
  windowSec?: number;
  remaining?: number;
  toWaitSec?: number;
  concurrencyLimit?: number;
  concurrencyRunning?: number;
}

type HeaderBag = Record<string, unknown>;

function num(headers: HeaderBag, name: string): number | undefined {
  const raw = headers[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * What the rate-limit headers of the last response of each API function said.
 * Qualys sends `X-RateLimit-*` and `X-Concurrency-Limit-*` on every VM/PC API response
 * and counts limits per API function over a sliding window (qualys.md §1 "Rate /
 * concurrency limits": debug.qualys.com …/http_headers.htm; discussions.qualys.com
 * DOC-2681), so state is kept per API path.
 *
 * Concurrency: a source makes its calls strictly one after another (pages, then KB
 * batches, then Host List batches), so it never has more than one call running and
 * stays under `X-Concurrency-Limit-Limit` (2 on the standard tier) on its own; when
 * other clients of the same account use the slots, Qualys answers 409 CODE 1960 and
 * we wait and retry (QualysApi).
 */
export class QualysRateLimits {
  private readonly byApi = new Map<string, RateLimitState>();

  record(api: string, headers: HeaderBag): RateLimitState {
    const state: RateLimitState = {
      limit: num(headers, 'x-ratelimit-limit'),
      windowSec: num(headers, 'x-ratelimit-window-sec'),
      remaining: num(headers, 'x-ratelimit-remaining'),
      toWaitSec: num(headers, 'x-ratelimit-towait-sec'),
      concurrencyLimit: num(headers, 'x-concurrency-limit-limit'),
      concurrencyRunning: num(headers, 'x-concurrency-limit-running'),
    };
    this.byApi.set(api, state);
    return state;
  }

  get(api: string): RateLimitState | undefined {
    return this.byApi.get(api);
  }

  /**
   * How long to wait before the next call to `api`: the whole `X-RateLimit-ToWait-Sec`
   * when the last response said no calls remain (waiting the full value is the safe
   * side of a sliding window; qualysdk does the same, plus 3 s). Consumes the wait.
   */
  takeWaitMs(api: string): number {
    const state = this.byApi.get(api);
    if (!state || state.remaining !== 0 || !state.toWaitSec || state.toWaitSec <= 0) return 0;
    const ms = state.toWaitSec * 1000;
    state.toWaitSec = 0;
    return ms;
  }
}
