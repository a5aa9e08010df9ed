import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { createHttpClient, hostOf, transportError, type AxiosInstance } from '../../http/client.js';
import { httpVerdict, type VendorRules } from '../../http/failurePolicy.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import type { Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import { redactString } from '../../redact.js';

export type XrayRetryTuning = Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs' | 'maxRetryAfterMs'>;

export type XrayAuth = { token: string } | { username: string; password: string };

export interface XrayApiOptions {
  /** JFrog Platform URL without trailing slash. */
  baseUrl: string;
  auth: XrayAuth;
  /** Where the credential comes from, for messages: `XRAY_TOKEN`. Never the value. */
  credentialNames: string;
  timeoutMs: number;
  projectKey?: string;
  log: Logger;
  sleep: Sleep;
  retry?: XrayRetryTuning;
}

/** Get Violations request body (§1.2). */
export interface ViolationsRequest {
  filters: Record<string, string | boolean>;
  pagination: { limit: number; offset: number; order_by: 'created'; direction: 'asc' };
}

export interface ViolationsPage {
  total?: number;
  violations: unknown[];
}

export const VIOLATIONS_PATH = '/xray/api/v1/violations';
export const WATCHES_PATH = '/xray/api/v2/watches';

/**
 * What Xray means differently from the default ladder: a 403 refuses this call (Read
 * permission on the watch's resources), reported as SOURCE_FAILED, not a failed login.
 */
export const XRAY_RULES: VendorRules = { statuses: { 403: 'rejected' } };

interface RawResponse {
  status: number;
  text: string;
}

/**
 * The Xray REST API on the JFrog Platform URL: JSON in and out, Bearer or Basic auth,
 * 429/5xx/timeouts retried. Statuses a caller handles itself (403 on Get Watches, 404
 * on a details URL) are passed back instead of thrown.
 */
export class XrayApi {
  readonly host: string;
  readonly baseUrl: string;
  private readonly http: AxiosInstance;

  constructor(private readonly opts: XrayApiOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.host = hostOf(this.baseUrl);
    this.http = createHttpClient({
      baseURL: this.baseUrl,
      timeoutMs: opts.timeoutMs,
      ...('token' in opts.auth
        ? { headers: { Authorization: `Bearer ${opts.auth.token}` } }
        : { auth: { username: opts.auth.username, password: opts.auth.password } }),
    });
  }

