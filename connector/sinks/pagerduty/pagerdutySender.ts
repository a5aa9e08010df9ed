import { ConfigError, SinkError } from '../../errors.js';
import { createHttpClient, hostOf } from '../../http/client.js';
import { registerSecret } from '../../redact.js';
import type { PagerdutyAction } from './actionSchema.js';
import { boundedDedupKey, fitEvent } from '../../incidents/buildEvent.js';
import { jsonBytes, MAX_BODY_BYTES } from '../../incidents/fitSize.js';
import { answerVerdict, DEFAULT_TIMEOUT_MS, postJson, quote, redirected, retryableAnswer, secretSource, type Answer } from '../../http/postJson.js';
import type { IncidentSenderDeps } from '../../incidents/senderDeps.js';
import type { IncidentEvent, IncidentSender } from '../../incidents/types.js';

/** PagerDuty's advice after a 429: retry about 30 s later (xray-pagerduty-lightstep.md §3). */
export const PAGERDUTY_DEFAULT_RETRY_AFTER_MS = 30_000;

/** The Events API v2 body (PagerDuty/developer-docs events-API-v2; go-pagerduty V2Event). */
export interface PagerDutyBody {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: IncidentEvent['severity'];
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: IncidentEvent['customDetails'];
  };
  links?: Array<{ href: string; text: string }>;
  client?: string;
}

/** `https://events.pagerduty.com/integration/<key>/enqueue`: the key in the path, if the URL has that form. */
export function legacyIntegrationKey(url: string): string | undefined {
  try {
    const m = /\/integration\/([^/]+)\/enqueue\/?$/.exec(new URL(url).pathname);
    return m?.[1] ? decodeURIComponent(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function pagerDutyBody(event: IncidentEvent, routingKey: string): PagerDutyBody {
  const dedupKey = boundedDedupKey(event.dedupKey);
  // ack/resolve need only these three (§3); PagerDuty ignores the rest on them.
  if (event.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: event.summary,
      source: event.source,
      severity: event.severity,
      timestamp: event.timestamp,
      ...(event.component ? { component: event.component } : {}),
      ...(event.group ? { group: event.group } : {}),
      ...(event.class ? { class: event.class } : {}),
      custom_details: event.customDetails,
    },
    links: event.links,
    client: 'vulnbridge',
  };
}

/** Events API v2 integration (routing) keys are 32 characters (xray-pagerduty-lightstep.md). */
const INTEGRATION_KEY_LENGTH = 32;

/**
 * Sends events to a PagerDuty Events API v2 integration. It does not retry: 429, 5xx and
 * network failures come out as ExternalHostErrors for the outbox to retry, 400 as
 * SINK_REJECTED naming the field PagerDuty refused.
 */
export function createPagerDutySender(action: PagerdutyAction, deps: IncidentSenderDeps): IncidentSender {
  const configuredKey = deps.secret(action.routingKey, 'PagerDuty routing key');
  const url = action.url;
  const host = hostOf(url);
  const pathKey = legacyIntegrationKey(url);
  if (pathKey) registerSecret(pathKey);
  if (pathKey && pathKey !== configuredKey) {
    deps.log.warn('PagerDuty url carries an integration key different from routingKey; the key in the url is used', {
      host,
      routingKey: secretSource(action.routingKey),
    });
  }
  const routingKey = pathKey ?? configuredKey;
  const keyHint = pathKey ? 'the integration key in the PagerDuty `url`' : secretSource(action.routingKey);
  // Every event to a key of another length is refused (400) and set aside: say so at load.
  if (routingKey.length !== INTEGRATION_KEY_LENGTH) {
    throw new ConfigError('CONFIG_INVALID', `${keyHint} is ${routingKey.length} characters long; a PagerDuty Events API v2 integration key has ${INTEGRATION_KEY_LENGTH}`, {
      hint: "copy the service integration's Integration Key (Events API v2) from PagerDuty again; a REST API key or a routing rule id is not it",
    });
  }
  const http = createHttpClient({ baseURL: '', timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS });

  return {
    type: 'pagerduty',
    host,
    eventsPerMinute: action.eventsPerMinute,
    async send(event, signal) {
      const what = `PagerDuty ${event.action} ${event.dedupKey}`;
      let body = pagerDutyBody(event, routingKey);
      if (jsonBytes(body) > MAX_BODY_BYTES) body = pagerDutyBody(fitEvent(event), routingKey);
      const answer = await postJson(http, url, body, { host, what, signal });
      if (answer.status >= 200 && answer.status < 300) {
        deps.log.debug('PagerDuty accepted event', { host, action: event.action, dedupKey: body.dedup_key });
        return;
      }
      throw mapAnswer(answer, host, what, keyHint);
    },
  };
}

function mapAnswer(answer: Answer, host: string, what: string, keyHint: string): Error {
  const retryable = retryableAnswer(answer, host, what, PAGERDUTY_DEFAULT_RETRY_AFTER_MS);
  if (retryable) return retryable;
  const { status } = answer;
  const verdict = answerVerdict(answer);
  if (verdict.verdict === 'skip' && verdict.reason === 'redirected') return redirected(answer, host, what);
  // A refused key (401/403) is this event's SINK_REJECTED: the outbox sets it aside.
  if (verdict.verdict === 'abort') {
    return new SinkError('SINK_REJECTED', `PagerDuty at ${host} refused ${what} (${status}): check the routing key in ${keyHint}`, {
      host,
      hint: 'the Events API v2 integration key is on the service\'s Integrations tab (32 characters)',
    });
  }
  const { message, errors } = pagerDutyErrors(answer.text);
  const field = errors.map(fieldOf).find((f) => f !== undefined);
  const said = [message, ...errors].filter(Boolean).join('; ') || quote(answer.text) || 'no details';
  return new SinkError('SINK_REJECTED', `PagerDuty at ${host} rejected ${what} (${status}): ${said}`, {
    host,
    ...(field ? { path: field } : {}),
    hint: status === 400 ? 'PagerDuty will not take this event as it is; it is not retried' : undefined,
  });
}

/** `{status, message, errors[]}` (§3, go-pagerduty V2EventResponse), each redacted and short. */
function pagerDutyErrors(text: string): { message: string; errors: string[] } {
  try {
    const body = JSON.parse(text) as { message?: unknown; status?: unknown; errors?: unknown };
    const message = typeof body.message === 'string' ? body.message : typeof body.status === 'string' ? body.status : '';
    const errors = Array.isArray(body.errors) ? body.errors.filter((e): e is string => typeof e === 'string').slice(0, 10) : [];
    return { message: quote(message), errors: errors.map(quote) };
  } catch {
    return { message: '', errors: [] };
  }
}

const FIELDS = /\b(payload\.[a-z_]+|routing_key|dedup_key|event_action|links|images|client_url|client|payload)\b/;

/** The body field a PagerDuty error message names, e.g. `payload.summary`. */
function fieldOf(error: string): string | undefined {
  return FIELDS.exec(error)?.[1];
}
