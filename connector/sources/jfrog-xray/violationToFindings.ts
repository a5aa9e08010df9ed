import type { Finding, TemplateContext } from '../../model/finding.js';
import { impactedArtifactObjects } from './impactedArtifacts.js';
import { redactString } from '../../redact.js';
import { parseComponentId } from './componentId.js';
import { highestCvss } from './cvss.js';
import { normalizeSeverity } from './severity.js';
import { isRecord, VIOLATIONS_PATH } from './xrayApi.js';

export interface NormalizeOptions {
  /** Configured JFrog Platform URL, no trailing slash. */
  platformUrl: string;
}

export interface Rejection {
  reason: string;
  record?: string;
}

export type Normalized = { findings: Finding[] } | { rejected: Rejection };

/** Identity of a violation within a job: watch | issue id | component (§1.4, §7). */
const violationKey = (watch: string, issueId: string, component: string): string => `${watch}|${issueId}|${component}`;
export const findingKey = (watch: string, issueId: string, component: string): string => `xray|${violationKey(watch, issueId, component)}`;

class Malformed extends Error {}

/**
 * One Get Violations item (or a webhook issue reshaped like one) → one finding per
 * infected component. Pull and webhook share it, so both produce the same identity and
 * the same `data` keys (the XRAY vocabulary). A record we cannot read is rejected with a
 * reason instead of throwing: the rest of its page still counts.
 */
export function violationToFindings(raw: unknown, opts: NormalizeOptions): Normalized {
  try {
    return { findings: normalize(raw, opts) };
  } catch (err) {
    if (err instanceof Malformed) return { rejected: { reason: err.message, record: truncatedRecord(raw) } };
    throw err;
  }
}

function normalize(raw: unknown, opts: NormalizeOptions): Finding[] {
  if (!isRecord(raw)) throw new Malformed(`violation is not an object (${raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw})`);
  const v = raw;
  const issueId = str(v, 'issue_id');
  if (!issueId) throw new Malformed('violation has no issue_id');
  const watch = str(v, 'watch_name');
  if (!watch) throw new Malformed(`violation ${issueId} has no watch_name`);

  const type = normalizeType(str(v, 'type'));
  const severityOriginal = str(v, 'severity');
  const { severity, rank } = normalizeSeverity(severityOriginal);
  const summary = str(v, 'summary');
  const description = str(v, 'description');
  const detailsQuery = queryOf(str(v, 'violation_details_url'));

  let components = unique(strList(v, 'infected_components'));
  if (components.length === 0) components = [queryParam(detailsQuery, 'comp_id')];
  // Xray samples write impacted_artifacts, jfrog-client-go's tag is impact_artifacts (§1.3).
  const artifacts = unique([...artifactList(v, 'impacted_artifacts'), ...artifactList(v, 'impact_artifacts')]);
  const artifactObjects = impactedArtifactObjects(v);

  const properties = records(v, 'properties');
  const cves: string[] = [];
  const cwes: string[] = [];
  const v2: string[] = [];
  const v3: string[] = [];
  for (const p of properties) {
    const cve = str(p, 'cve', 'properties[].cve');
    if (cve) cves.push(cve);
    const c2 = str(p, 'cvss_v2', 'properties[].cvss_v2');
    if (c2) v2.push(c2);
    const c3 = str(p, 'cvss_v3', 'properties[].cvss_v3');
    if (c3) v3.push(c3);
    cwes.push(...strList(p, 'cwe', 'properties[].cwe'));
  }
  const best2 = highestCvss(v2);
  const best3 = highestCvss(v3);

  const policies = records(v, 'matched_policies');
  const policyNames = unique(policies.map((p) => str(p, 'policy', 'matched_policies[].policy')));
  const ruleNames = unique(policies.map((p) => str(p, 'rule', 'matched_policies[].rule')));
  const ignoredByPolicy = policies.some((p) => p.is_ignored === true);
  const ignoreRule = activeIgnoreRule(record(v, 'ignore_rule_info'));

  const ext = record(v, 'extended_information');
  const risk = record(v, 'operational_risk');
  const applicability = [...records(v, 'applicability_details'), ...records(v, 'applicability', true)];
  const license = type === 'License';
  const violationId = v.violation_id === undefined || v.violation_id === null ? '' : scalarText(v.violation_id, 'violation_id');

  return components.map((component): Finding => {
    const parts = parseComponentId(component);
    const data: TemplateContext = {
      STATUS: 'Active',
      VIOLATION_KEY: violationKey(watch, issueId, component),
      VIOLATION_ID: violationId,
      ISSUE_ID: issueId,
      TYPE: type,
      SEVERITY: severity,
      SEVERITY_ORIGINAL: severityOriginal,
      SEVERITY_RANK: rank,
      SUMMARY: summary,
      DESCRIPTION: description,
      CVE: cves[0] ?? '',
      CVES: unique(cves),
      CVSS_V2_SCORE: best2?.score ?? '',
      CVSS_V2_VECTOR: best2?.vector ?? '',
      CVSS_V3_SCORE: best3?.score ?? '',
      CVSS_V3_VECTOR: best3?.vector ?? '',
      CVSS_SCORE: best3?.score ?? best2?.score ?? '',
      CWE: unique(cwes),
      WATCH: watch,
      WATCH_URL: `${opts.platformUrl}/ui/watchesNew/edit/${encodeURIComponent(watch)}?activeTab=violations`,
      POLICY: policyNames,
      RULE: ruleNames,
      COMPONENT: component,
      COMPONENT_NAME: parts.name,
      COMPONENT_VERSION: parts.version,
      PACKAGE_TYPE: parts.packageType,
      IMPACTED_ARTIFACTS: artifacts,
      IMPACTED_ARTIFACT_DETAILS: artifactObjects,
      INFECTED_VERSIONS: unique(strList(v, 'infected_versions')),
      FIX_VERSIONS: unique(strList(v, 'fix_versions')),
      CREATED: str(v, 'created'),
      PROVIDER: str(v, 'provider'),
      LICENSE: license ? issueId : '',
      LICENSE_NAME: license ? description || summary : '',
      // Xray may write an internal host (http://localhost:8046/...): keep only the query (§1.4).
      DETAILS_URL: detailsQuery ? `${opts.platformUrl}${VIOLATIONS_PATH}?${detailsQuery}` : '',
      JFROG_SEVERITY: ext ? str(ext, 'jfrog_research_severity', 'extended_information.jfrog_research_severity') : '',
      SHORT_DESCRIPTION: ext ? str(ext, 'short_description', 'extended_information.short_description') : '',
      REMEDIATION: ext ? str(ext, 'remediation', 'extended_information.remediation') : '',
      APPLICABILITY: applicabilityOf(applicability, component),
      OPERATIONAL_RISK: risk ? str(risk, 'risk', 'operational_risk.risk') : '',
      OPERATIONAL_RISK_REASON: risk ? str(risk, 'risk_reason', 'operational_risk.risk_reason') : '',
      IGNORE_RULE: ignoreRule ? describeIgnoreRule(ignoreRule) : '',
      PLATFORM_URL: opts.platformUrl,
    };
    return {
      key: findingKey(watch, issueId, component),
      ...(component ? { parentKey: component } : {}),
      status: 'Active',
      ignored: ignoreRule !== undefined || ignoredByPolicy,
      data,
      scope: watch,
    };
  });
}

