import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';

/** Get Violations `violation_type` values (xray-pagerduty-lightstep.md §1.2). */
export const VIOLATION_TYPES = ['Security', 'License', 'Operational_Risk'] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

/** Get Violations `min_severity` values, most severe first (§1.2, §1.6). */
const MIN_SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Information', 'Unknown'] as const;

export const jfrogXrayConfigSchema = z
  .strictObject({
    type: z.literal('jfrog-xray'),
    /** JFrog Platform URL, e.g. https://acme.jfrog.io: the API is `<url>/xray/api/v1/...`. */
    url: z
      .url({ protocol: /^https?$/, error: 'expected the JFrog Platform URL, e.g. https://acme.jfrog.io' })
      .refine((u) => !/^[a-z]+:\/\/[^/]+(\/.*)?\/(xray|artifactory)(\/.*)?$/i.test(u.replace(/\/+$/, '')), {
        message: 'give the JFrog Platform URL without /xray or /artifactory, e.g. https://acme.jfrog.io',
      }),
    /** Access/identity token (`Authorization: Bearer`): API keys are end-of-life (§1.1). */
    token: secretRefSchema.optional(),
    /** Basic auth, for older installs. */
    username: secretRefSchema.optional(),
    password: secretRefSchema.optional(),
    /** Required: Get Violations can hang on large instances without a watch filter (§1.7). */
    watches: z.array(z.string().min(1, 'a watch name cannot be empty')).min(1, 'list at least one watch: Xray can hang when violations are not narrowed to a watch'),
    types: z.array(z.enum(VIOLATION_TYPES)).min(1).optional(),
    minSeverity: z.enum(MIN_SEVERITIES).optional(),
    /** Sent as the `projectKey` query parameter (the call then runs in that project's scope). */
    projectKey: z.string().min(1).optional(),
    pageSize: z.number().int().min(1).max(1000).default(100),
    overlapMinutes: z.number().int().min(0).default(10),
    fullPullHours: z.number().positive().default(24),
    /** Xray list APIs give up after 30 s server-side (§1.7); our limit must sit above that. */
    timeoutSeconds: z.number().int().min(1).default(120),
    /** `fetch`: GET each violation's details URL when the list item lacks details. */
    details: z.enum(['list', 'fetch']).default('list'),
  })
  .superRefine((c, ctx) => {
    const basic = c.username !== undefined || c.password !== undefined;
    if (c.token && basic) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give either `token` or `username` + `password`, not both' });
    } else if (!c.token && !basic) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give `token` (a JFrog access token) or `username` + `password`' });
    } else if (basic && !c.password) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: '`username` needs `password`' });
    } else if (basic && !c.username) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: '`password` needs `username`' });
    }
    const seen = new Set<string>();
    c.watches.forEach((w, i) => {
      if (seen.has(w)) ctx.addIssue({ code: 'custom', path: ['watches', i], message: `watch "${w}" is listed twice` });
      seen.add(w);
    });
  });

export type JfrogXrayConfig = z.infer<typeof jfrogXrayConfigSchema>;
