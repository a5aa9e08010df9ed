import { z } from 'zod';

/** Who sees a saved filter or dashboard: everyone who can browse the project, or one group. */
export const shareSchema = z.union([
  z.object({ project: z.literal(true) }).strict(),
  z.object({ group: z.string().min(1) }).strict(),
]);

/**
 * `reporting:`, what `vulnbridge dashboards` builds on Jira: saved filters per job and per
 * dashboard (from the JQL cookbook), and on Jira Cloud a dashboard per team with gadgets.
 */
export const reportingConfigSchema = z
  .object({
    jobs: z.array(z.string().min(1)).optional().describe('the jobs that get saved filters; default every job'),
    share: shareSchema.default({ project: true }).describe('`{ project: true }` (default: shared with the project) or `{ group: NAME }`'),
    dashboards: z
      .array(
        z
          .object({
            name: z.string().min(1).max(255).optional().describe('default: the project key'),
            project: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'a Jira project key'),
            jobs: z.array(z.string().min(1)).optional().describe('default: every reporting job writing to the project'),
            share: shareSchema.optional().describe('default: the `share` above'),
          })
          .strict(),
      )
      .optional()
      .describe('default: one dashboard per Jira project of the reporting jobs, named after it'),
    recipeDir: z.string().min(1).default('reporting').describe('Data Center: where the dashboard recipes (<dashboard>.md) are written'),
  })
  .strict();

export type ReportingConfig = z.output<typeof reportingConfigSchema>;
export type ShareConfig = z.output<typeof shareSchema>;
