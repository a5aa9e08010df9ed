import axios, { type AxiosError } from 'axios';
import { HttpException } from 'jira.js';
import { ExternalHostError, SinkError, VulnbridgeError, type ErrorDetails } from '../../errors.js';
import { transportError } from '../../http/client.js';
import { httpVerdict, isAmbiguousWriteFailure, type VendorRules } from '../../http/failurePolicy.js';
import { redactString } from '../../redact.js';
import { errorCollectionSchema } from './wire.js';

/**
 * What Jira means differently from the default ladder: Retry-After is read on 429 and 503
 * only (the answers that say the request was not processed).
 */
export const JIRA_RULES: VendorRules = { retryAfterOn: (status) => status === 429 || status === 503 };

export interface JiraErrorContext {
  host: string;
  /** The call, for messages: `create issues`, `GET /issue/VULN-1`. */
  what: string;
  /** Which credentials to check, naming config keys and env vars only (never values). */
  authHint: string;
}

/** Jira answered 4xx about our request: it carries the status and Jira's per-field errors. */
export class JiraRejectedError extends SinkError {
  readonly status: number;
  readonly body: unknown;
  /** `errors` of Jira's ErrorCollection: field id → message. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  readonly messages: readonly string[];
  constructor(message: string, status: number, body: unknown, details: ErrorDetails) {
    // 404 on an issue operation: someone deleted the issue; the pipeline recreates it.
    const notFound = httpVerdict({ status }, JIRA_RULES);
    super(notFound.verdict === 'skip' && notFound.reason === 'not-found' ? 'TICKET_GONE' : 'SINK_REJECTED', message, details);
    this.status = status;
    this.body = body;
    const parsed = jiraErrorsOf(body);
    this.fieldErrors = parsed.fieldErrors;
    this.messages = parsed.messages;
  }
}

/** Jira's ErrorCollection (`{errorMessages, errors}`) from any body; HTML bodies give nothing. */
export function jiraErrorsOf(body: unknown): { fieldErrors: Record<string, string>; messages: string[] } {
  const parsed = errorCollectionSchema.safeParse(body);
  if (!parsed.success) return { fieldErrors: {}, messages: [] };
  const fieldErrors: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data.errors ?? {})) fieldErrors[k] = redactString(String(v));
  return { fieldErrors, messages: (parsed.data.errorMessages ?? []).map(redactString) };
}

/** `summary: Summary can't exceed 255 characters.; Issue does not exist`, or '' when Jira said nothing usable. */
export function describeJiraErrors(body: unknown, fieldLabel: (id: string) => string = (id) => id): string {
  const { fieldErrors, messages } = jiraErrorsOf(body);
  return [...Object.entries(fieldErrors).map(([k, v]) => `${fieldLabel(k)}: ${v}`), ...messages].join('; ');
}

/**
 * `X-Seraph-LoginReason` tells a refused login even on a 200: a revoked or expired Cloud
 * token is served as anonymous on anonymous-capable endpoints (jira-and-peers.md §1.10).
 */
export function seraphRefusal(headers: unknown): string | undefined {
  const h = headers as Record<string, unknown> | undefined;
  const reason = String(h?.['x-seraph-loginreason'] ?? h?.['X-Seraph-LoginReason'] ?? '');
  return /AUTHENTICATED_FAILED|AUTHENTICATION_DENIED/.test(reason) ? reason : undefined;
}

/** The error thrown when Jira refuses the credentials, in one wording for 401s and Seraph refusals. */
export function authFailed(ctx: JiraErrorContext, status: number | undefined, cause?: unknown, captcha = false): ExternalHostError {
  return new ExternalHostError('AUTH_FAILED', `Jira at ${ctx.host} rejected the credentials: ${ctx.authHint}`, {
    host: ctx.host,
    status,
    cause,
    hint: captcha
      ? 'Jira requires a CAPTCHA after failed logins: log in once in a browser, or use a personal access token'
      : 'Cloud API tokens expire (at most a year); scoped tokens only work through api.atlassian.com',
  });
}

