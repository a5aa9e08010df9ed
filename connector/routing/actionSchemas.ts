import { z } from 'zod';
import { SEVERITY_NAMES, type SeverityName } from '../model/severity.js';
import { secretRefSchema } from '../secrets.js';

/** The one severity scale (model/severity.ts), re-exported for routes. */
export { SEVERITY_NAMES, type SeverityName };

const incidentSeverity = z.enum(['critical', 'error', 'warning', 'info']);

/** `jira: {}` = the job's template and project. */
const jiraActionSchema = z.strictObject({
  template: z.string().min(1).optional().describe('ticketing-scheme JSON file; default the job\'s `template`'),
  project: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key is upper-case letters, digits and _ (e.g. VULN)')
    .optional()
    .describe('Jira project key; default the job\'s `project`'),
});

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

/**
 * One action. Picked by its key first, so a mistake inside `pagerduty: {...}` is reported
 * as that option's error rather than as "matches none of the four forms".
 */
export const actionSchema = z.custom<unknown>().transform((input, ctx) => {
  const forms = { jira: jiraActionSchema, pagerduty: pagerdutyActionSchema, webhook: webhookActionSchema } as const;
  if (input === 'none') return 'none' as const;
  const keys = input && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [];
  const key = keys.length === 1 ? (keys[0] as keyof typeof forms) : undefined;
  if (!key || !(key in forms)) {
    ctx.addIssue({ code: 'custom', message: 'an action is one of `jira: {...}`, `pagerduty: {...}`, `webhook: {...}` or `none`', input });
    return z.NEVER;
  }
  const parsed = forms[key].safeParse((input as Record<string, unknown>)[key]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  return { [key]: parsed.data } as { jira: JiraAction } | { pagerduty: PagerdutyAction } | { webhook: WebhookAction };
});

export type JiraAction = z.infer<typeof jiraActionSchema>;
export type PagerdutyAction = z.infer<typeof pagerdutyActionSchema>;
export type WebhookAction = z.infer<typeof webhookActionSchema>;
export type Action = z.output<typeof actionSchema>;
