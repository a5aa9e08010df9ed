import { z } from 'zod';
import { secretRefSchema } from '../../secrets.js';

/** WAS finding statuses (qualys.md §3; the WAS templates' operationMappings keys, §0). */
export const WAS_STATUSES = ['NEW', 'ACTIVE', 'REOPENED', 'FIXED', 'PROTECTED'] as const;
/** `type` of a finding (qualys.md §3): the templates' ISSUE_TYPE. */
const WAS_ISSUE_TYPES = ['VULNERABILITY', 'SENSITIVE_CONTENT', 'INFORMATION_GATHERED'] as const;
/** `findingType` of a finding (qualys.md §3): who reported it. */
const WAS_FINDING_TYPES = ['QUALYS', 'BURP', 'BUGCROWD'] as const;

const apiVersion = z.string().regex(/^\d+\.\d+$/, 'expected an API version like "2.0"');
const positiveId = z.number().int().positive();

/** Each list becomes one `Criteria` of the ServiceRequest (criteria are ANDed by Qualys). */
const filtersSchema = z.strictObject({
  severities: z.array(z.number().int().min(1).max(5)).min(1).optional(),
  /** FIXED is needed to close tickets: without it a fixed finding is never seen again. */
  statuses: z.array(z.enum(WAS_STATUSES)).min(1).optional(),
  webAppIds: z.array(positiveId).min(1).optional(),
  webAppNames: z.array(z.string().min(1)).min(1).optional(),
  /** Numbers filter by tag id, strings by tag name. */
  webAppTags: z.array(z.union([positiveId, z.string().min(1)])).min(1).optional(),
  findingTypes: z.array(z.enum(WAS_FINDING_TYPES)).min(1).optional(),
  issueTypes: z.array(z.enum(WAS_ISSUE_TYPES)).min(1).optional(),
  /**
   * Ignored findings are dropped by the source, not by a criterion: the documented
   * filter fields (qualys.md §3) have no `isIgnored`.
   */
  includeIgnored: z.boolean().default(true),
  qids: z.array(positiveId).min(1).optional(),
  /** OWASP Top 10 category names as Qualys writes them ("Security Misconfiguration"). */
  owasp: z.array(z.string().min(1)).min(1).optional(),
  cwe: z.array(positiveId).min(1).optional(),
});

export const qualysWasConfigSchema = z.strictObject({
  type: z.literal('qualys-was'),
  /** API server of the subscription's platform, e.g. https://qualysapi.qg2.apps.qualys.com */
  url: z.url({ protocol: /^https?$/, error: 'expected the Qualys API server URL, e.g. https://qualysapi.qualys.com' }),
  username: secretRefSchema,
  password: secretRefSchema,
  /** `limitResults` per search call: Qualys default 100, max 1000 (qualys.md §3). */
  pageSize: z.number().int().min(1).max(1000).default(500),
  filters: filtersSchema.default({ includeIgnored: true }),
  overlapMinutes: z.number().int().min(0).default(10),
  timeoutSeconds: z.number().int().min(1).default(300),
  /** Cap of the RESULT text (payload responses can be whole HTML pages), UTF-8 bytes. */
  resultMaxBytes: z.number().int().min(256).default(32 * 1024),
  /** KnowledgeBase (VULN.*) comes from the VM API, like for VMDR (qualys.md §2). */
  kbApiVersion: apiVersion.default('2.0'),
  kbBatchSize: z.number().int().min(1).max(10_000).default(500),
  userAgent: z.string().min(1).default('vulnbridge'),
  /** Qualys requires the header on every call, any value (qualys.md §1 "Auth"). */
  requestedWith: z.string().min(1).default('vulnbridge'),
});

export type QualysWasConfig = z.infer<typeof qualysWasConfigSchema>;
export type QualysWasFilters = QualysWasConfig['filters'];
