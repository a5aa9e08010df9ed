import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';

/** What one job pulls: the CS ticketing templates are per kind (qualys.md §0). */
const CS_OBJECT_KINDS = ['images', 'containers'] as const;
export type CsObjectKind = (typeof CS_OBJECT_KINDS)[number];

export const qualysCsConfigSchema = z.strictObject({
  type: z.literal('qualys-cs'),
  /** API gateway of the subscription's platform, e.g. https://gateway.qg1.apps.qualys.com (qualys.md §4). */
  gateway: z.url({ protocol: /^https?$/, error: 'expected the Qualys API gateway URL, e.g. https://gateway.qg1.apps.qualys.com' }),
  /** `{ env: QUALYS_CS_USERNAME }` or `{ file: /run/secrets/x }`: never the value itself. */
  username: secretRefSchema,
  password: secretRefSchema,
  objects: z.enum(CS_OBJECT_KINDS),
  /** QQL passed as `filter` to the bulk list, e.g. "state:`RUNNING`" or "repo.registry:`docker.io`". */
  filter: z.string().min(1).optional(),
  /** `limit` of the bulk list (the API takes 1..250, qualys.md §4). */
  pageSize: z.number().int().min(1).max(250).default(250),
  /** `type` of the per-object /vuln call; the templates need DETAILS (result, diagnosis, solution ...). */
  vulnType: z.enum(['DETAILS', 'ALL']).default('DETAILS'),
  /** /vuln calls in flight at once. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Findings per page handed to the pipeline. */
  chunkSize: z.number().int().min(1).default(500),
  apiVersion: z.string().regex(/^v\d+\.\d+$/, 'expected an API version like "v1.3"').default('v1.3'),
  timeoutSeconds: z.number().int().min(1).default(120),
});

export type QualysCsConfig = z.infer<typeof qualysCsConfigSchema>;
/** Input form (defaults not applied yet), for tests and programmatic configs. */
export type QualysCsConfigInput = z.input<typeof qualysCsConfigSchema>;

/** Template module a job of this kind feeds: `CS-Image` or `CS-Container`. */
export function csModuleName(kind: CsObjectKind): 'CS-Image' | 'CS-Container' {
  return kind === 'images' ? 'CS-Image' : 'CS-Container';
}
