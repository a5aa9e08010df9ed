import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { createHttpClient, hostOf, transportError, type AxiosInstance } from '../../http/client.js';
import { hostErrorCode, httpVerdict, type VendorRules } from '../../http/failurePolicy.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import type { Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import { redactString } from '../../redact.js';
import { GatewayAuth, type Clock } from './gatewayAuth.js';
import { nextPaginationQuery } from './linkHeader.js';
import type { CsObjectKind } from './qualysCsConfig.js';

export type QualysCsRetryTuning = Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs' | 'maxRetryAfterMs'>;

export interface QualysCsApiOptions {
  gateway: string;
  apiVersion: string;
  username: string;
  password: string;
  /** Where the credentials come from, for messages: `QUALYS_USERNAME/QUALYS_PASSWORD`. Never values. */
  credentialNames: string;
  timeoutMs: number;
  now: Clock;
  log: Logger;
  sleep: Sleep;
  retry?: QualysCsRetryTuning;
}

export interface CsListPage {
  records: unknown[];
  /** paginationQuery of the next page; undefined on the last. */
  next: string | undefined;
}

/**
 * What the CS API means differently from the default ladder: a 401 is handed back so
 * the token is renewed once and the call repeated (get); a 403 refuses this call
 * (module or "CS API Access"), reported as SOURCE_FAILED.
 */
export const QUALYS_CS_RULES: VendorRules = { statuses: { 401: 'pass', 403: 'rejected' } };

interface RawResponse {
  status: number;
  text: string;
  headers: Record<string, unknown>;
}

/**
 * The Container Security API on the gateway (qualys.md §4): JWT bearer auth (renewed
 * before expiry, and once after a 401), JSON bodies, 429/5xx/timeouts retried.
 */
export class QualysCsApi {
  readonly host: string;
  private readonly http: AxiosInstance;
  private readonly auth: GatewayAuth;
  private readonly base: string;

  constructor(private readonly opts: QualysCsApiOptions) {
    const gateway = opts.gateway.replace(/\/+$/, '');
    this.host = hostOf(gateway);
    this.base = `/csapi/${opts.apiVersion}`;
    this.http = createHttpClient({ baseURL: gateway, timeoutMs: opts.timeoutMs });
    this.auth = new GatewayAuth({
      http: this.http,
      host: this.host,
      username: opts.username,
      password: opts.password,
      credentialNames: opts.credentialNames,
      now: opts.now,
      log: opts.log,
      sleep: opts.sleep,
      retry: opts.retry,
    });
  }

  /** Path of the bulk list, e.g. `/csapi/v1.3/images/list`. */
  listPath(kind: CsObjectKind): string {
    return `${this.base}/${kind}/list`;
  }

  /** Path of one object's vulnerabilities. */
  vulnPath(kind: CsObjectKind, sha: string): string {
    return `${this.base}/${kind}/${encodeURIComponent(sha)}/vuln`;
  }

