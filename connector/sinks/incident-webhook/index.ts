import type { IncidentSenderFactory } from '../../incidents/types.js';
import { webhookActionSchema, type WebhookAction } from './actionSchema.js';
import { createWebhookSender } from './webhookSender.js';

/** An incident webhook (Lightstep's generic REST, Xray's payload, or a template): one lane per URL secret, format (and groupBy). */
export const webhookSenders = {
  actionSchema: webhookActionSchema,
  endpoint: (action: WebhookAction) => ({ secret: action.url, variant: `:${action.format}` }),
  create: createWebhookSender,
} satisfies IncidentSenderFactory<WebhookAction>;

export type { WebhookAction };
