/** PagerDuty Events API v2 event shapes and the checks PagerDuty makes beyond its OpenAPI document (api-notes §3). */

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

export const PAGERDUTY_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type PagerDutyAction = (typeof PAGERDUTY_ACTIONS)[number];

/** Documented limits: 32-character integration keys, dedup_key ≤ 255, summary ≤ 1024, payload ≤ 512 KB. */
export const PAGERDUTY_LIMITS = { routingKeyLength: 32, dedupKeyMax: 255, summaryMax: 1024, bodyBytes: 512 * 1024 } as const;

export interface PagerDutyPayload {
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key?: string;
  payload?: PagerDutyPayload;
  links?: Array<{ href: string; text?: string }>;
  images?: Array<{ src: string; href?: string; alt?: string }>;
  client?: string;
  client_url?: string;
}

/** PagerDuty's 400 body; `errors` name the field. */
export const invalidEvent = (errors: string[]): { status: string; message: string; errors: string[] } => ({
  status: 'invalid event',
  message: 'Event object is invalid',
  errors,
});

/** PagerDuty's answer to a body that is not a JSON object (the OpenAPI document's error example). */
export const UNRECOGNIZED_OBJECT = { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] } as const;

export const THROTTLED = { status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' } as const;

const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Why PagerDuty refuses this routing key, if it does. */
export function routingKeyError(key: unknown, known: ReadonlySet<string>): string | undefined {
  if (blank(key)) return "'routing_key' is missing or blank";
  if (typeof key !== 'string') return "'routing_key' must be a string";
  if (key.length !== PAGERDUTY_LIMITS.routingKeyLength) return "Length of 'routing_key' is incorrect (should be 32 characters)";
  // PagerDuty's wording for a well-formed key that routes nowhere is not documented.
  if (!known.has(key)) return "Invalid routing key: 'routing_key' is not the integration key of any service";
  return undefined;
}

/** The documented rules the OpenAPI document does not carry (lengths, trigger-only requirements, blanks). */
export function eventErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const action = body.event_action;
  if (blank(action)) errors.push("'event_action' is missing or blank");
  else if (!PAGERDUTY_ACTIONS.includes(action as PagerDutyAction)) errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");

  const dedup = body.dedup_key;
  if (dedup !== undefined && dedup !== null) {
    if (typeof dedup !== 'string') errors.push("'dedup_key' must be a string");
    else if (dedup.length > PAGERDUTY_LIMITS.dedupKeyMax) errors.push("Length of 'dedup_key' is too long (maximum is 255 characters)");
  }
  if ((action === 'acknowledge' || action === 'resolve') && blank(dedup)) errors.push("'dedup_key' is missing or blank");

  if (action === 'trigger') {
    const payload = body.payload;
    if (payload === undefined || payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      errors.push("'payload' is missing or is not an object");
    } else {
      const p = payload as Record<string, unknown>;
      if (blank(p.summary)) errors.push("'payload.summary' is missing or blank");
      else if (typeof p.summary !== 'string') errors.push("'payload.summary' must be a string");
      else if (p.summary.length > PAGERDUTY_LIMITS.summaryMax) errors.push("Length of 'payload.summary' is too long (maximum is 1024 characters)");
      if (blank(p.source)) errors.push("'payload.source' is missing or blank");
      if (blank(p.severity)) errors.push("'payload.severity' is missing or blank");
      else if (!PAGERDUTY_SEVERITIES.includes(p.severity as PagerDutySeverity)) {
        errors.push("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
      }
    }
  }
  return errors;
}
