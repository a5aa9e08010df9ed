import cron from 'node-cron';
import { z } from 'zod';
import { routesSchema } from '../routing/routesSchema.js';
import { kevConfigSchema, slaPolicySchema } from '../templates/sla/slaPolicy.js';
import { reportingConfigSchema } from './reportingConfig.js';
import { serverConfigSchema, webhookAuthSchema } from './serverConfig.js';

/** Jobs, sources and sinks are named in messages and in labels: keep names simple. */
const jobName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'use letters, digits, - and _ (at most 63 characters)');

const jobSchema = z
  .object({
    name: jobName.describe('unique job name; used in logs, `sync --job`, and the `vb-job-<name>` label'),
    enabled: z.boolean().default(true),
    schedule: z
      .string()
      .refine((s) => cron.validate(s), { message: 'not a valid cron expression (e.g. "0 */4 * * *" = every 4 hours)' })
      .describe('cron expression (5 or 6 fields) for `vulnbridge run`'),
    timezone: z.string().optional().describe('IANA time zone for the schedule, default the machine\'s'),
    template: z.string().min(1).describe('ticketing-scheme JSON file (relative paths: from the working directory)'),
    project: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key is upper-case letters, digits and _ (e.g. VULN)')
      .describe('Jira project key (fills ${PROJECT_KEY})'),
    timeoutMinutes: z.number().positive().default(240).describe('a run longer than this is aborted'),
    reconcileHours: z
      .number()
      .min(0)
      .default(24)
      .describe('how often a pull cycle first checks the open tickets it holds against Jira (deleted or closed by hand); 0: never'),
    source: z.looseObject({ type: z.string() }).describe('the scanner to pull from; keys depend on `type`'),
    sink: z.looseObject({ type: z.string() }).describe('where tickets go; keys depend on `type`'),
    routes: routesSchema
      .optional()
      .describe('ordered rules: the first whose `when` matches a finding decides its actions (jira, pagerduty, webhook, none); default: every finding to `template` in `project`'),
    webhook: webhookAuthSchema
      .optional()
      .describe('accept pushed findings at POST /webhooks/<kind>/<job> (Xray: kind xray); how the sender authenticates'),
    sla: slaPolicySchema.optional().describe('remediation SLA of this job, over the global `sla:` (docs/sla.md)'),
  })
  .strict();

export const configSchema = z
  .object({
    stateDir: z.string().default('data').describe('directory of the SQLite state database'),
    log: z
      .object({
        level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
        format: z.enum(['text', 'json']).default('text'),
        progressIntervalSeconds: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('`run`: a `progress` line every this many seconds while a pull or its ticket work runs long (0: none)'),
      })
      .strict()
      .default({ level: 'info', format: 'text', progressIntervalSeconds: 30 }),
    server: serverConfigSchema
      .optional()
      .describe('the HTTP listener for webhooks and /healthz; started by `run` when set or when a job has `webhook:`'),
    sla: slaPolicySchema.optional().describe('remediation SLA of every job: due dates into Jira (docs/sla.md); absent in all levels: no SLA'),
    kev: kevConfigSchema.optional().describe('CISA KEV catalog: its due date wins when earlier than the SLA\'s'),
    reporting: reportingConfigSchema.optional().describe('`vulnbridge dashboards`: saved filters and dashboards on Jira'),
    jobs: z.array(jobSchema).min(1, 'configure at least one job'),
  })
  .strict();

export type RawJob = z.infer<typeof jobSchema>;