  /** One page of the bulk list; `paginationQuery` undefined for the first. */
  async listPage(kind: CsObjectKind, q: { limit: number; filter?: string; paginationQuery?: string }, what: string, signal: AbortSignal): Promise<CsListPage> {
    const path = this.listPath(kind);
    const params: Record<string, string> = { limit: String(q.limit) };
    if (q.filter) params.filter = q.filter;
    if (q.paginationQuery) params.paginationQuery = q.paginationQuery;
    const res = await this.get(path, params, what, signal);
    const body = this.parseJson(res.text, path, what);
    const records = Array.isArray(body) ? body : isRecord(body) ? (body.data === null ? [] : body.data) : undefined;
    if (!Array.isArray(records)) {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys CS answered ${what} without a data list`, {
        host: this.host,
        path,
        hint: 'the URL must be the API gateway (https://gateway.<platform>.apps.qualys.com)',
      });
    }
    return { records, next: nextPaginationQuery(res.headers.link) };
  }

  /** An object's vulnerability list; undefined when the object is gone (404). */
  async vulns(kind: CsObjectKind, sha: string, type: string, what: string, signal: AbortSignal): Promise<unknown[] | undefined> {
    const path = this.vulnPath(kind, sha);
    const res = await this.get(path, { type }, what, signal, [404]);
    if (res.status === 404) return undefined;
    if (res.status === 204) return [];
    const body = this.parseJson(res.text, path, what);
    // `details: null` is an object without vulnerabilities. A body without the key is not
    // an answer: read as "no vulnerabilities" it would close every ticket of the object.
    const list = Array.isArray(body) ? body : isRecord(body) && Object.hasOwn(body, 'details') ? (body.details ?? []) : undefined;
    if (!Array.isArray(list)) {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys CS answered ${what} without a details list: ${snippet(res.text)}`, { host: this.host, path });
    }
    return list;
  }

  /** A GET with the bearer token: on a 401 the token is renewed once and the call repeated. */
  private async get(path: string, params: Record<string, string>, what: string, signal: AbortSignal, accept: number[] = []): Promise<RawResponse> {
    for (let round = 0; ; round++) {
      const jwt = await this.auth.jwt(signal);
      const res = await withRetry(() => this.attempt(path, params, jwt, what, signal, accept), {
        ...this.opts.retry,
        what: `GET ${path} (${what})`,
        log: this.opts.log,
        sleep: this.opts.sleep,
        signal,
      });
      if (res.status !== 401) return res;
      if (round > 0) throw this.auth.authFailed(401, `rejected a fresh token for ${what}`);
      this.opts.log.info('Qualys gateway token rejected, logging in again', { host: this.host, what });
      this.auth.invalidate(jwt);
    }
  }

  private async attempt(path: string, params: Record<string, string>, jwt: string, what: string, signal: AbortSignal, accept: number[]): Promise<RawResponse> {
    let res;
    try {
      res = await this.http.get<string>(path, {
        params,
        responseType: 'text',
        signal,
        headers: { Accept: 'application/json', Authorization: `Bearer ${jwt}` },
      });
    } catch (err) {
      if (signal.aborted) throw new VulnbridgeError('ABORTED', `${what} was cancelled`, { host: this.host, cause: err });
      throw transportError(err, this.host, `Qualys CS ${what}`);
    }
    const status = res.status;
    const text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    const headers = res.headers as Record<string, unknown>;
    const verdict = httpVerdict({ status, retryAfter: headers['retry-after'] }, QUALYS_CS_RULES, accept);
    if (verdict.verdict === 'ok') return { status, text, headers };
    const said = text.trim() ? `: ${snippet(text)}` : '';
    if (verdict.verdict === 'retry') {
      const limited = verdict.reason === 'rate-limited';
      throw new ExternalHostError(hostErrorCode(verdict.reason), `Qualys CS ${limited ? 'limited' : 'failed'} ${what} (HTTP ${status})`, {
        host: this.host,
        status,
        retryAfterMs: verdict.waitMs,
      });
    }
    if (status === 403) {
      throw new SourceError('SOURCE_FAILED', `Qualys CS refused ${what}: HTTP 403${said}`, {
        host: this.host,
        path,
        hint: 'the user needs the Container Security module and "CS API Access"',
      });
    }
    throw new SourceError('SOURCE_FAILED', `Qualys CS refused ${what}: HTTP ${status}${said}`, {
      host: this.host,
      path,
      hint: status === 400 ? 'check the QQL `filter` of this source' : 'check the source configuration',
    });
  }

  private parseJson(text: string, path: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys CS answered ${what} with a body that is not JSON: ${snippet(text)}`, {
        host: this.host,
        path,
        hint: 'the URL must be the API gateway (https://gateway.<platform>.apps.qualys.com), not a proxy or login page',
      });
    }
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function snippet(text: string): string {
  const one = redactString(text).replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}
