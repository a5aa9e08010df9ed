import { z } from 'zod';
import { SEVERITY_NAMES } from '../../model/severity.js';
import { secretRefSchema } from '../../secrets.js';

const incidentSeverity = z.enum(['critical', 'error', 'warning', 'info']);

/** `pagerduty: {...}`: a routing action that pages through PagerDuty's Events API v2. */
export const pagerdutyActionSchema = z.strictObject({
  routingKey: secretRefSchema.describe('the Events API v2 integration key (32 characters), from env or a file'),
  url: z
    .url({ protocol: /^https?$/ })
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('Events API v2 endpoint; the legacy https://events.pagerduty.com/integration/<key>/enqueue form is accepted'),
  severity: z
    .partialRecord(z.enum(SEVERITY_NAMES), incidentSeverity)
    .default({})
    .describe('finding severity → PagerDuty severity; default Critical→critical, High→error, Medium→warning, others→info'),
  groupBy: z
    .enum(['finding', 'watch', 'host'])
    .default('finding')
    .describe('one alert per finding, or one per watch (Xray) / host (Qualys) and severity, with counts'),
  eventsPerMinute: z.number().int().min(1).max(100_000).default(120).describe('throttle; PagerDuty takes about 120 per minute per key'),
});

export type PagerdutyAction = z.infer<typeof pagerdutyActionSchema>;
