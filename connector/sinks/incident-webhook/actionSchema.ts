import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';

/** `webhook: {...}`: a routing action that POSTs events to an incident webhook (Lightstep, Xray-shaped, or a template). */
export const webhookActionSchema = z.strictObject({
  url: secretRefSchema.describe('the endpoint URL, from env or a file (it may carry an API key)'),
  format: z
    .enum(['lightstep', 'xray', 'template'])
    .default('lightstep')
    .describe('lightstep: generic REST webhook body (state, severity P1..P5); xray: Xray\'s own webhook payload; template: a JSON file of ours'),
  template: z.string().min(1).optional().describe('format template: JSON file whose strings may hold ${PLACEHOLDER}s'),
  auth: z
    .union([
      z.strictObject({ bearer: secretRefSchema }),
      z.strictObject({ basic: z.strictObject({ username: secretRefSchema, password: secretRefSchema }) }),
      z.strictObject({ header: z.strictObject({ name: z.string().min(1), value: secretRefSchema }) }),
    ])
    .optional(),
  groupBy: z.enum(['finding', 'watch', 'host']).default('finding'),
  eventsPerMinute: z.number().int().min(1).max(100_000).default(600),
});

export type WebhookAction = z.infer<typeof webhookActionSchema>;
