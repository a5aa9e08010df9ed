import { VulnbridgeError } from '../../errors.js';
import { isCancelled } from '../../http/failurePolicy.js';
import type { Finding, FindingPage } from '../../model/finding.js';
import type { WebhookCheck, WebhookContext, WebhookIntake } from '../types.js';
import { componentIdFromPayload } from './componentId.js';
import type { JfrogXrayConfig } from './jfrogXrayConfig.js';
import { violationPages } from './violationPages.js';
import { joinPath, normalizeType, truncatedRecord, violationToFindings, type Rejection } from './violationToFindings.js';
import { isRecord, type XrayApi } from './xrayApi.js';

/** Pages read when resolving one legacy issue: a CVE of one watch rarely has more violations. */
const RESOLVE_MAX_PAGES = 10;
/** Enough of a description to single it out, short enough for a filter value. */
const NAME_CONTAINS_MAX = 200;

interface Payload {
  schemaVersion?: string;
  alertId?: string;
  watch: string;
  policy: string;
  rule: string;
  issues: Array<Record<string, unknown>>;
}

function invalid(reason: string): VulnbridgeError {
  return new VulnbridgeError('WEBHOOK_INVALID', reason, {
    hint: 'expected an Xray policy webhook payload (schema_version 1.1 or the legacy one): watch_name and issues[]',
  });
}

/** Both known shapes (§2.1 schema 1.1, §2.2 legacy) share `watch_name` and `issues[]`. */
function readPayload(body: unknown): Payload {
  if (!isRecord(body)) throw invalid('payload is not a JSON object');
  const schema = body.schema_version;
  if (schema !== undefined && schema !== null) {
    if (typeof schema !== 'string' || !/^1(\.\d+)?$/.test(schema)) {
      throw invalid(`unknown schema_version ${JSON.stringify(schema)} (known: 1.1, or none for the legacy payload)`);
    }
  }
  if (typeof body.watch_name !== 'string' || body.watch_name === '') throw invalid('payload has no watch_name');
  if (!Array.isArray(body.issues)) throw invalid('payload has no issues list');
  const bad = body.issues.findIndex((i) => !isRecord(i));
  if (bad >= 0) throw invalid(`issues[${bad}] is not an object`);
  return {
    schemaVersion: typeof schema === 'string' ? schema : undefined,
    alertId: typeof body.alert_id === 'string' ? body.alert_id : undefined,
    watch: body.watch_name,
    policy: typeof body.policy_name === 'string' ? body.policy_name : '',
    rule: typeof body.policy_rule === 'string' ? body.policy_rule : '',
    issues: body.issues as Array<Record<string, unknown>>,
  };
}

