import { createHash } from 'node:crypto';
import { SinkError } from '../../errors.js';
import type { TemplateContext, TemplateValue } from '../../model/finding.js';
import { listAt, textAt } from '../../incidents/findingFacts.js';
import { severityName, SEVERITY_ORDER } from '../../model/severity.js';
import type { IncidentEvent } from '../../incidents/types.js';

/**
 * Xray's own violation webhook payload, schema_version 1.1 (JFrog KB 000006214,
 * xray-pagerduty-lightstep.md §2.1), re-created from the normalized finding so a receiver
 * built for Xray webhooks (a PagerDuty Xray integration URL, JFrog's Slack formatter, a
 * SIEM) takes our events unchanged. impacted_artifacts use the object shape of JFrog's
 * samples (§2.2: name, display_name, path, pkg_type, infected_files[]), which is what
 * those receivers read.
 */
export interface XrayWebhookPayload {
  schema_version: '1.1';
  alert_id: string;
  created: string;
  top_severity: string;
  watch_name: string;
  policy_name: string;
  policy_rule: string;
  issues: XrayWebhookIssue[];
}

export interface XrayWebhookIssue {
  vulnerability_id: string;
  severity: string;
  type: string;
  provider?: string;
  created: string;
  summary: string;
  description: string;
  cve?: string;
  impacted_artifacts: XrayImpactedArtifact[];
}

interface XrayFile {
  name: string;
  display_name: string;
  path: string;
  pkg_type: string;
  sha256: string;
  depth: number;
  parent_sha: string;
}

export interface XrayImpactedArtifact extends XrayFile {
  sha1: string;
  infected_files: XrayFile[];
}

/**
 * The payload for a trigger; undefined for a resolve. Xray has no "resolved" webhook: it
 * calls webhooks only when a scan finds a violation, so a receiver built for its payload
 * has nothing to understand a resolve with. The sender treats undefined as sent.
 */
export function xrayWebhookBody(event: IncidentEvent, now: () => Date = () => new Date()): XrayWebhookPayload | undefined {
  if (event.action === 'resolve') return undefined;
  const finding = event.finding;
  if (!finding || finding.module !== 'XRAY') {
    throw new SinkError(
      'SINK_REJECTED',
      `webhook format \`xray\` re-creates Xray violations only; this event is from ${finding?.module ?? 'no finding'}`,
      { hint: 'use format lightstep or template for this job, or route only Xray jobs to this action' },
    );
  }
  // A group event carries its findings under ISSUES (buildGroupEvent).
  const contexts = Array.isArray(finding.data.ISSUES) ? finding.data.ISSUES.filter(isContext) : [finding.data];
  const issues = contexts.map(issueOf);
  const first = contexts[0] ?? {};
  const top = SEVERITY_ORDER.find((s) => issues.some((i) => i.severity === s)) ?? 'Unknown';
  return {
    schema_version: '1.1',
    // Same content, same id: a receiver that deduplicates by alert_id drops our retries.
    alert_id: createHash('sha256').update(event.dedupKey).update(JSON.stringify(issues)).digest('hex').slice(0, 24),
    created: now().toISOString(),
    top_severity: top,
    watch_name: textAt(first, 'WATCH') || stringOf(finding.data.GROUP),
    policy_name: listAt(first, 'POLICY')[0] ?? '',
    policy_rule: listAt(first, 'RULE')[0] ?? '',
    issues,
  };
}

function issueOf(ctx: TemplateContext): XrayWebhookIssue {
  const cve = textAt(ctx, 'CVE');
  const provider = textAt(ctx, 'PROVIDER');
  return {
    vulnerability_id: textAt(ctx, 'ISSUE_ID'),
    severity: severityName(textAt(ctx, 'SEVERITY')),
    type: webhookType(textAt(ctx, 'TYPE')),
    ...(provider ? { provider } : {}),
    created: textAt(ctx, 'CREATED'),
    summary: rawText(ctx.SUMMARY),
    description: rawText(ctx.DESCRIPTION),
    ...(cve ? { cve } : {}),
    impacted_artifacts: listAt(ctx, 'IMPACTED_ARTIFACTS').map((path) => artifactOf(path, ctx)),
  };
}

/** JFrog's samples write `security` in lower case and `License` capitalised (§2.1, §2.2). */
function webhookType(type: string): string {
  if (type === 'Security') return 'security';
  if (type === 'License') return 'License';
  return type.toLowerCase();
}

const PKG_TYPES: Readonly<Record<string, string>> = {
  gav: 'Maven',
  maven: 'Maven',
  npm: 'Npm',
  deb: 'Debian',
  debian: 'Debian',
  docker: 'Docker',
  pypi: 'Pypi',
  go: 'Go',
  nuget: 'NuGet',
  rpm: 'RPM',
  alpine: 'Alpine',
  gem: 'Gem',
  composer: 'Composer',
  conan: 'Conan',
  generic: 'Generic',
};

/** `default/libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar` → the sample's artifact object. */
function artifactOf(path: string, ctx: TemplateContext): XrayImpactedArtifact {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const component = textAt(ctx, 'COMPONENT');
  const componentName = textAt(ctx, 'COMPONENT_NAME');
  const version = textAt(ctx, 'COMPONENT_VERSION');
  const pkg = textAt(ctx, 'PACKAGE_TYPE');
  return {
    name,
    display_name: name,
    path: path.slice(0, slash + 1),
    pkg_type: artifactType(name),
    sha256: '',
    sha1: '',
    depth: 0,
    parent_sha: '',
    infected_files: component
      ? [
          {
            name: componentName && version ? `${componentName}:${version}` : component.replace(/^[a-z0-9]+:\/\//i, ''),
            display_name: component.replace(/^[a-z0-9]+:\/\//i, ''),
            path: '',
            pkg_type: PKG_TYPES[pkg.toLowerCase()] ?? pkg,
            sha256: '',
            depth: 0,
            parent_sha: '',
          },
        ]
      : [],
  };
}

/** The package type an artifact's file name tells; Generic when it tells none. */
function artifactType(name: string): string {
  if (name === 'manifest.json' || name === 'list.manifest.json') return 'Docker';
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const byExt: Record<string, string> = { jar: 'Maven', war: 'Maven', ear: 'Maven', pom: 'Maven', tgz: 'Npm', whl: 'Pypi', deb: 'Debian', rpm: 'RPM', nupkg: 'NuGet', gem: 'Gem' };
  return byExt[ext] ?? 'Generic';
}

function isContext(v: TemplateValue): v is TemplateContext {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringOf(v: TemplateValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** Summary and description as Xray sent them (newlines kept). */
function rawText(v: TemplateValue | undefined): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}