interface HttpFailure {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

/**
 * The one place jira.js failures become VulnbridgeErrors. jira.js 5 wraps an HTTP error
 * response in HttpException (status, `cause` = the AxiosError with headers), rethrows
 * transport AxiosErrors as they are, and wraps anything else thrown below it (our own
 * adapter errors) in HttpException(error) (node_modules/jira.js/src/clients/baseClient.ts).
 */
export function mapJiraError(err: unknown, ctx: JiraErrorContext): VulnbridgeError {
  const own = ownError(err);
  if (own) return own;
  const http = httpFailure(err);
  if (!http) {
    const inner = err instanceof HttpException ? err.response : err;
    if (axios.isAxiosError(inner) || !(inner instanceof Error)) return transportError(inner, ctx.host, ctx.what);
    return new SinkError('SINK_REJECTED', `${ctx.what} failed: ${redactString(inner.message)}`, { host: ctx.host, cause: inner });
  }
  const { status, data, headers } = http;
  const detail = describeJiraErrors(data);
  const suffix = detail ? `: ${detail}` : '';
  const base = { host: ctx.host, cause: err };
  const verdict = httpVerdict({ status, retryAfter: headers['retry-after'] }, JIRA_RULES);
  if (verdict.verdict === 'abort' && verdict.reason === 'auth') return authFailed(ctx, status, err);
  if (verdict.verdict === 'abort') {
    const captcha = /CAPTCHA/i.test(String(headers['x-authentication-denied-reason'] ?? ''));
    if (captcha || seraphRefusal(headers)) return authFailed(ctx, status, err, captcha);
    return new ExternalHostError('AUTH_FAILED', `Jira at ${ctx.host} refused ${ctx.what} (403 Forbidden)${suffix}`, {
      ...base,
      status,
      hint: 'the Jira account lacks a project permission for this (Browse projects, Create/Edit/Transition issues, Link issues, Add comments)',
    });
  }
  if (verdict.verdict === 'retry' && (verdict.reason === 'rate-limited' || status === 503)) {
    const reason = headers['ratelimit-reason'] ? ` (${String(headers['ratelimit-reason'])})` : '';
    return new ExternalHostError(
      verdict.reason === 'rate-limited' ? 'HOST_RATE_LIMITED' : 'HOST_ERROR',
      `Jira answered ${status} to ${ctx.what}${reason}${suffix}`,
      { ...base, status, retryAfterMs: verdict.waitMs, hint: 'retried after the wait Jira asks for' },
    );
  }
  if (verdict.verdict === 'retry') return new ExternalHostError('HOST_ERROR', `Jira answered ${status} to ${ctx.what}${suffix}`, { ...base, status });
  if (verdict.verdict === 'skip' && verdict.reason === 'redirected') {
    return new SinkError('SINK_SETUP_INVALID', `Jira at ${ctx.host} redirected ${ctx.what} to ${String(headers.location ?? '?')}`, {
      ...base,
      hint: 'set `url` to the address Jira redirects to (https://, context path); credentials are not sent across redirects',
    });
  }
  if (status === 410) {
    return new JiraRejectedError(`Jira at ${ctx.host} says ${ctx.what} was removed (410 Gone)${suffix}`, status, data, {
      ...base,
      hint: 'check `flavor`: Cloud removed /rest/api/*/search in favour of /rest/api/3/search/jql',
    });
  }
  const path = Object.keys(jiraErrorsOf(data).fieldErrors)[0];
  return new JiraRejectedError(`Jira rejected ${ctx.what} (${status})${suffix}`, status, data, { ...base, path });
}

function ownError(err: unknown): VulnbridgeError | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur; i++) {
    if (cur instanceof VulnbridgeError) return cur;
    cur = cur instanceof HttpException ? cur.response : undefined;
  }
  return undefined;
}

function httpFailure(err: unknown): HttpFailure | undefined {
  const ax: AxiosError | undefined = axios.isAxiosError(err)
    ? err
    : err instanceof HttpException && axios.isAxiosError(err.cause)
      ? err.cause
      : undefined;
  if (!ax?.response) return undefined;
  return { status: ax.response.status, data: ax.response.data, headers: lowerKeys(ax.response.headers) };
}

function lowerKeys(headers: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const h = headers as { toJSON?: () => Record<string, unknown> } | Record<string, unknown> | undefined;
  const plain = typeof h?.toJSON === 'function' ? (h.toJSON as () => Record<string, unknown>)() : (h as Record<string, unknown>) ?? {};
  for (const [k, v] of Object.entries(plain)) out[k.toLowerCase()] = v;
  return out;
}

/** Moved to the one failure policy; kept here for the Jira callers. */
export { isAmbiguousWriteFailure };
