import { ExternalHostError, SourceError, VulnbridgeError } from '../../errors.js';
import { createHttpClient, hostOf, transportError, type AxiosInstance } from '../../http/client.js';
import { httpVerdict } from '../../http/failurePolicy.js';
import { withRetry } from '../../http/retry.js';
import { redactString } from '../../redact.js';
import { QUALYS_RULES, qualysWaitMs, waitForRateLimit, type QualysApiOptions } from '../qualys-vmdr/qualysApi.js';
import { QualysRateLimits } from '../qualys-vmdr/qualysRateLimits.js';
import { parseSimpleReturn } from '../qualys-vmdr/simpleReturn.js';
import { describeServiceError, readServiceResponse, type Json, type ServiceResponse } from './serviceResponse.js';

/** The same connection options as the VMDR API (one API server, one account). */
export type WasApiOptions = QualysApiOptions;

/** Response codes that mean the login or its permissions are wrong (QPS `responseCode`). */
const AUTH_CODES = new Set(['INVALID_CREDENTIALS', 'UNAUTHORIZED']);

/**
 * The Qualys QPS REST API (`/qps/rest/3.0/...`) in its JSON form: Basic auth plus
 * `X-Requested-With`, JSON ServiceRequest in, JSON ServiceResponse out. QualysApi
 * (qualys-vmdr) posts forms and streams XML, so this is its JSON sibling; it shares
 * QualysRateLimits and the retry policy (409/429/5xx retried, server waits honoured).
 */
export class WasApi {
  readonly host: string;
  readonly limits = new QualysRateLimits();
  private readonly http: AxiosInstance;

