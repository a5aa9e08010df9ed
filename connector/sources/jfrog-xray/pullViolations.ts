import { VulnbridgeError } from '../../errors.js';
import type { Finding, FindingPage } from '../../model/finding.js';
import type { PullContext, PullResult } from '../types.js';
import { withDetails } from './fetchDetails.js';
import { VIOLATION_TYPES, type JfrogXrayConfig, type ViolationType } from './jfrogXrayConfig.js';
import { violationPages } from './violationPages.js';
import { violationToFindings, type Rejection } from './violationToFindings.js';
import { isRecord, type XrayApi } from './xrayApi.js';

const createdCursor = (watch: string): string => `created:${watch}`;
const fullCursor = (watch: string): string => `full:${watch}`;

interface WatchPlan {
  full: boolean;
  /** Newest `created` seen so far (the high-water mark). */
  hwm?: string;
  createdFrom?: string;
}

/** RFC 3339 without milliseconds, as the Get Violations date filters are documented (§1.2). */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * FULL (no `created_from`) when the watch was never listed completely, or its last
 * complete listing is `fullPullHours` old, or there is no high-water mark to start
 * from; otherwise incremental from the high-water mark minus the overlap.
 */
function planWatch(config: JfrogXrayConfig, watch: string, ctx: Pick<PullContext, 'cursors' | 'cycleStartedAt'>): WatchPlan {
  const hwm = ctx.cursors[createdCursor(watch)];
  const hwmMs = Date.parse(hwm ?? '');
  const fullMs = Date.parse(ctx.cursors[fullCursor(watch)] ?? '');
  const fullDue = !Number.isFinite(fullMs) || ctx.cycleStartedAt.getTime() - fullMs >= config.fullPullHours * 3_600_000;
  if (fullDue || !Number.isFinite(hwmMs)) return { full: true, hwm: Number.isFinite(hwmMs) ? hwm : undefined };
  return { full: false, hwm, createdFrom: rfc3339(hwmMs - config.overlapMinutes * 60_000) };
}

/** `violation_type` takes one value: one walk per type, or none when all (or none) are wanted. */
function typeWalks(types: readonly ViolationType[] | undefined): Array<ViolationType | undefined> {
  const wanted = [...new Set(types ?? [])];
  if (wanted.length === 0 || VIOLATION_TYPES.every((t) => wanted.includes(t))) return [undefined];
  return wanted;
}

function newer(current: string | undefined, raw: unknown): string | undefined {
  if (!isRecord(raw) || typeof raw.created !== 'string') return current;
  const ms = Date.parse(raw.created);
  if (!Number.isFinite(ms)) return current;
  return current === undefined || ms > Date.parse(current) ? raw.created : current;
}

/**
 * The Xray pull: watch by watch (and type by type when a subset of types is wanted),
 * one FindingPage per API page. A violation listed twice in one pull (overlap window,
 * pages shifting as violations arrive) is yielded once. Any failure throws: the
 * pipeline then moves no cursor and closes nothing.
 */
export async function* pullViolations(api: XrayApi, config: JfrogXrayConfig, ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
  const nextCursors: Record<string, string> = { ...ctx.cursors };
  const completeScopes: string[] = [];
  const seen = new Set<string>();
  const normalizeOpts = { platformUrl: api.baseUrl };
  let totalFindings = 0;
  // Progress against Xray's total_violations: known for the whole pull once its last walk started.
  const walks = config.watches.length * typeWalks(config.types).length;
  let walk = 0;
  let listedBefore = 0;

  for (const watch of config.watches) {
    const plan = planWatch(config, watch, ctx);
    ctx.log.info('pulling Xray violations', { host: api.host, watch, mode: plan.full ? 'full' : 'incremental', createdFrom: plan.createdFrom });
    let hwm = plan.hwm;
    let complete = true;
    let rejectedCount = 0;
    let watchFindings = 0;

    for (const type of typeWalks(config.types)) {
      walk++;
      let listed = 0;
      const filters: Record<string, string | boolean> = {
        watch_name: watch,
        include_details: true,
        ...(type ? { violation_type: type } : {}),
        ...(config.minSeverity ? { min_severity: config.minSeverity } : {}),
        ...(plan.createdFrom ? { created_from: plan.createdFrom } : {}),
      };
      const pages = violationPages(api, {
        filters,
        pageSize: config.pageSize,
        label: `watch ${watch}${type ? ` ${type}` : ''}`,
        signal: ctx.signal,
        log: ctx.log,
      });
      for (;;) {
        const step = await pages.next();
        if (step.done) {
          if (!step.value.complete) complete = false;
          break;
        }
        const { label, total } = step.value;
        listed += step.value.violations.length;
        const expected = walk === walks && total !== undefined ? { done: listedBefore + listed, total: listedBefore + total, unit: 'violations' } : undefined;
        const violations = config.details === 'fetch' ? await withDetails(api, step.value.violations, label, ctx.signal, ctx.log) : step.value.violations;
        const findings: Finding[] = [];
        const rejected: Rejection[] = [];
        for (const raw of violations) {
          hwm = newer(hwm, raw);
          const result = violationToFindings(raw, normalizeOpts);
          if ('rejected' in result) {
            rejected.push(result.rejected);
            continue;
          }
          for (const f of result.findings) {
            if (seen.has(f.key)) continue;
            seen.add(f.key);
            findings.push(f);
          }
        }
        rejectedCount += rejected.length;
        watchFindings += findings.length;
        totalFindings += findings.length;
        ctx.progress({ page: label, findings: findings.length, totalFindings, ...(expected ? { expected } : {}) });
        yield { label, findings, ...(rejected.length ? { rejected } : {}) };
      }
      listedBefore += listed;
    }
    if (ctx.signal.aborted) throw new VulnbridgeError('ABORTED', 'Xray pull was cancelled', { host: api.host });

    if (hwm !== undefined) nextCursors[createdCursor(watch)] = hwm;
    if (plan.full && complete && rejectedCount === 0) {
      nextCursors[fullCursor(watch)] = ctx.cycleStartedAt.toISOString();
      completeScopes.push(watch);
    } else if (plan.full) {
      // No full: cursor: the next cycle lists the watch completely again.
      ctx.log.warn('Xray watch not listed completely; its gone violations are not resolved this cycle', {
        host: api.host,
        watch,
        rejected: rejectedCount,
        walkComplete: complete,
      });
    }
    ctx.log.info('pulled Xray violations', { host: api.host, watch, findings: watchFindings, rejected: rejectedCount });
  }
  return { nextCursors, completeScopes };
}
