import type { z } from 'zod';
import type { IncidentEvent, IncidentSeverity } from '../model/incidentEvent.js';
import type { SeverityName } from '../model/severity.js';
import type { SecretRef } from '../secrets.js';
import type { IncidentSenderDeps } from './senderDeps.js';

/** The event value itself lives in model/ (state's outbox stores it); re-exported for the incident code. */
export type { IncidentEvent, IncidentSeverity };

/**
 * An incident tool endpoint. `send` resolves once the endpoint accepted the event; it
 * throws an ExternalHostError for what is worth retrying (429, 5xx, unreachable: with
 * retryAfterMs when the endpoint said) and a SinkError with code SINK_REJECTED for what
 * is not (400: the message names the field the endpoint rejected). It does not retry
 * itself: the outbox does, so a restart loses nothing.
 */
export interface IncidentSender {
  readonly type: string;
  /** For messages: the endpoint's host (never a URL carrying a key). */
  readonly host: string;
  /** Events per minute the endpoint takes (PagerDuty: about 120 per integration key). */
  readonly eventsPerMinute: number;
  send(event: IncidentEvent, signal: AbortSignal): Promise<void>;
}

/** What the options of every incident action have in common (lanes group and map by them). */
export interface IncidentActionOptions {
  groupBy: 'finding' | 'watch' | 'host';
  eventsPerMinute: number;
  /** Finding severity → incident severity, over the defaults; absent when the tool has no such setting. */
  severity?: Partial<Record<SeverityName, IncidentSeverity>>;
}

/**
 * An outbound incident vendor (sinks/<vendor>/index.ts), listed in sinks/registry.ts
 * under the key of its routing action (`pagerduty: {...}`).
 */
export interface IncidentSenderFactory<A extends IncidentActionOptions> {
  /** The options of the action, validated when routes are loaded. */
  readonly actionSchema: z.ZodType<A>;
  /**
   * What tells one endpoint from another, for the lane id: the secret that names it
   * (only its env var or file name is used, never its value) and anything else that
   * makes a different stream of alerts (webhook: `:<format>`).
   */
  endpoint(action: A): { secret: SecretRef; variant?: string };
  /** The sender; reads its secrets (and template) now, so config errors show at start. */
  create(action: A, deps: IncidentSenderDeps): IncidentSender;
}
