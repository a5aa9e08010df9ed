import { z } from 'zod';
import { actionSchema, SEVERITY_NAMES, type SeverityName } from './actionSchemas.js';

/** Finding types: Xray's violation types, and `vulnerability` for every Qualys detection. */
const FINDING_TYPES = ['security', 'license', 'operational_risk', 'vulnerability'] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

/** Legacy Xray 1.x/2.x severities map as the Xray source maps them (Major → High, Minor → Low). */
const SEVERITY_ALIASES: Readonly<Record<string, SeverityName>> = {
  ...Object.fromEntries(SEVERITY_NAMES.map((n) => [n.toLowerCase(), n])),
  major: 'High',
  minor: 'Low',
};

const severityName = z.preprocess(
  (v) => (typeof v === 'string' ? (SEVERITY_ALIASES[v.trim().toLowerCase()] ?? v) : v),
  z.enum(SEVERITY_NAMES, { error: () => `expected one of ${SEVERITY_NAMES.join(', ')} (legacy Major = High, Minor = Low)` }),
);

function range(what: string, max: number) {
  const bound = z.number().min(0, `${what} runs from 0 to ${max}`).max(max, `${what} runs from 0 to ${max}`);
  return z
    .strictObject({ min: bound.optional().describe('inclusive'), max: bound.optional().describe('inclusive') })
    .describe(`${what} range, both ends inclusive; a finding without a ${what} never matches`);
}

const names = (what: string) => z.array(z.string().trim().min(1, `a ${what} cannot be empty`));

/** CVE ids with `*` as a wildcard: CVE-2021-44228, CVE-2021-*. */
const cvePattern = z
  .string()
  .trim()
  .regex(/^cve-[0-9*]+(-[0-9*]+)?$/i, 'expected a CVE id such as CVE-2021-44228 (`*` matches anything: CVE-2021-*)');

const QID_MESSAGE = 'a QID is a number, e.g. 197597';
const qid = z.union([z.number().int(QID_MESSAGE).positive(QID_MESSAGE), z.string().trim().regex(/^[0-9]+$/, QID_MESSAGE)], {
  error: () => QID_MESSAGE,
});

/** Xray spells types `Security`, `Operational_Risk` (and webhooks `security`): accept either. */
const findingType = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase().replace(/[\s-]+/g, '_') : v),
  z.enum(FINDING_TYPES, { error: () => `expected one of ${FINDING_TYPES.join(', ')} (Qualys detections are all vulnerability)` }),
);

/**
 * What a rule looks at. All given criteria must hold (AND); a list matches when any of
 * its entries does (OR). Names compare case-insensitively.
 */
export const criteriaSchema = z.strictObject({
  minSeverity: severityName.optional().describe('this severity or higher (Qualys 5..1 = Critical..Information)'),
  cvss: range('CVSS score', 10).optional(),
  qds: range('QDS', 100).optional(),
  trurisk: range('TruRisk score', 1000).optional(),
  types: z
    .array(findingType)
    .optional()
    .describe('Xray violation type; every Qualys detection is `vulnerability`'),
  licenses: z
    .strictObject({
      allowed: names('license').optional().describe('a license outside this list matches'),
      banned: names('license').optional().describe('a license in this list matches'),
      unknown: z.boolean().optional().describe('true: a violation whose license Xray could not determine matches'),
    })
    .optional()
    .describe('license violations only, as an Xray license rule: banned, not allowed, or unknown'),
  watches: names('watch name').optional(),
  policies: names('policy name').optional(),
  qids: z.array(qid).optional(),
  cves: z.array(cvePattern).optional().describe('CVE ids, `*` as a wildcard'),
  tags: names('tag name').optional().describe('Qualys asset tag names'),
  assetGroups: names('asset group').optional().describe('Qualys asset group titles'),
});

const routeRuleSchema = z.strictObject({
  name: z.string().trim().min(1).optional().describe('shown in logs; default "rule N" (1-based)'),
  when: criteriaSchema.optional().describe('omitted: the rule matches every finding (put it last)'),
  actions: z
    .array(actionSchema)
    .min(1, 'give at least one action (`none` to do nothing for these findings)')
    .describe('what to do with a finding this rule matches first'),
});

/** A job's `routes:`: the first rule whose criteria a finding meets decides its actions. */
export const routesSchema = z.array(routeRuleSchema).min(1, 'give at least one rule, or leave `routes` out');

export type Criteria = z.infer<typeof criteriaSchema>;
export type RouteRule = z.infer<typeof routeRuleSchema>;
export type Routes = z.infer<typeof routesSchema>;
