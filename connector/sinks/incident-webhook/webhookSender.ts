import path from 'node:path';
import { ConfigError, SinkError } from '../../errors.js';
import { createHttpClient } from '../../http/client.js';
import { registerSecret } from '../../redact.js';
import type { WebhookAction } from './actionSchema.js';
import { lightstepBody } from './lightstepFormat.js';
import { answerVerdict, DEFAULT_TIMEOUT_MS, postJson, quote, redirected, retryableAnswer, secretSource, type Answer } from '../../http/postJson.js';
import type { IncidentSenderDeps } from '../../incidents/senderDeps.js';
import { loadWebhookTemplate } from './templateFormat.js';
import type { IncidentEvent, IncidentSender } from '../../incidents/types.js';
import { xrayWebhookBody } from './xrayFormat.js';

/**
 * POSTs events as JSON to a webhook whose URL is a secret (Lightstep's generic REST URL
 * carries `?apiKey=`): only its host ever appears in messages. Formats: `lightstep`,
 * `xray` (Xray's own payload; a resolve sends nothing, see xrayFormat.ts), `template`.
 * It does not retry: the outbox does.
 */
export function createWebhookSender(action: WebhookAction, deps: IncidentSenderDeps): IncidentSender {
  const url = deps.secret(action.url, 'webhook URL');
  const host = checkedHost(url, action.url);
  registerUrlParts(url);
  const auth = authOf(action, deps);
  const credentials = [secretSource(action.url), ...auth.sources].join(', ');
  const toBody = bodyBuilder(action, deps);
  const http = createHttpClient({ baseURL: '', timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS });

  return {
    type: `webhook/${action.format}`,
    host,
    eventsPerMinute: action.eventsPerMinute,
    async send(event, signal) {
      const body = toBody(event);
      const what = `webhook ${event.action} ${event.dedupKey}`;
      if (body === undefined) {
        deps.log.debug('webhook format has nothing to send for this event', { host, format: action.format, action: event.action });
        return;
      }
      const answer = await postJson(http, url, body, { host, what, signal, headers: auth.headers });
      if (answer.status >= 200 && answer.status < 300) {
        deps.log.debug('webhook accepted event', { host, action: event.action, dedupKey: event.dedupKey });
        return;
      }
      throw mapAnswer(answer, host, what, credentials);
    },
  };
}

function bodyBuilder(action: WebhookAction, deps: IncidentSenderDeps): (event: IncidentEvent) => unknown {
  if (action.format === 'lightstep') return (event) => lightstepBody(event, deps.now);
  if (action.format === 'xray') return (event) => xrayWebhookBody(event, deps.now);
  if (!action.template) {
    throw new ConfigError('CONFIG_INVALID', 'webhook format `template` needs `template`: the JSON file of the body', {
      hint: 'add template: path/to/body.json to the webhook action',
    });
  }
  const template = loadWebhookTemplate(path.resolve(deps.baseDir ?? process.cwd(), action.template));
  return (event) => template.render(event);
}

/** The URL's host; a URL we cannot use is a ConfigError naming where it comes from, never its text. */
function checkedHost(url: string, ref: WebhookAction['url']): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('CONFIG_INVALID', `the webhook URL in ${secretSource(ref)} is not a URL`, { hint: 'give the full https://... address' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError('CONFIG_INVALID', `the webhook URL in ${secretSource(ref)} is not http(s)`, { hint: 'give the full https://... address' });
  }
  return parsed.host;
}

/** The whole URL is registered by deps.secret; its query values and password alone must not leak either. */
function registerUrlParts(url: string): void {
  const parsed = new URL(url);
  for (const value of parsed.searchParams.values()) registerSecret(value);
  if (parsed.password) registerSecret(decodeURIComponent(parsed.password));
  if (parsed.search.length > 1) registerSecret(parsed.search.slice(1));
}

function authOf(action: WebhookAction, deps: IncidentSenderDeps): { headers: Record<string, string>; sources: string[] } {
  const auth = action.auth;
  if (!auth) return { headers: {}, sources: [] };
  if ('bearer' in auth) {
    return { headers: { Authorization: `Bearer ${deps.secret(auth.bearer, 'webhook bearer token')}` }, sources: [secretSource(auth.bearer)] };
  }
  if ('basic' in auth) {
    const user = deps.secret(auth.basic.username, 'webhook username');
    const password = deps.secret(auth.basic.password, 'webhook password');
    const token = Buffer.from(`${user}:${password}`).toString('base64');
    registerSecret(token);
    return { headers: { Authorization: `Basic ${token}` }, sources: [secretSource(auth.basic.username), secretSource(auth.basic.password)] };
  }
  return {
    headers: { [auth.header.name]: deps.secret(auth.header.value, `webhook header ${auth.header.name}`) },
    sources: [secretSource(auth.header.value)],
  };
}

function mapAnswer(answer: Answer, host: string, what: string, credentials: string): Error {
  const retryable = retryableAnswer(answer, host, what);
  if (retryable) return retryable;
  const { status } = answer;
  const verdict = answerVerdict(answer);
  if (verdict.verdict === 'skip' && verdict.reason === 'redirected') return redirected(answer, host, what);
  // A refused key (401/403) is this event's SINK_REJECTED: the outbox sets it aside.
  if (verdict.verdict === 'abort') {
    return new SinkError('SINK_REJECTED', `the webhook at ${host} refused ${what} (${status}): check the URL and credentials in ${credentials}`, {
      host,
      hint: 'a Lightstep webhook URL carries its API key; generate a new one if it was revoked',
    });
  }
  const said = messageOf(answer.text);
  return new SinkError('SINK_REJECTED', `the webhook at ${host} rejected ${what} (${status})${said ? `: ${said}` : ''}`, {
    host,
    hint: status === 404 ? 'check the webhook URL (a deleted integration answers 404)' : 'the endpoint will not take this event as it is; it is not retried',
  });
}

/** `message` / `error` / `errors` of a JSON answer, else the text; redacted and short. */
function messageOf(text: string): string {
  if (!text.trim()) return '';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.message, body.error, body.errors, body.detail]
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => (typeof v === 'string' ? v : v !== undefined && v !== null ? JSON.stringify(v) : ''))
      .filter(Boolean);
    if (parts.length) return quote(parts.join('; '));
  } catch {
    // Not JSON: quote the text.
  }
  return quote(text);
}
