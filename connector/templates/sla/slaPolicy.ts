import { z } from 'zod';

/** Severity names a policy uses (the one scale of model/severity.ts, lower case; `info` = Information). */
export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type SlaSeverity = (typeof SLA_SEVERITIES)[number];
/** Scores a template knows that a policy may range over. */
export const SLA_SCORES = ['qds', 'cvss', 'trurisk'] as const;
export type SlaScore = (typeof SLA_SCORES)[number];
/** The smallest step of each score: ranges must meet with no gap wider than it. */
const SCORE_STEP: Readonly<Record<SlaScore, number>> = { qds: 1, cvss: 0.1, trurisk: 1 };

/** DefectDojo's defaults (dojo/models.py SLA_Configuration): Info has no SLA. */
export const DEFAULT_SLA_DAYS: Readonly<Record<SlaSeverity, number | null>> = { critical: 7, high: 30, medium: 90, low: 120, info: null };

const DAYS_MESSAGE = 'days to remediate are a whole number ≥ 1, or `none` (no SLA)';
/** Days to remediate: a whole number ≥ 1, or `none`/null for no SLA. */
const daysSchema = z
  .custom<number | null | 'none'>((v) => v === null || v === 'none' || (typeof v === 'number' && Number.isInteger(v) && v >= 1), { message: DAYS_MESSAGE })
  .transform((v): number | null => (v === 'none' ? null : v));

const rangeSchema = z.strictObject({
  min: z.number({ message: 'min is a number' }),
  max: z.number({ message: 'max is a number' }),
  days: daysSchema,
});

/**
 * One `sla:` block (global, per job, or in a route's `jira:` action). Each level
 * overrides the one above it: `days` per severity, `score` as a whole.
 */
export const slaPolicySchema = z
  .strictObject({
    days: z
      .strictObject(Object.fromEntries(SLA_SEVERITIES.map((s) => [s, daysSchema.optional()])) as Record<SlaSeverity, z.ZodOptional<typeof daysSchema>>, {
        error: (issue) => (issue.code === 'unrecognized_keys' ? `known severities: ${SLA_SEVERITIES.join(', ')}` : undefined),
      })
      .optional()
      .describe('days to remediate by severity (critical, high, medium, low, info); default 7/30/90/120/none'),
    score: z
      .strictObject({
        by: z.enum(SLA_SCORES).describe('the score: qds (1-100), cvss (0-10) or trurisk (0-1000)'),
        ranges: z.array(rangeSchema).min(1),
      })
      .superRefine((s, ctx) => {
        const sorted = s.ranges.map((r, i) => ({ ...r, i })).sort((a, b) => a.min - b.min);
        for (const r of sorted) {
          if (r.min > r.max) ctx.addIssue({ code: 'custom', path: ['ranges', r.i], message: `min ${r.min} is above max ${r.max}`, input: r });
        }
        for (let n = 1; n < sorted.length; n++) {
          const a = sorted[n - 1] as (typeof sorted)[number];
          const b = sorted[n] as (typeof sorted)[number];
          // Reported at the one written later in the file.
          const at = ['ranges', Math.max(a.i, b.i)];
          if (b.min <= a.max) {
            ctx.addIssue({ code: 'custom', path: at, message: `range ${b.min}-${b.max} overlaps range ${a.min}-${a.max}`, input: b });
          } else if (b.min - a.max > SCORE_STEP[s.by] + 1e-9) {
            ctx.addIssue({ code: 'custom', path: at, message: `gap between range ${a.min}-${a.max} and range ${b.min}-${b.max} (${s.by} moves in steps of ${SCORE_STEP[s.by]})`, input: b });
          }
        }
      })
      .optional()
      .describe('days by ranges of a score (inclusive); a finding whose score is in no range falls back to its severity'),
    breachedLabel: z.string().regex(/^\S{1,255}$/, 'a Jira label has no spaces').optional().describe('label of an open ticket past its due date; default vb-sla-breached'),
  })
  .describe('remediation SLA: due dates from when the scanner first found the finding');

export type SlaPolicyInput = z.output<typeof slaPolicySchema>;

/** `kev:` at the top of the config: where CISA's Known Exploited Vulnerabilities catalog comes from. */
export const kevConfigSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .describe('URL (https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json) or file of the catalog, in CISA\'s JSON format'),
  refreshHours: z.number().min(1).default(24).describe('how often the catalog is fetched again (at most daily by default); the last good copy is kept in the state'),
});
export type KevConfig = z.output<typeof kevConfigSchema>;

/** The policy in force for a lane: defaults, then global, job and route overrides. */
export interface SlaPolicy {
  days: Readonly<Record<SlaSeverity, number | null>>;
  score?: { by: SlaScore; ranges: ReadonlyArray<{ min: number; max: number; days: number | null }> };
  breachedLabel: string;
}

/** A route's `sla:` over the job's policy (itself global + job). */
export function overlaySla(base: SlaPolicy | undefined, over: SlaPolicyInput | undefined): SlaPolicy | undefined {
  if (!over) return base;
  const days: Record<SlaSeverity, number | null> = { ...(base?.days ?? DEFAULT_SLA_DAYS) };
  for (const [k, v] of Object.entries(over.days ?? {})) days[k as SlaSeverity] = v;
  const score = over.score ?? base?.score;
  return { days, ...(score ? { score } : {}), breachedLabel: over.breachedLabel ?? base?.breachedLabel ?? 'vb-sla-breached' };
}

/** Merge `sla:` blocks, outermost first; undefined when none is set (SLAs are opt-in). */
export function resolveSlaPolicy(...levels: ReadonlyArray<SlaPolicyInput | undefined>): SlaPolicy | undefined {
  if (levels.every((l) => l === undefined)) return undefined;
  const days: Record<SlaSeverity, number | null> = { ...DEFAULT_SLA_DAYS };
  let score: SlaPolicy['score'];
  let breachedLabel = 'vb-sla-breached';
  for (const l of levels) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l.days ?? {})) days[k as SlaSeverity] = v;
    if (l.score) score = l.score;
    if (l.breachedLabel) breachedLabel = l.breachedLabel;
  }
  return { days, ...(score ? { score } : {}), breachedLabel };
}