function describePayload(p: Payload): string {
  const n = `${p.issues.length} issue${p.issues.length === 1 ? '' : 's'}, watch ${p.watch}`;
  if (p.schemaVersion === undefined) return `legacy payload: ${n}`;
  const alert = p.alertId ? ` alert ${p.alertId.length > 8 ? `${p.alertId.slice(0, 8)}…` : p.alertId}` : '';
  return `schema ${p.schemaVersion}${alert}: ${n}`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The components an issue names, each with the artifacts that contain it: every
 * infected file (`infected_files[]`, Xray 1.x `infected_file`) of every impacted
 * artifact; an artifact without infected files is the component itself.
 */
function componentsOf(issue: Record<string, unknown>): Map<string, string[]> | string {
  const artifacts = issue.impacted_artifacts;
  if (!Array.isArray(artifacts)) return 'issue has no impacted_artifacts list';
  const out = new Map<string, string[]>();
  const add = (component: string, artifact: string) => {
    if (!component) return;
    const list = out.get(component) ?? [];
    if (artifact && !list.includes(artifact)) list.push(artifact);
    out.set(component, list);
  };
  for (const a of artifacts) {
    if (!isRecord(a)) return 'impacted_artifacts[] is not an object';
    const artifactPath = joinPath(text(a.path), text(a.name));
    const files = [...(Array.isArray(a.infected_files) ? a.infected_files : []), ...(isRecord(a.infected_file) ? [a.infected_file] : [])];
    const fileRecords = files.filter(isRecord);
    if (fileRecords.length === 0) add(componentIdFromPayload(fileFields(a)), artifactPath);
    for (const f of fileRecords) add(componentIdFromPayload(fileFields(f)), artifactPath);
  }
  return out.size ? out : 'issue names no impacted artifact or infected file';
}

function fileFields(r: Record<string, unknown>): { pkg_type: string; display_name: string; name: string; sha256: string } {
  return { pkg_type: text(r.pkg_type), display_name: text(r.display_name), name: text(r.name), sha256: text(r.sha256) };
}

/** The issue reshaped as a Get Violations item, so the pull's normalization applies unchanged. */
function asViolation(p: Payload, issue: Record<string, unknown>, issueId: string, component: string, artifacts: string[]): Record<string, unknown> {
  const policy = text(issue.policy_name) || p.policy;
  const rule = text(issue.policy_rule) || p.rule;
  return {
    issue_id: issueId,
    watch_name: p.watch,
    type: issue.type,
    severity: issue.severity,
    summary: issue.summary,
    description: issue.description,
    provider: issue.provider,
    created: issue.created,
    infected_components: [component],
    impacted_artifacts: artifacts,
    infected_versions: Array.isArray(issue.infected_versions) ? issue.infected_versions : undefined,
    fix_versions: Array.isArray(issue.fix_versions) ? issue.fix_versions : undefined,
    matched_policies: policy || rule ? [{ policy, rule }] : [],
    properties: typeof issue.cve === 'string' && issue.cve ? [{ cve: issue.cve }] : [],
  };
}

type Resolution = { listed: unknown[] } | { failed: string };

/**
 * Webhook intake: `check` when the payload arrives, `findings` when it is processed.
 * Findings go through the pull's normalization, so a pushed violation has the pulled
 * one's identity. Legacy payloads carry no issue id (only `cve`, or the license name in
 * `summary`): it is resolved through Get Violations for the watch.
 */
export function createWebhookIntake(api: XrayApi, config: JfrogXrayConfig): WebhookIntake {
  const normalizeOpts = { platformUrl: api.baseUrl };

  async function resolve(watch: string, filter: Record<string, string>, ctx: WebhookContext): Promise<Resolution> {
    const listed: unknown[] = [];
    try {
      const walk = violationPages(api, {
        filters: { watch_name: watch, include_details: true, ...filter },
        pageSize: config.pageSize,
        label: `webhook lookup ${Object.values(filter).join(' ')} watch ${watch}`,
        signal: ctx.signal,
        log: ctx.log,
        maxPages: RESOLVE_MAX_PAGES,
      });
      for (;;) {
        const step = await walk.next();
        if (step.done) break;
        listed.push(...step.value.violations);
      }
    } catch (err) {
      if (isCancelled(err)) throw err;
      return { failed: err instanceof Error ? err.message : String(err) };
    }
    return { listed };
  }

  return {
    check(body: unknown): WebhookCheck {
      return { description: describePayload(readPayload(body)) };
    },

    async findings(body: unknown, ctx: WebhookContext): Promise<FindingPage> {
      const p = readPayload(body);
      const label = `webhook ${describePayload(p)}`;
      const byKey = new Map<string, Finding>();
      const rejected: Rejection[] = [];
      const resolutions = new Map<string, Promise<Resolution>>();
      /** Adds the findings of one violation (those of `only` components when given); returns their components. */
      const take = (raw: unknown, partial: boolean, only?: ReadonlySet<string>): string[] => {
        const result = violationToFindings(raw, normalizeOpts);
        if ('rejected' in result) {
          rejected.push(result.rejected);
          return [];
        }
        const taken: string[] = [];
        for (const f of result.findings) {
          const component = String(f.data.COMPONENT);
          if (only && !only.has(component)) continue;
          taken.push(component);
          if (!byKey.has(f.key)) byKey.set(f.key, partial ? { ...f, partial: true } : f);
        }
        return taken;
      };

      for (const [index, issue] of p.issues.entries()) {
        const components = componentsOf(issue);
        if (typeof components === 'string') {
          rejected.push({ reason: `issues[${index}]: ${components}`, record: truncatedRecord(issue) });
          continue;
        }
        const partial = (issueId: string) => {
          for (const [component, artifacts] of components) take(asViolation(p, issue, issueId, component, artifacts), true);
        };
        const vulnerabilityId = text(issue.vulnerability_id);
        if (vulnerabilityId) {
          partial(vulnerabilityId);
          continue;
        }

        const license = normalizeType(text(issue.type)) === 'License';
        const cve = text(issue.cve);
        const summary = text(issue.summary);
        const description = text(issue.description);
        const fallbackId = license ? summary : cve || summary;
        if (!fallbackId) {
          rejected.push({ reason: `issues[${index}]: no vulnerability_id, cve or summary to identify it`, record: truncatedRecord(issue) });
          continue;
        }
        // Get Violations has no summary filter; `name_contains` matches the description (§1.2).
        const byDescription = !license && !cve;
        const filter: Record<string, string> | undefined = license
          ? { issue_id: summary }
          : cve
            ? { cve_id: cve }
            : description
              ? { name_contains: description.slice(0, NAME_CONTAINS_MAX) }
              : undefined;
        if (!filter) {
          ctx.log.warn('Xray webhook issue has no id, CVE or description; using its summary as issue id, the pull will see a different id', {
            watch: p.watch,
            summary: fallbackId,
          });
          partial(fallbackId);
          continue;
        }

        const cacheKey = JSON.stringify(filter);
        let pending = resolutions.get(cacheKey);
        if (!pending) {
          pending = resolve(p.watch, filter, ctx);
          resolutions.set(cacheKey, pending);
        }
        const resolved = await pending;
        // A description can be shared by several issues: keep those with this issue's summary.
        const resolution: Resolution =
          'listed' in resolved && byDescription
            ? { listed: resolved.listed.filter((v) => isRecord(v) && v.summary === summary) }
            : resolved;
        if ('failed' in resolution) {
          ctx.log.warn(
            `could not resolve the Xray issue id of a legacy webhook issue; using ${license ? 'the license name' : cve ? 'the CVE' : 'the summary'} as issue id, so the pull will see this violation under a different id`,
            { host: api.host, watch: p.watch, id: fallbackId, error: resolution.failed },
          );
          partial(fallbackId);
          continue;
        }
        // The listed violations carry the full data: use them for the components the payload names.
        const named = new Set(components.keys());
        const matched = new Set(resolution.listed.flatMap((raw) => take(raw, false, named)));
        const unmatched = [...components].filter(([component]) => !matched.has(component));
        if (unmatched.length === 0) continue;
        const listedIds = [
          ...new Set(resolution.listed.map((v) => (isRecord(v) && typeof v.issue_id === 'string' ? v.issue_id : '')).filter(Boolean)),
        ];
        const single = listedIds.length === 1 ? listedIds[0] : undefined;
        const issueId = single ?? fallbackId;
        if (single === undefined) {
          ctx.log.warn(
            `Xray lists no single violation for this legacy webhook issue; using ${license ? 'the license name' : cve ? 'the CVE' : 'the summary'} as issue id, so the pull may see it under a different id`,
            { host: api.host, watch: p.watch, id: fallbackId, listedIssueIds: listedIds, components: unmatched.map(([c]) => c) },
          );
        }
        for (const [component, artifacts] of unmatched) take(asViolation(p, issue, issueId, component, artifacts), true);
      }
      return { label, findings: [...byKey.values()], ...(rejected.length ? { rejected } : {}) };
    },
  };
}
