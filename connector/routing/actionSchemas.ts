import { z } from 'zod';
import { SEVERITY_NAMES, type SeverityName } from '../model/severity.js';
import { incidentSenderFactories, type IncidentAction, type IncidentActionOf } from '../sinks/registry.js';
import { slaPolicySchema } from '../templates/sla/slaPolicy.js';

/** The one severity scale (model/severity.ts), re-exported for routes. */
export { SEVERITY_NAMES, type SeverityName };

/** `jira: {}` = the job's template and project. */
const jiraActionSchema = z.strictObject({
  template: z.string().min(1).optional().describe('ticketing-scheme JSON file; default the job\'s `template`'),
  project: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key is upper-case letters, digits and _ (e.g. VULN)')
    .optional()
    .describe('Jira project key; default the job\'s `project`'),
  sla: slaPolicySchema.optional().describe('remediation SLA of these tickets, over the job\'s (docs/sla.md)'),
});

/** The incident actions' options are declared by their outbound vendors (sinks/<vendor>/actionSchema.ts, via sinks/registry.ts). */
export const pagerdutyActionSchema = incidentSenderFactories.pagerduty.actionSchema;
export const webhookActionSchema = incidentSenderFactories.webhook.actionSchema;

/** Every action form by its key: `jira`, then each incident vendor of the registry. */
const forms: Readonly<Record<string, z.ZodType>> = {
  jira: jiraActionSchema,
  ...Object.fromEntries(Object.entries(incidentSenderFactories).map(([kind, f]) => [kind, f.actionSchema])),
};
const formList = `${Object.keys(forms)
  .map((k) => `\`${k}: {...}\``)
  .join(', ')} or \`none\``;

/**
 * One action. Picked by its key first, so a mistake inside `pagerduty: {...}` is reported
 * as that option's error rather than as "matches none of the four forms".
 */
export const actionSchema = z.custom<unknown>().transform((input, ctx) => {
  if (input === 'none') return 'none' as const;
  const keys = input && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [];
  const key = keys.length === 1 ? keys[0] : undefined;
  const form = key !== undefined && Object.hasOwn(forms, key) ? forms[key] : undefined;
  if (key === undefined || !form) {
    ctx.addIssue({ code: 'custom', message: `an action is one of ${formList}`, input });
    return z.NEVER;
  }
  const parsed = form.safeParse((input as Record<string, unknown>)[key]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  return { [key]: parsed.data } as { jira: JiraAction } | IncidentAction;
});

export type JiraAction = z.infer<typeof jiraActionSchema>;
export type PagerdutyAction = IncidentActionOf<'pagerduty'>;
export type WebhookAction = IncidentActionOf<'webhook'>;
export type { IncidentAction };
export type Action = z.output<typeof actionSchema>;
