import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { ExternalHostError, VulnbridgeError } from '../errors.js';
import { redactString } from '../redact.js';
import { isRateLimitStatus, retryAfterMs, transportVerdict, type VendorRules } from './failurePolicy.js';
import { noteResponse } from './httpObserver.js';

export interface HttpClientOptions {
  baseURL: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
  /** What this vendor means by its statuses: a status its rules call rate-limited (Qualys 409) counts as throttled. */
  rules?: VendorRules;
}

/**
 * The one HTTP client factory: every vendor API adds base URL, auth and pagination
 * on top of this. Errors come out as VulnbridgeErrors naming the host.
 */
export function createHttpClient(opts: HttpClientOptions): AxiosInstance {
  const http = axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 300_000,
    headers: { 'User-Agent': 'vulnbridge', ...opts.headers },
    auth: opts.auth,
    // We decide ourselves what a status means.
    validateStatus: () => true,
    maxRedirects: 0,
  });
  // Every answer and transport failure is reported (metrics); a cancel of ours is not the host's.
  http.interceptors.response.use(
    (res) => {
      noteResponse(requestHost(res.config), res.status, isRateLimitStatus(res.status, opts.rules));
      return res;
    },
    (err: unknown) => {
      if (!axios.isCancel(err)) noteResponse(requestHost((err as AxiosError)?.config ?? {}), 'error');
      return Promise.reject(err);
    },
  );
  return http;
}

/** The host a request went to: its URL against the client's base URL. */
function requestHost(config: { baseURL?: string; url?: string }): string {
  try {
    return new URL(config.url ?? '', config.baseURL || undefined).host;
  } catch {
    return hostOf(config.baseURL || config.url || '');
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export { retryAfterMs };

/**
 * Map a transport failure (refused, DNS, timeout, reset) to an error that names the
 * host and says what to check; failurePolicy's transportVerdict decides which. HTTP
 * statuses are mapped by the caller through httpVerdict and its vendor's rules.
 */
export function transportError(err: unknown, host: string, what: string): VulnbridgeError {
  if (err instanceof VulnbridgeError) return err;
  const ax = err as AxiosError;
  const code = ax?.code ?? '';
  const message = redactString(ax?.message ?? String(err));
  const verdict = transportVerdict({ code, message, cancelled: axios.isCancel(err) });
  if (verdict.verdict === 'retry' && verdict.reason === 'timeout') {
    return new ExternalHostError('HOST_UNREACHABLE', `${what} timed out`, { host, hint: 'the host is slow or overloaded; it will be retried', cause: err });
  }
  if (verdict.verdict === 'retry' && verdict.reason === 'unreachable') {
    return new ExternalHostError('HOST_UNREACHABLE', `${what} failed: cannot reach host (${code})`, {
      host,
      hint: 'check the URL in the config and that this machine can reach it',
      cause: err,
    });
  }
  if (verdict.verdict === 'abort') {
    return new VulnbridgeError('ABORTED', `${what} was cancelled`, { host });
  }
  return new ExternalHostError('HOST_ERROR', `${what} failed: ${message}`, { host, cause: err });
}

export type { AxiosInstance, AxiosRequestConfig };
