import { createHash } from 'node:crypto';
import type { TemplateContext, TemplateValue } from '../model/finding.js';
import type { SeverityName } from '../model/severity.js';
import { findingFacts, type FindingFacts } from './findingFacts.js';
import { andMore, fitDetails, jsonBytes, MAX_BODY_BYTES, type Details } from './fitSize.js';
import { incidentSeverity, SEVERITY_ORDER, type SeverityMap } from './severity.js';
import type { IncidentEvent } from './types.js';

/** PagerDuty limits (xray-pagerduty-lightstep.md §3). */
export const MAX_SUMMARY_CHARS = 1024;
export const MAX_DEDUP_KEY_CHARS = 255;
/** Items a group alert lists before "and N more". */
export const GROUP_ITEMS_LISTED = 20;
/** Room left in the 512 KB body for what the sender adds (routing key, client, JSON of the envelope). */
const ENVELOPE_RESERVE_BYTES = 1024;

export interface JiraLink {
  key: string;
  url: string;
}

interface CommonOptions {
  action: 'trigger' | 'resolve';
  /** Stable per finding or group; a longer one is shortened with a hash (same input, same key). */
  dedupKey: string;
  /** Finding severity → incident severity, over the defaults (Critical→critical, High→error, Medium→warning, else info). */
  severityMap?: SeverityMap;
  /** The finding's (or group's) Jira ticket, linked from the alert. */
  jira?: JiraLink;
  /** Clock for events whose finding has no valid first-found time. */
  now?: () => Date;
}

export interface BuildEventOptions extends CommonOptions {
  /** 'XRAY' | 'VMDR'; other Qualys modules are described best effort. */
  module: string;
  /** The finding's template context (data with lookups merged). */
  ctx: TemplateContext;
}

/** One incident event for one finding. */
export function buildIncidentEvent(opts: BuildEventOptions): IncidentEvent {
  const facts = findingFacts(opts.module, opts.ctx);
  const now = opts.now ?? (() => new Date());
  const details: Details = { ...facts.details };
  if (opts.jira) details.jira_ticket = opts.jira.key;
  const event: IncidentEvent = {
    action: opts.action,
    dedupKey: boundedDedupKey(opts.dedupKey),
    summary: oneLineSummary(facts.line(false)),
    severity: incidentSeverity(facts.severity, opts.severityMap),
    source: facts.source,
    ...optional(facts),
    timestamp: isoTimestamp(facts.firstSeen, now),
    customDetails: details,
    links: withJira(facts.links, opts.jira),
    finding: { module: opts.module, data: fitDetails(opts.ctx, MAX_BODY_BYTES) },
  };
  return fitEvent(event);
}

export interface BuildGroupEventOptions extends CommonOptions {
  module: string;
  /** One alert per watch (Xray) or per host (Qualys) and severity. */
  groupBy: 'watch' | 'host';
  /** The watch name or host the alert is about. */
  group: string;
  severity: SeverityName;
  /** Template contexts of the group's findings still open. */
  items: readonly TemplateContext[];
  /** How many of them are new since the last event of this group. */
  newCount?: number;
}

/**
 * One incident event for a group of findings: `12 High violations in watch prod (3 new)`,
 * with counts per type and severity and the first 20 findings listed (JFrog's PagerDuty
 * app summarises per webhook call the same way instead of paging once per issue, §5).
 */