/** `security`, `LICENSE`, `Operational Risk` → the Get Violations spelling; other types kept as sent. */
export function normalizeType(type: string): string {
  const t = type.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (t === 'security') return 'Security';
  if (t === 'license') return 'License';
  if (t === 'operational_risk') return 'Operational_Risk';
  return type.trim();
}

/** An ignore rule that still applies: not expired, not deleted. */
function activeIgnoreRule(rule: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!rule || Object.keys(rule).length === 0) return undefined;
  if (rule.is_expired === true || rule.deleted_at || rule.deleted_by) return undefined;
  return rule;
}

function describeIgnoreRule(rule: Record<string, unknown>): string {
  const author = str(rule, 'author', 'ignore_rule_info.author') || 'unknown';
  const notes = str(rule, 'notes', 'ignore_rule_info.notes');
  const expires = str(rule, 'expires_at', 'ignore_rule_info.expires_at');
  return `by ${author}${notes ? `: ${notes}` : ''}${expires ? ` (expires ${expires})` : ''}`;
}

function applicabilityOf(entries: Array<Record<string, unknown>>, component: string): string {
  const forComponent = entries.filter((e) => e.component_id === component);
  const chosen = forComponent.length ? forComponent : entries.filter((e) => e.component_id === undefined || e.component_id === null);
  return unique(chosen.map((e) => (typeof e.result === 'string' ? e.result : ''))).join(', ');
}

/** The query of `violation_details_url` (watch_id, issue_id, comp_id), without `?`. */
function queryOf(url: string): string {
  if (!url) return '';
  try {
    return new URL(url, 'http://relative.invalid').search.replace(/^\?/, '');
  } catch {
    return '';
  }
}

/**
 * One parameter of that query, percent-decoded only: Xray escapes component ids like Go's
 * url.PathEscape, which leaves `+` raw (Debian versions: `1.1.1d-0+deb10u3`), and
 * URLSearchParams would read it as a space.
 */
function queryParam(query: string, name: string): string {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq) !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1));
    } catch {
      return pair.slice(eq + 1);
    }
  }
  return '';
}

function str(o: Record<string, unknown>, key: string, name = key): string {
  const value = o[key];
  if (value === undefined || value === null) return '';
  return scalarText(value, name);
}

function scalarText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Malformed(`${name} is not a string`);
}

function strList(o: Record<string, unknown>, key: string, name = key): string[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Malformed(`${name} is not a list`);
  return value.map((item) => scalarText(item, `${name}[]`)).filter((s) => s !== '');
}

/** Artifacts are `repo/path` strings (§1.3); tolerate `{path, name}` objects as the webhook writes them. */
function artifactList(o: Record<string, unknown>, key: string): string[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Malformed(`${key} is not a list`);
  return value
    .map((item) => {
      if (typeof item === 'string') return item;
      if (isRecord(item)) return joinPath(str(item, 'path', `${key}[].path`), str(item, 'name', `${key}[].name`));
      throw new Malformed(`${key}[] is neither a path nor an object`);
    })
    .filter((s) => s !== '');
}

export function joinPath(path: string, name: string): string {
  if (!path) return name;
  if (!name) return path;
  return path.endsWith('/') ? `${path}${name}` : `${path}/${name}`;
}

function record(o: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new Malformed(`${key} is not an object`);
  return value;
}

/** `lenient`: a list whose item shape the notes do not pin down; items that are not objects are skipped. */
function records(o: Record<string, unknown>, key: string, lenient = false): Array<Record<string, unknown>> {
  const value = o[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    if (lenient) return [];
    throw new Malformed(`${key} is not a list`);
  }
  if (!lenient && value.some((item) => !isRecord(item))) throw new Malformed(`${key}[] is not an object`);
  return value.filter(isRecord);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((s) => s !== ''))];
}

const RECORD_MAX = 1000;

export function truncatedRecord(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return redactString(text.length > RECORD_MAX ? `${text.slice(0, RECORD_MAX)}…` : text);
}
