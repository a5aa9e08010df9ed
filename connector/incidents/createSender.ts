import type { PagerdutyAction, WebhookAction } from '../routing/actionSchemas.js';
import { createPagerDutySender } from './pagerdutySender.js';
import type { IncidentSenderDeps } from './senderDeps.js';
import type { IncidentSender } from './types.js';
import { createWebhookSender } from './webhookSender.js';

export type IncidentAction = { pagerduty: PagerdutyAction } | { webhook: WebhookAction };

/** The sender for an incident action of a job's routing. Reads its secrets (and template) now, so config errors show at start. */
export function createIncidentSender(action: IncidentAction, deps: IncidentSenderDeps): IncidentSender {
  if ('pagerduty' in action) return createPagerDutySender(action.pagerduty, deps);
  return createWebhookSender(action.webhook, deps);
}

export type { IncidentSenderDeps };
