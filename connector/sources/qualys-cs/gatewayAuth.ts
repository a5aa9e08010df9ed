import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { transportError, type AxiosInstance } from '../../http/client.js';
import { hostErrorCode, httpVerdict } from '../../http/failurePolicy.js';
import { withRetry, type RetryOptions } from '../../http/retry.js';
import type { Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import { registerSecret } from '../../redact.js';

/** Tokens live 4 h (gateway_authentication_url.htm, qualys.md §4); renew this long before. */
export const TOKEN_RENEW_MARGIN_MS = 10 * 60_000;
/** Lifetime assumed when the JWT carries no readable `exp`: 4 h less the margin. */
export const TOKEN_ASSUMED_LIFETIME_MS = 3 * 3600_000 + 50 * 60_000;

export type Clock = () => number;

export interface GatewayAuthOptions {
  http: AxiosInstance;
  host: string;
  username: string;
  password: string;
  /** Where the credentials come from, for messages: `QUALYS_USERNAME/QUALYS_PASSWORD`. Never values. */
  credentialNames: string;
  now: Clock;
  log: Logger;
  sleep: Sleep;
  retry?: Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs' | 'maxRetryAfterMs'>;
}

interface Token {
  jwt: string;
  /** Epoch ms after which the token is renewed before use. */
  renewAt: number;
}

/**
 * The gateway's JWT: `POST /auth` (form username, password, token=true) answers the
 * token as plain text. Cached and renewed before it expires; `invalidate` drops it after
 * a 401 so the next call logs in again. Concurrent callers share one login.
 */
export class GatewayAuth {
  private token: Token | undefined;
  private pending: Promise<Token> | undefined;

  constructor(private readonly opts: GatewayAuthOptions) {}

  async jwt(signal: AbortSignal): Promise<string> {
    const t = this.token;
    if (t && this.opts.now() < t.renewAt) return t.jwt;
    this.pending ??= this.login(signal).finally(() => {
      this.pending = undefined;
    });
    const fresh = await this.pending;
    return fresh.jwt;
  }

  /** Forget `jwt` (the API answered 401 with it); a newer token fetched meanwhile is kept. */
  invalidate(jwt: string): void {
    if (this.token?.jwt === jwt) this.token = undefined;
  }

  private async login(signal: AbortSignal): Promise<Token> {
    const jwt = await withRetry(() => this.attempt(signal), {
      ...this.opts.retry,
      what: 'POST /auth (gateway token)',
      log: this.opts.log,
      sleep: this.opts.sleep,
      signal,
    });
    registerSecret(jwt);
    const now = this.opts.now();
    const exp = jwtExpiryMs(jwt);
    const renewAt = exp !== undefined ? Math.max(now, exp - TOKEN_RENEW_MARGIN_MS) : now + TOKEN_ASSUMED_LIFETIME_MS;
    this.token = { jwt, renewAt };
    this.opts.log.debug('Qualys gateway token obtained', { host: this.opts.host, renewAt: new Date(renewAt).toISOString() });
    return this.token;
  }

  private async attempt(signal: AbortSignal): Promise<string> {
    const { host } = this.opts;
    const form = new URLSearchParams({ username: this.opts.username, password: this.opts.password, token: 'true' }).toString();
    let res;
    try {
      res = await this.opts.http.post<string>('/auth', form, {
        responseType: 'text',
        signal,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      if (signal.aborted) throw new VulnbridgeError('ABORTED', 'Qualys gateway login was cancelled', { host, cause: err });
      throw transportError(err, host, 'Qualys gateway login');
    }
    const status = res.status;
    const text = typeof res.data === 'string' ? res.data.trim() : '';
    // The default ladder: 401 and 403 both mean the login is refused.
    const verdict = httpVerdict({ status, retryAfter: res.headers['retry-after'] });
    if (verdict.verdict === 'ok') {
      if (!/^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*$/.test(text)) {
        throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys gateway ${host} answered /auth without a token`, {
          host,
          path: '/auth',
          hint: 'the URL must be the API gateway (https://gateway.<platform>.apps.qualys.com), not the Qualys UI or API server',
        });
      }
      return text;
    }
    if (verdict.verdict === 'abort') throw this.authFailed(status, 'rejected the username/password');
    if (verdict.verdict === 'retry') {
      throw new ExternalHostError(hostErrorCode(verdict.reason), `Qualys gateway login failed (HTTP ${status})`, {
        host,
        status,
        retryAfterMs: verdict.waitMs,
      });
    }
    throw new SourceError('SOURCE_FAILED', `Qualys gateway login refused: HTTP ${status}`, { host, path: '/auth', hint: 'check the gateway URL of this source' });
  }

  /** AUTH_FAILED naming the gateway and where the credentials come from (never their values). */
  authFailed(status: number, what: string): ExternalHostError {
    return new ExternalHostError('AUTH_FAILED', `Qualys gateway ${this.opts.host} ${what}: check ${this.opts.credentialNames}`, {
      host: this.opts.host,
      status,
      hint: 'the user needs the Container Security module and "CS API Access" (qualys_prerequisite.htm), and the URL must be the gateway of its platform',
    });
  }
}

/** `exp` of a JWT (seconds) as epoch ms; undefined when the payload is not readable. */
export function jwtExpiryMs(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
