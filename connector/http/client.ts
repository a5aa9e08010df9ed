import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { ExternalHostError, VulnbridgeError } from '../errors.js';
import { redactString } from '../redact.js';

export interface HttpClientOptions {
  baseURL: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  auth?: { username: string; password: string };
}

/**
 * The one HTTP client factory: every vendor API adds base URL, auth and pagination
 * on top of this. Errors come out as VulnbridgeErrors naming the host.
 */
export function createHttpClient(opts: HttpClientOptions): AxiosInstance {
  return axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 300_000,
    headers: { 'User-Agent': 'vulnbridge', ...opts.headers },
    auth: opts.auth,
    // We decide ourselves what a status means.
    validateStatus: () => true,
    maxRedirects: 0,
  });
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
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

/**
 * Map a transport failure (refused, DNS, timeout, reset) to an error that names the
 * host and says what to check. HTTP statuses are mapped by the caller, which knows
 * what its API means by them.
 */
export function transportError(err: unknown, host: string, what: string): VulnbridgeError {
  if (err instanceof VulnbridgeError) return err;
  const ax = err as AxiosError;
  const code = ax?.code ?? '';
  const message = redactString(ax?.message ?? String(err));
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return new ExternalHostError('HOST_UNREACHABLE', `${what} timed out`, { host, hint: 'the host is slow or overloaded; it will be retried', cause: err });
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(code)) {
    return new ExternalHostError('HOST_UNREACHABLE', `${what} failed: cannot reach host (${code})`, {
      host,
      hint: 'check the URL in the config and that this machine can reach it',
      cause: err,
    });
  }
  if (axios.isCancel(err) || code === 'ERR_CANCELED') {
    return new VulnbridgeError('ABORTED', `${what} was cancelled`, { host });
  }
  return new ExternalHostError('HOST_ERROR', `${what} failed: ${message}`, { host, cause: err });
}

export type { AxiosInstance, AxiosRequestConfig };