  /** One page of Get Violations; `what` names it in errors (`watch prod page 3`). */
  async listViolations(body: ViolationsRequest, what: string, signal: AbortSignal): Promise<ViolationsPage> {
    const res = await this.call('POST', VIOLATIONS_PATH, what, signal, { body });
    const parsed = this.parseJson(res.text, what);
    const total = isRecord(parsed) && typeof parsed.total_violations === 'number' ? parsed.total_violations : undefined;
    // Go writes an empty list as null (or drops it with omitempty): with a total it is still an answer.
    const violations = isRecord(parsed) ? (parsed.violations ?? (total !== undefined ? [] : undefined)) : undefined;
    if (!Array.isArray(violations)) {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Xray answered ${what} without a violations list`, {
        host: this.host,
        path: VIOLATIONS_PATH,
        hint: 'the URL must be the JFrog Platform URL (https://<name>.jfrog.io) with Xray installed',
      });
    }
    return { total, violations };
  }

  /**
   * GET one violation's details by the query of its `violation_details_url` (§1.4: the
   * host Xray writes may be internal, so only the query is kept). Undefined when gone (404).
   */
  async violationDetails(query: string, what: string, signal: AbortSignal): Promise<unknown> {
    const res = await this.call('GET', `${VIOLATIONS_PATH}?${query}`, what, signal, { accept: [404] });
    if (res.status === 404) return undefined;
    return this.parseJson(res.text, what);
  }

  /**
   * Get Watches. Names when listed; otherwise the status that prevented it (403/404:
   * the user may lack "Manage Watches" or the API version).
   */
  async watchNames(signal: AbortSignal): Promise<{ names: string[] } | { status: number }> {
    const res = await this.call('GET', WATCHES_PATH, 'Get Watches', signal, { accept: [403, 404], noProject: true });
    if (res.status !== 200) return { status: res.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      return { status: res.status };
    }
    if (!Array.isArray(parsed)) return { status: res.status };
    const names = parsed
      .map((w) => (isRecord(w) && isRecord(w.general_data) ? w.general_data.name : undefined))
      .filter((n): n is string => typeof n === 'string');
    return { names };
  }

  private parseJson(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Xray answered ${what} with a body that is not JSON: ${snippet(text)}`, {
        host: this.host,
        path: VIOLATIONS_PATH,
        hint: 'the URL must be the JFrog Platform URL (https://<name>.jfrog.io), not a proxy or login page',
      });
    }
  }

  private call(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    signal: AbortSignal,
    opts: { body?: unknown; accept?: number[]; noProject?: boolean } = {},
  ): Promise<RawResponse> {
    return withRetry(() => this.attempt(method, path, what, signal, opts), {
      ...this.opts.retry,
      what: `${method} ${path.split('?')[0]} (${what})`,
      log: this.opts.log,
      sleep: this.opts.sleep,
      signal,
    });
  }

  private async attempt(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    signal: AbortSignal,
    opts: { body?: unknown; accept?: number[]; noProject?: boolean },
  ): Promise<RawResponse> {
    let res;
    try {
      res = await this.http.request<string>({
        method,
        url: path,
        data: opts.body,
        params: this.opts.projectKey && !opts.noProject ? { projectKey: this.opts.projectKey } : undefined,
        responseType: 'text',
        signal,
        headers: opts.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      });
    } catch (err) {
      if (signal.aborted) throw new VulnbridgeError('ABORTED', `${what} was cancelled`, { host: this.host, cause: err });
      throw transportError(err, this.host, `Xray ${what}`);
    }
    const status = res.status;
    const text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    const verdict = httpVerdict({ status, retryAfter: res.headers['retry-after'] }, XRAY_RULES, opts.accept);
    if (verdict.verdict === 'ok') return { status, text };

    const detail = xrayErrorText(text);
    const said = detail ? `: ${detail}` : '';
    if (verdict.verdict === 'abort') {
      throw new ExternalHostError('AUTH_FAILED', `Xray rejected the credentials for ${this.host}: check ${this.opts.credentialNames}`, {
        host: this.host,
        status,
        hint: 'use a JFrog access token (API keys are end-of-life) and the JFrog Platform URL',
      });
    }
    if (status === 403) {
      throw new SourceError('SOURCE_FAILED', `Xray refused ${what}: HTTP 403${said}`, {
        host: this.host,
        path: path.split('?')[0],
        hint: 'the user needs Read permission on the resources of the watch (repositories, builds, release bundles) in the JFrog Platform',
      });
    }
    if (verdict.verdict === 'retry' && verdict.reason === 'rate-limited') {
      throw new ExternalHostError('HOST_RATE_LIMITED', `Xray limited ${what} (HTTP 429${said})`, {
        host: this.host,
        status,
        retryAfterMs: verdict.waitMs,
      });
    }
    if (verdict.verdict === 'retry') {
      throw new ExternalHostError('HOST_ERROR', `Xray failed ${what} (HTTP ${status}${said})`, {
        host: this.host,
        status,
        retryAfterMs: verdict.waitMs,
        // JFrog KB 000005950: list APIs give up after 30 s with "failed to get ..." (§1.7).
        hint: 'Xray may be overloaded; a smaller pageSize makes each call cheaper',
      });
    }
    if (status === 400) {
      throw new SourceError('SOURCE_FAILED', `Xray rejected ${what}: HTTP 400${said}`, {
        host: this.host,
        path: path.split('?')[0],
        hint: 'check the watches, types, minSeverity and projectKey of this source',
      });
    }
    throw new SourceError('SOURCE_FAILED', `Xray refused ${what}: HTTP ${status}${said}`, {
      host: this.host,
      path: path.split('?')[0],
      hint:
        status >= 300 && status < 400
          ? 'the URL is probably not the JFrog Platform URL (https://<name>.jfrog.io)'
          : 'check the URL (JFrog Platform URL) and that Xray is installed',
    });
  }
}

/** Xray errors are `{"error":"..."}` (sometimes `{"errors":[{"message":...}]}`); else a body snippet. */
function xrayErrorText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) {
      if (typeof parsed.error === 'string') return redactString(parsed.error);
      if (Array.isArray(parsed.errors)) {
        const msgs = parsed.errors.map((e) => (isRecord(e) && typeof e.message === 'string' ? e.message : '')).filter(Boolean);
        if (msgs.length) return redactString(msgs.join('; '));
      }
    }
  } catch {
    // Not JSON: fall through to a snippet.
  }
  return snippet(text);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return redactString(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
