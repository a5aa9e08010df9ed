import type { IncidentSenderFactory } from '../../incidents/types.js';
import { pagerdutyActionSchema, type PagerdutyAction } from './actionSchema.js';
import { createPagerDutySender } from './pagerdutySender.js';

/** PagerDuty Events API v2: one lane per integration key (and groupBy). */
export const pagerdutySenders = {
  actionSchema: pagerdutyActionSchema,
  endpoint: (action: PagerdutyAction) => ({ secret: action.routingKey }),
  create: createPagerDutySender,
} satisfies IncidentSenderFactory<PagerdutyAction>;

export type { PagerdutyAction };
