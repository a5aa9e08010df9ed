/**
 * Xray webhook payloads built from simulator violations, in both shapes Xray sends
 * (api-notes §2): the legacy one (pre schema 1.1) and `schema_version: "1.1"`, plus a sender
 * that POSTs them the way Xray does.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gzipSync } from 'node:zlib';
import { artifactsOf } from './generateXrayData.js';
import { goRfc3339Nano } from './xrayFormat.js';
import { SEVERITY_RANK } from './violationsQuery.js';
import type { XraySeverity, XrayViolation } from './xrayTypes.js';

export const XRAY_WEBHOOK_VERSION = '3.104.8';

/** Xray 1.x/2.x severities some legacy webhooks carry (api-notes §1.6). */
export type XrayLegacySeverity = 'Critical' | 'Major' | 'Minor';

export interface XrayWebhookInfectedFile {
  name: string;
  path: string;
  sha256: string;
  depth: number;
  parent_sha: string;
  display_name: string;
  pkg_type: string;
}

export interface XrayWebhookImpactedArtifact {
  name: string;
  display_name: string;
  path: string;
  pkg_type: string;
  sha256: string;
  sha1: string;
  depth: number;
  parent_sha: string;
  infected_files: XrayWebhookInfectedFile[];
}

export interface XrayLegacyWebhookIssue {
  severity: XraySeverity | XrayLegacySeverity;
  /** `security` lowercase, `License` capitalised (JFrog samples); `operational_risk` is a guess. */
  type: string;
  /** Absent on license issues. */
  provider?: string;
  created: string;
  summary: string;
  description: string;
  /** Absent when the issue has no CVE. */
  cve?: string;
  impacted_artifacts: XrayWebhookImpactedArtifact[];
}

export interface XrayLegacyWebhookPayload {
  created: string;
  top_severity: XraySeverity | XrayLegacySeverity;
  watch_name: string;
  policy_name: string;
  issues: XrayLegacyWebhookIssue[];
}

export interface XrayWebhookIssueV11 extends XrayLegacyWebhookIssue {
  vulnerability_id: string;
}

export interface XrayWebhookPayloadV11 {
  schema_version: '1.1';
  alert_id: string;
  created: string;
  top_severity: XraySeverity | XrayLegacySeverity;
  watch_name: string;
  policy_name: string;
  policy_rule: string;
  issues: XrayWebhookIssueV11[];
}

export interface WebhookPayloadOptions {
  /** The payload's `created` (default now), written with nanoseconds. */
  created?: Date;
  /** Sub-millisecond part of `created` (0..999999, default 220997). */
  nanos?: number;
  /** Default: the first violation's first matched policy. */
  policyName?: string;
  policyRule?: string;
  /** 24 hex chars (schema 1.1); default derived from the violations. */
  alertId?: string;
  /** 'legacy' writes Critical/Major/Minor as Xray 1.x did. */
  severities?: 'current' | 'legacy';
}

const PKG_TYPES: Record<string, string> = {
  npm: 'Npm',
  gav: 'Maven',
  deb: 'Debian',
  pypi: 'Pypi',
  docker: 'Docker',
  go: 'Go',
  generic: 'Generic',
  rpm: 'RPM',
  alpine: 'Alpine',
  nuget: 'Nuget',
};

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** What Xray writes for an infected component: `deb://debian:buster:x:1` → `debian:buster:x:1`, `Debian`. */
export function infectedFileIdentity(component: string): { name: string; display_name: string; pkg_type: string } {
  const i = component.indexOf('://');
  const scheme = i < 0 ? '' : component.slice(0, i);
  const display = i < 0 ? component : component.slice(i + 3);
  const pkgType = PKG_TYPES[scheme] ?? 'Generic';
  if (scheme === 'generic') return { name: display.slice(display.lastIndexOf('/') + 1), display_name: display, pkg_type: pkgType };
  // The sample's Debian file is named `linux-libc-dev:4.19.132-1` under display `debian:buster:linux-libc-dev:4.19.132-1`.
  const parts = display.split(':');
  const name = parts.length > 2 ? parts.slice(-2).join(':') : display;
  return { name, display_name: display, pkg_type: pkgType };
}

/** An impacted artifact string (`default/npm-local/app/-/app-1.0.0.tgz`) as a webhook object. */
export function impactedArtifactObject(artifact: string, components: string[]): XrayWebhookImpactedArtifact {
  const segments = artifact.split('/');
  const name = segments.at(-1) ?? artifact;
  const path = `${segments.slice(0, -1).join('/')}/`;
  const repo = segments[1] ?? '';
  const inner = segments.slice(2, -1);
  let pkgType = 'Generic';
  let display = name;
  if (repo.startsWith('docker')) {
    pkgType = 'Docker';
    display = `${inner.slice(0, -1).join('/')}:${inner.at(-1) ?? ''}`;
  } else if (repo.startsWith('npm')) {
    pkgType = 'Npm';
    const m = /^(.*)-(\d[^-]*)\.tgz$/.exec(name);
    display = m ? `${m[1]}:${m[2]}` : name;
  } else if (repo.startsWith('libs') || repo.startsWith('maven')) {
    pkgType = 'Maven';
    display = `${inner.slice(0, -2).join('.')}:${inner.at(-2) ?? ''}:${inner.at(-1) ?? ''}`;
  } else if (repo.startsWith('pypi')) {
    pkgType = 'Pypi';
    display = `${inner[0] ?? name}:${inner[1] ?? ''}`;
  } else if (repo.startsWith('go')) {
    pkgType = 'Go';
    display = `${inner.slice(0, -1).join('/')}:${name.replace(/\.zip$/, '')}`;
  }
  const sha = sha256(artifact);
  return {
    name,
    display_name: display,
    path,
    pkg_type: pkgType,
    sha256: sha,
    sha1: '',
    depth: 0,
    parent_sha: sha,
    infected_files: components.map((c) => ({ ...infectedFileIdentity(c), path: '', sha256: sha256(c), depth: 0, parent_sha: sha })),
  };
}

