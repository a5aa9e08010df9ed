import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';

/** HLD `status` values (docs.qualys.com/en/vm/latest/scans/vulnerability_status.htm). */
const DETECTION_STATUSES = ['New', 'Active', 'Re-Opened', 'Fixed'] as const;
export type DetectionStatus = (typeof DETECTION_STATUSES)[number];

const apiVersion = z.string().regex(/^\d+\.\d+$/, 'expected an API version like "5.0"');
/** Qualys accepts comma lists with ranges (`1,3-5`) for `qids`, `severities`, `ag_ids`. */
const idList = z.array(z.union([z.number().int().nonnegative(), z.string().regex(/^\d+(-\d+)?$/)])).min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const qualysVmdrConfigSchema = z.strictObject({
  type: z.literal('qualys-vmdr'),
  /** API server of the subscription's platform, e.g. https://qualysapi.qg2.apps.qualys.com */
  url: z.url({ protocol: /^https?$/, error: 'expected the Qualys API server URL, e.g. https://qualysapi.qualys.com' }),
  /** `{ env: QUALYS_USERNAME }` or `{ file: /run/secrets/x }`: never the value itself. */
  username: secretRefSchema,
  password: secretRefSchema,
  apiVersion: apiVersion.default('5.0'),
  hostListApiVersion: apiVersion.default('5.0'),
  kbApiVersion: apiVersion.default('2.0'),
  status: z.array(z.enum(DETECTION_STATUSES)).min(1).default([...DETECTION_STATUSES]),
  severities: z.union([z.string().regex(/^[1-5](-[1-5])?(,[1-5](-[1-5])?)*$/, 'expected e.g. "3-5" or "4,5"'), z.array(z.number().int().min(1).max(5)).min(1)]).optional(),
  qids: idList.optional(),
  includeIgnored: z.boolean().default(true),
  includeVulnType: z.enum(['confirmed', 'potential']).optional(),
  agIds: idList.optional(),
  tags: z
    .strictObject({
      include: z.array(z.union([z.string().min(1), z.number()])).min(1),
      exclude: z.array(z.union([z.string().min(1), z.number()])).optional(),
      setBy: z.enum(['id', 'name']).default('id'),
      includeSelector: z.enum(['any', 'all']).default('any'),
      excludeSelector: z.enum(['any', 'all']).default('any'),
    })
    .optional(),
  showQds: z.boolean().default(true),
  showQdsFactors: z.boolean().default(true),
  showTags: z.boolean().default(true),
  showAssetId: z.boolean().default(true),
  showResults: z.boolean().default(true),
  /** Hosts per HLD page; Qualys default 1000, 0 = no truncation (host_detection.htm). */
  truncationLimit: z.number().int().min(0).default(1000),
  /**
   * Any other HLD parameter, passed through as is (the Qualys connector documents a
   * free-form filter string, e.g. `include_ignored=1` — ticketing_scheme_1.htm).
   * Either a map or a query string `a=1&b=2`. They win over the parameters above.
   */
  extraParams: z
    .union([z.record(z.string().regex(/^[a-z_]+$/, 'expected a Qualys parameter name like os_pattern'), scalar), z.string()])
    .default({})
    .refine((p) => !Object.hasOwn(typeof p === 'string' ? Object.fromEntries(new URLSearchParams(p)) : p, 'action'), 'action is always list'),
  incremental: z.enum(['detection_updated_since', 'vm_processed_after']).default('detection_updated_since'),
  overlapMinutes: z.number().int().min(0).default(10),
  kbBatchSize: z.number().int().min(1).max(10_000).default(500),
  hostListBatchSize: z.number().int().min(1).max(100_000).default(1000),
  chunkSize: z.number().int().min(1).default(500),
  /** Sentinel had to raise its HLD timeout 20 s → 300 s for large pages (qualys.md §1). */
  timeoutSeconds: z.number().int().min(1).default(300),
  userAgent: z.string().min(1).default('vulnbridge'),
  /** Qualys requires the header on every call, any value (qualys.md §1 "Auth"). */
  requestedWith: z.string().min(1).default('vulnbridge'),
});

export type QualysVmdrConfig = z.infer<typeof qualysVmdrConfigSchema>;
