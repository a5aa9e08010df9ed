import type { IncidentEvent, IncidentSeverity } from '../model/incidentEvent.js';

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
