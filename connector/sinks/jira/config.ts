import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from './attachmentText.js';

/**
 * The `sink:` block of a job with `type: jira`. Cloud speaks REST v3 with ADF bodies and
 * Basic email:API-token auth; Data Center speaks REST v2 with wiki markup and a personal
 * access token sent as Bearer (or Basic username/password on older installs, which
 * Jira DC 11 disables by default: jira-and-peers.md §1.10).
 */
export const jiraConfigSchema = z
  .object({
    type: z.literal('jira'),
    url: z
      .url({ protocol: /^https?$/, error: 'give the Jira base URL, e.g. https://example.atlassian.net' })
      .describe('Jira base URL (Cloud site or Data Center, including any context path)'),
    flavor: z.enum(['cloud', 'datacenter']).describe('cloud: REST v3 + ADF; datacenter: REST v2 + wiki markup'),
    email: z.string().min(3).optional().describe('Cloud: the Atlassian account e-mail the API token belongs to'),
    token: secretRefSchema.optional().describe('Cloud: API token; Data Center: personal access token'),
    username: z.string().min(1).optional().describe('Data Center basic auth user (older installs; prefer a token)'),
    password: secretRefSchema.optional().describe('Data Center basic auth password'),
    linkType: z.string().min(1).default('Relates').describe('issue link type name for parent/child links'),
    closeResolution: z.string().min(1).default('Done').describe('resolution set when a transition screen requires one'),
    timeoutSeconds: z.number().positive().max(600).default(60),
    attachmentMaxBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(DEFAULT_ATTACHMENT_MAX_BYTES)
      .describe('largest attachment (the WAS templates\' `attachment` text) sent; longer ones are cut with a note'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.flavor === 'cloud') {
      if (!c.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'Jira Cloud needs `email` (the account the API token belongs to)' });
      if (!c.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'Jira Cloud needs `token: { env: JIRA_API_TOKEN }`' });
      if (c.username || c.password) {
        ctx.addIssue({ code: 'custom', path: ['username'], message: 'Jira Cloud uses `email` + `token`; `username`/`password` are for Data Center' });
      }
      return;
    }
    const basic = c.username !== undefined || c.password !== undefined;
    if (basic && !(c.username && c.password)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'Data Center basic auth needs both `username` and `password`' });
    }
    if (basic && c.token) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give either `token` (personal access token) or `username`/`password`, not both' });
    }
    if (!basic && !c.token) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'Jira Data Center needs `token: { env: JIRA_PAT }` (a personal access token)' });
    }
  });

export type JiraSinkConfig = z.output<typeof jiraConfigSchema>;
