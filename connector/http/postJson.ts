import type { Readable } from 'node:stream';
import { ExternalHostError, SinkError } from '../errors.js';
import { transportError, type AxiosInstance } from './client.js';
import { hostErrorCode, httpVerdict, type VendorRules, type Verdict } from './failurePolicy.js';
import { readBodyText } from './readBodyText.js';
import { redactString } from '../redact.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Error bodies are short; a misbehaving endpoint must not make us buffer megabytes. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;
/** What an error message quotes of an endpoint's answer. */
const MAX_QUOTED_CHARS = 300;

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  /** The body as text, at most 16 KB (read for errors only). */
  text: string;
}

/**
 * POST a JSON body. The URL may carry a key, so nothing here puts it in an error: only
 * `host` is named. Transport failures become VulnbridgeErrors (transportError).
 */
export async function postJson(
  http: AxiosInstance,
  url: string,
  body: unknown,
  opts: { host: string; what: string; signal: AbortSignal; headers?: Record<string, string> },
): Promise<Answer> {
  try {
    const res = await http.post<Readable>(url, JSON.stringify(body), {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...opts.headers },
      responseType: 'stream',
      signal: opts.signal,
    });
    const ok = res.status >= 200 && res.status < 300;
    const text = ok ? (res.data.destroy(), '') : await readBodyText(res.data, MAX_ERROR_BODY_BYTES);
    return { status: res.status, headers: lowerKeys(res.headers), text };
  } catch (err) {
    throw transportError(err, opts.host, opts.what);
  }
}

/** A short, redacted quote of an endpoint's answer for an error message. */
export function quote(text: string): string {
  const one = redactString(text).replace(/\s+/g, ' ').trim();
  return one.length > MAX_QUOTED_CHARS ? `${one.slice(0, MAX_QUOTED_CHARS)}…` : one;
}

/** Where a secret comes from, for messages: the env var or file name, never the value. */
export function secretSource(ref: { env?: string; file?: string }): string {
  return ref.env ? `environment variable ${ref.env}` : `file ${ref.file ?? '?'}`;
}

/**
 * What incident endpoints mean differently from the default ladder: 408 is the endpoint's
 * trouble too, retried (by the outbox) like a 5xx.
 */
export const INCIDENT_RULES: VendorRules = { statuses: { 408: 'host-error' } };

/**
 * The ladder's verdict on an endpoint's answer. A refused key (abort: 401/403) is still
 * reported per event as SINK_REJECTED by the senders, so the outbox sets it aside.
 */
export function answerVerdict(answer: Answer, defaultRetryAfterMs?: number): Verdict {
  return httpVerdict({ status: answer.status, retryAfter: answer.headers['retry-after'] }, { ...INCIDENT_RULES, rateLimitWaitMs: defaultRetryAfterMs });
}

/** 429, 5xx and 408 are the endpoint's problem and worth retrying later (by the outbox). */
export function retryableAnswer(answer: Answer, host: string, what: string, defaultRetryAfterMs?: number): ExternalHostError | undefined {
  const { status } = answer;
  const verdict = answerVerdict(answer, defaultRetryAfterMs);
  if (verdict.verdict !== 'retry') return undefined;
  const detail = answer.text ? `: ${quote(answer.text)}` : '';
  if (verdict.reason === 'rate-limited') {
    return new ExternalHostError('HOST_RATE_LIMITED', `${what} was refused: too many requests (429)${detail}`, {
      host,
      status,
      retryAfterMs: verdict.waitMs,
      hint: 'the event stays queued and is sent again later; lower eventsPerMinute or group alerts (groupBy) if this repeats',
    });
  }
  return new ExternalHostError(hostErrorCode(verdict.reason), `${what} failed: the endpoint answered ${status}${detail}`, { host, status, retryAfterMs: verdict.waitMs });
}

/** 3xx: we do not follow redirects (a key-carrying request must not go elsewhere). */
export function redirected(answer: Answer, host: string, what: string): SinkError {
  const to = hostOfLocation(answer.headers.location);
  return new SinkError('SINK_REJECTED', `${what} was redirected (${answer.status})${to ? ` to host ${to}` : ''}`, {
    host,
    hint: 'set the URL to the address the endpoint redirects to',
  });
}

function hostOfLocation(location: unknown): string {
  if (typeof location !== 'string') return '';
  try {
    return new URL(location, 'http://relative.invalid').host.replace('relative.invalid', '');
  } catch {
    return '';
  }
}

function lowerKeys(headers: unknown): Record<string, unknown> {
  const h = headers as { toJSON?: () => Record<string, unknown> } | Record<string, unknown> | undefined;
  const plain = typeof h?.toJSON === 'function' ? (h.toJSON as () => Record<string, unknown>)() : ((h as Record<string, unknown>) ?? {});
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plain)) out[k.toLowerCase()] = v;
  return out;
}