  constructor(private readonly opts: WasApiOptions) {
    this.host = hostOf(opts.baseUrl);
    this.http = createHttpClient({
      baseURL: opts.baseUrl.replace(/\/+$/, ''),
      timeoutMs: opts.timeoutMs,
      auth: { username: opts.username, password: opts.password },
      headers: {
        'User-Agent': opts.userAgent,
        'X-Requested-With': opts.requestedWith,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      rules: QUALYS_RULES,
    });
  }

  /** POST `body` as JSON; resolves with a SUCCESS ServiceResponse whose `data` items are unwrapped from `recordName`. */
  async search(path: string, body: unknown, recordName: string, what: string, signal: AbortSignal): Promise<ServiceResponse> {
    return withRetry(
      async () => {
        await waitForRateLimit(this, this.opts, path, what, signal);
        return this.attempt(path, body, recordName, what, signal);
      },
      { ...this.opts.retry, what: `POST ${path} (${what})`, log: this.opts.log, sleep: this.opts.sleep, signal },
    );
  }

  private async attempt(path: string, body: unknown, recordName: string, what: string, signal: AbortSignal): Promise<ServiceResponse> {
    let res;
    try {
      // Text, not axios' JSON parsing: a body that is not JSON must become our error, not axios'.
      res = await this.http.post<string>(path, JSON.stringify(body), { responseType: 'text', transformResponse: (d: unknown) => d, signal });
    } catch (err) {
      if (signal.aborted) throw new VulnbridgeError('ABORTED', `${what} was cancelled`, { host: this.host, cause: err });
      throw transportError(err, this.host, `Qualys ${what}`);
    }
    const limits = this.limits.record(path, res.headers as Record<string, unknown>);
    const status = res.status;
    const text = typeof res.data === 'string' ? res.data : '';
    const json = parseJson(text);
    const parsed = 'value' in json ? json.value : undefined;
    const sr = readServiceResponse(parsed, recordName);
    const detail = sr ? describeServiceError(sr) : `HTTP ${status}`;

    const verdict = httpVerdict({ status, retryAfter: res.headers['retry-after'] }, QUALYS_RULES);

    if ((verdict.verdict === 'abort' && verdict.reason === 'auth') || (sr && AUTH_CODES.has(sr.responseCode))) throw this.authError(status, sr);
    if (verdict.verdict === 'retry' && verdict.reason === 'rate-limited') {
      // A 409 comes as the VM API's XML SIMPLE_RETURN (CODE 1965, SECONDS_TO_WAIT), not JSON.
      const wait = qualysWaitMs(sr ? undefined : parseSimpleReturn(text), limits.toWaitSec, verdict.waitMs);
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
    if (verdict.verdict !== 'ok' || (sr && sr.responseCode !== 'SUCCESS')) {
      throw new SourceError('SOURCE_FAILED', `Qualys refused ${what}: ${status >= 300 || status < 200 ? `HTTP ${status} ` : ''}${detail}`, {
        host: this.host,
        path,
        hint: hintFor(status, sr?.responseCode),
      });
    }
    if (!sr && 'syntaxError' in json) {
      // JSON from the API server that does not parse (cut or broken): not a wrong URL.
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys ${what} answered invalid JSON: ${json.syntaxError}`, {
        host: this.host,
        path,
        hint: 'the API server sent a broken answer; nothing of this pull was applied and the cursor stays, so the next cycle asks again',
      });
    }
    if (!sr) {
      const reason = 'html' in json ? 'HTML, not JSON' : parsed === undefined ? 'not JSON' : 'no ServiceResponse';
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys ${what} answered ${reason}: ${redactString(text.slice(0, 200))}`, {
        host: this.host,
        path,
        hint: 'the URL must be the API server of the platform (qualysapi.<platform>.apps.qualys.com), not the web UI',
      });
    }
    return sr;
  }

  private authError(status: number, sr: ServiceResponse | undefined): ExternalHostError {
    const noPermission = sr?.responseCode === 'UNAUTHORIZED';
    return new ExternalHostError(
      'AUTH_FAILED',
      noPermission
        ? `Qualys ${this.host} says the user in ${this.opts.credentialNames} may not use the WAS API (${describeServiceError(sr)})`
        : `Qualys rejected the username/password for ${this.host}: check ${this.opts.credentialNames}`,
      {
        host: this.host,
        status,
        hint: 'the user needs the WAS module and the "API Access" permission, and the URL must be the API server of its platform',
      },
    );
  }
}

type ParsedBody = { value: Json } | { empty: true } | { html: true } | { syntaxError: string };

/**
 * The body as JSON; an HTML page (a web UI or login page) is told apart from JSON that
 * does not parse, whose error names line, column and a short redacted excerpt.
 */
function parseJson(text: string): ParsedBody {
  const trimmed = text.trim();
  if (!trimmed) return { empty: true };
  try {
    return { value: JSON.parse(text) as Json };
  } catch (err) {
    if (trimmed.startsWith('<')) return { html: true };
    return { syntaxError: describeJsonSyntaxError(text, err) };
  }
}

/** How many characters of the body around a JSON syntax error are quoted. */
const EXCERPT_RADIUS = 40;
/** Longer than any credential: the window redacted before the excerpt is cut from it. */
const SECRET_MARGIN = 256;

/** `Expected ',' or '}' after property value at line 3, column 17 (near "…"severity": "1" "type"…")`. */
export function describeJsonSyntaxError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /at position (\d+)/.exec(message);
  const what = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^JSON\.parse:\s*/, '') || 'syntax error';
  // Without a position (end of input), the error is at the end of the body.
  const pos = match ? Math.min(Number(match[1]), text.length) : text.length;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  // Redact a wider window first, so a secret cut at the excerpt's edge leaves no fragment.
  const wideFrom = Math.max(0, pos - EXCERPT_RADIUS - SECRET_MARGIN);
  const wideTo = Math.min(text.length, pos + EXCERPT_RADIUS + SECRET_MARGIN);
  const head = redactString(text.slice(wideFrom, wideTo));
  const center = redactString(text.slice(wideFrom, pos)).length;
  const from = Math.max(0, center - EXCERPT_RADIUS);
  const to = Math.min(head.length, center + EXCERPT_RADIUS);
  const excerpt = head.slice(from, to).replace(/\s+/g, ' ');
  const cutBefore = wideFrom + from > 0;
  const cutAfter = to < head.length || wideTo < text.length;
  return `${what} at line ${line}, column ${column} (near "${cutBefore ? '…' : ''}${excerpt}${cutAfter ? '…' : ''}")`;
}

function hintFor(status: number, code: string | undefined): string {
  if (code === 'INVALID_REQUEST') return 'check the filters of this source (field names and values: docs.qualys.com WAS API "Search Findings")';
  if (status === 403) return 'the Qualys user lacks the WAS module or API access';
  if (status >= 300 && status < 400) return 'the URL is probably not the API server of this subscription\'s platform (qualysapi.<platform>.apps.qualys.com)';
  return 'check the source configuration';
}