export function buildGroupEvent(opts: BuildGroupEventOptions): IncidentEvent {
  const now = opts.now ?? (() => new Date());
  const facts = opts.items.map((ctx) => findingFacts(opts.module, ctx));
  const n = facts.length;
  const xray = opts.module === 'XRAY';
  const noun = xray ? (n === 1 ? 'violation' : 'violations') : n === 1 ? 'vulnerability' : 'vulnerabilities';
  const where = opts.groupBy === 'watch' ? `in watch ${opts.group}` : `on host ${opts.group}`;
  const fresh = opts.newCount && opts.newCount > 0 ? ` (${opts.newCount} new)` : '';
  const summary = n === 0 ? `No ${opts.severity} ${noun} left ${where}` : `${n} ${opts.severity} ${noun} ${where}${fresh}`;

  const byType = countBy(facts, (f) => f.class ?? 'Unknown');
  const bySeverity = countBy(facts, (f) => f.severity);
  const orderedSeverity: Details = {};
  for (const s of SEVERITY_ORDER) if (bySeverity[s] !== undefined) orderedSeverity[s] = bySeverity[s] as number;
  const listed: TemplateValue[] = facts.slice(0, GROUP_ITEMS_LISTED).map((f) => f.line(true));
  if (n > GROUP_ITEMS_LISTED) listed.push(andMore(n - GROUP_ITEMS_LISTED));

  const details: Details = {
    [opts.groupBy]: opts.group,
    severity: opts.severity,
    count: n,
    new: opts.newCount ?? 0,
    count_by_type: byType,
    count_by_severity: orderedSeverity,
    items: listed,
  };
  if (xray) {
    const policies = [...new Set(facts.map((f) => f.details.policy).filter((p): p is string => typeof p === 'string' && p !== ''))];
    if (policies.length) details.policies = policies;
  }
  if (opts.jira) details.jira_ticket = opts.jira.key;

  const types = Object.keys(byType);
  const firstSeen = facts.map((f) => isoOrUndefined(f.firstSeen)).filter((t): t is string => t !== undefined).sort()[0];
  const links = facts.find((f) => f.links.length > 0)?.links ?? [];
  const event: IncidentEvent = {
    action: opts.action,
    dedupKey: boundedDedupKey(opts.dedupKey),
    summary: oneLineSummary(summary),
    severity: incidentSeverity(opts.severity, opts.severityMap),
    source: opts.group || opts.module,
    group: opts.group || undefined,
    ...(types.length ? { class: types.join(', ') } : {}),
    timestamp: firstSeen ?? now().toISOString(),
    customDetails: details,
    links: withJira(xray ? links : [], opts.jira),
    finding: {
      module: opts.module,
      data: fitDetails(
        { GROUP: opts.group, GROUP_BY: opts.groupBy, ISSUES: opts.items.slice(0, GROUP_ITEMS_LISTED) as TemplateValue[] },
        MAX_BODY_BYTES,
      ),
    },
  };
  return fitEvent(event);
}

/**
 * The event with its custom details cut so the PagerDuty body built from it stays within
 * 512 KB (the longest fields first; see fitDetails). Senders call it again on what they
 * send, so an event stored before a limit changed still fits.
 */
export function fitEvent(event: IncidentEvent, maxBytes: number = MAX_BODY_BYTES): IncidentEvent {
  const { finding: _finding, customDetails, ...rest } = event;
  const envelope = jsonBytes({ ...rest, customDetails: {} }) + ENVELOPE_RESERVE_BYTES;
  const budget = Math.max(0, maxBytes - envelope);
  if (jsonBytes(customDetails) <= budget) return event;
  return { ...event, customDetails: fitDetails(customDetails, budget) };
}

/** At most 1024 characters on one line, cut with "…". */
export function oneLineSummary(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim() || 'vulnbridge finding';
  if (line.length <= MAX_SUMMARY_CHARS) return line;
  let cut = MAX_SUMMARY_CHARS - 1;
  const code = line.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${line.slice(0, cut)}…`;
}

/** The key itself when it fits PagerDuty's 255 characters, else a prefix and its SHA-256: stable per input. */
export function boundedDedupKey(key: string): string {
  if (key.length <= MAX_DEDUP_KEY_CHARS) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUP_KEY_CHARS - hash.length - 1)}#${hash}`;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** `raw` as an ISO 8601 UTC time when it is a valid ISO 8601 date-time with a zone, else now. */
export function isoTimestamp(raw: string, now: () => Date = () => new Date()): string {
  return isoOrUndefined(raw) ?? now().toISOString();
}

function isoOrUndefined(raw: string): string | undefined {
  const t = raw.trim();
  if (!ISO_8601.test(t)) return undefined;
  // Xray writes nanoseconds (2024-10-01T21:25:49.935220997Z); Date keeps milliseconds.
  const normalized = t.replace(/(\.\d{3})\d+/, '$1').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function optional(facts: FindingFacts): Pick<IncidentEvent, 'component' | 'group' | 'class'> {
  return {
    ...(facts.component ? { component: facts.component } : {}),
    ...(facts.group ? { group: facts.group } : {}),
    ...(facts.class ? { class: facts.class } : {}),
  };
}

function withJira(links: Array<{ href: string; text: string }>, jira: JiraLink | undefined): Array<{ href: string; text: string }> {
  const out = [...links];
  if (jira && /^https?:\/\//i.test(jira.url)) out.push({ href: jira.url, text: `Jira ${jira.key}` });
  return out;
}

function countBy(facts: readonly FindingFacts[], key: (f: FindingFacts) => string): { [k: string]: number } {
  const out: { [k: string]: number } = {};
  for (const f of facts) {
    const k = key(f);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