const LEGACY: Record<XraySeverity, XrayLegacySeverity> = { Critical: 'Critical', High: 'Major', Medium: 'Minor', Low: 'Minor', Information: 'Minor', Unknown: 'Minor' };
const LEGACY_RANK: Record<XrayLegacySeverity, number> = { Critical: 3, Major: 2, Minor: 1 };

function webhookType(v: XrayViolation): string {
  return v.type === 'Security' ? 'security' : v.type === 'License' ? 'License' : 'operational_risk';
}

function cveOf(v: XrayViolation): string | undefined {
  return v.properties?.map((p) => p.cve).find((c): c is string => !!c);
}

function issueOf(v: XrayViolation, opts: WebhookPayloadOptions): XrayLegacyWebhookIssue {
  // Issue `created` has milliseconds in Xray's samples; derive a stable fraction from the id.
  const frac = Number((v.violation_id ?? '0').slice(-3)) || 0;
  const issue: XrayLegacyWebhookIssue = {
    severity: opts.severities === 'legacy' ? LEGACY[v.severity] : v.severity,
    type: webhookType(v),
    created: goRfc3339Nano(Date.parse(v.created) + frac),
    summary: v.summary ?? v.issue_id,
    description: v.description ?? '',
    impacted_artifacts: artifactsOf(v).map((a) => impactedArtifactObject(a, v.infected_components)),
  };
  if (v.type !== 'License') issue.provider = v.provider ?? 'JFrog';
  const cve = cveOf(v);
  if (cve) issue.cve = cve;
  return issue;
}

function topSeverity(issues: XrayLegacyWebhookIssue[]): XraySeverity | XrayLegacySeverity {
  return issues.reduce<XraySeverity | XrayLegacySeverity>((top, i) => {
    const rank = (s: string): number => SEVERITY_RANK[s] ?? LEGACY_RANK[s as XrayLegacySeverity] ?? 0;
    return rank(i.severity) > rank(top) ? i.severity : top;
  }, issues[0]!.severity);
}

function common(violations: XrayViolation[], opts: WebhookPayloadOptions) {
  if (violations.length === 0) throw new Error('a webhook payload needs at least one violation');
  const watch = violations[0]!.watch_name;
  if (violations.some((v) => v.watch_name !== watch)) throw new Error('one webhook payload carries one watch');
  const policy = violations[0]!.matched_policies?.[0];
  const issues = violations.map((v) => issueOf(v, opts));
  return {
    created: goRfc3339Nano((opts.created ?? new Date()).getTime(), opts.nanos ?? 220_997),
    top_severity: topSeverity(issues),
    watch_name: watch,
    policy_name: opts.policyName ?? policy?.policy ?? `${watch}-policy`,
    policyRule: opts.policyRule ?? policy?.rule ?? 'rule',
    issues,
  };
}

/** Legacy payload: `{created, top_severity, watch_name, policy_name, issues[]}` (JFrog samples). */
export function buildLegacyWebhookPayload(violations: XrayViolation[], opts: WebhookPayloadOptions = {}): XrayLegacyWebhookPayload {
  const { created, top_severity, watch_name, policy_name, issues } = common(violations, opts);
  return { created, top_severity, watch_name, policy_name, issues };
}

/** Schema 1.1 payload: adds `schema_version`, `alert_id`, `policy_rule`, `issues[].vulnerability_id`. */
export function buildWebhookPayloadV11(violations: XrayViolation[], opts: WebhookPayloadOptions = {}): XrayWebhookPayloadV11 {
  const { created, top_severity, watch_name, policy_name, policyRule, issues } = common(violations, opts);
  return {
    schema_version: '1.1',
    alert_id: opts.alertId ?? sha256(violations.map((v) => v.violation_id ?? v.issue_id).join(',')).slice(0, 24),
    created,
    top_severity,
    watch_name,
    policy_name,
    policy_rule: policyRule,
    issues: issues.map((issue, i) => ({ vulnerability_id: violations[i]!.issue_id, ...issue })),
  };
}

export interface SendXrayWebhookOptions {
  auth?: { basic?: { username: string; password: string }; header?: { name: string; value: string } };
  /** Send the body gzip-compressed (`content-encoding: gzip`). */
  gzip?: boolean;
  xrayVersion?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

export interface SendXrayWebhookResult {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * POSTs `payload` (an object, or a string sent as is) with the headers Xray sends
 * (KB 000006214): user-agent and x-xray-version, JSON content type, accept-encoding gzip,
 * Basic auth and one custom header when configured. No signature: Xray signs nothing.
 */
export function sendXrayWebhook(url: string, payload: unknown, opts: SendXrayWebhookOptions = {}): Promise<SendXrayWebhookResult> {
  const version = opts.xrayVersion ?? XRAY_WEBHOOK_VERSION;
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const body = opts.gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
  const headers: Record<string, string> = {
    'user-agent': `Xray/${version}`,
    'x-xray-version': version,
    'content-type': 'application/json',
    'accept-encoding': 'gzip',
    'content-length': String(body.length),
  };
  if (opts.gzip) headers['content-encoding'] = 'gzip';
  if (opts.auth?.basic) headers.authorization = `Basic ${Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString('base64')}`;
  if (opts.auth?.header) headers[opts.auth.header.name.toLowerCase()] = opts.auth.header.value;
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', headers, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`webhook POST to ${target.host} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
