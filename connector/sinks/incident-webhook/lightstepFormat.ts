import type { TemplateValue } from '../../model/finding.js';
import { boundedDedupKey } from '../../incidents/buildEvent.js';
import type { IncidentEvent, IncidentSeverity } from '../../incidents/types.js';

export type LightstepSeverity = 'P1-Critical' | 'P2-High' | 'P3-Moderate' | 'P4-Low' | 'P5-Informational';

/**
 * The body for a Lightstep Incident Response "Generic REST API" integration: the doc
 * sample's shape (`{"alert": {state, severity, time, title, source, original}, "version":
 * "1.0"}`, xray-pagerduty-lightstep.md §4) plus dedup_key, description and links. The
 * integration's Field mapping tab maps these JSON paths to alert fields; the state and
 * severity enumerations use the LIR values themselves so they map one to one.
 */
export interface LightstepBody {
  alert: {
    state: 'Open' | 'Closed';
    severity: LightstepSeverity;
    /** `YYYY-MM-DD HH:MM:SS`, UTC, as in the doc sample. */
    time: string;
    title: string;
    source: 'vulnbridge';
    dedup_key: string;
    description: string;
    links: Array<{ href: string; text: string }>;
    original: { [key: string]: TemplateValue };
  };
  version: '1.0';
}

const BY_SEVERITY: Readonly<Record<IncidentSeverity, LightstepSeverity>> = {
  critical: 'P1-Critical',
  error: 'P2-High',
  warning: 'P3-Moderate',
  info: 'P4-Low',
};

/** What description quotes of the details; the whole of them is under `original`. */
const MAX_DESCRIPTION_CHARS = 8000;

/** critical→P1 … info→P4; info for a finding of severity Information or Unknown → P5-Informational. */
export function lightstepSeverity(event: IncidentEvent): LightstepSeverity {
  if (event.severity === 'info') {
    const findingSeverity = event.customDetails.severity;
    if (typeof findingSeverity === 'string' && /^(information|informational|unknown)$/i.test(findingSeverity)) return 'P5-Informational';
  }
  return BY_SEVERITY[event.severity];
}

/** `2024-02-01T12:00:00.000Z` → `2024-02-01 12:00:00`; now when the timestamp is unreadable. */
export function lightstepTime(timestamp: string, now: () => Date = () => new Date()): string {
  const ms = Date.parse(timestamp);
  const date = Number.isNaN(ms) ? now() : new Date(ms);
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

export function lightstepBody(event: IncidentEvent, now?: () => Date): LightstepBody {
  return {
    alert: {
      state: event.action === 'resolve' ? 'Closed' : 'Open',
      severity: lightstepSeverity(event),
      time: lightstepTime(event.timestamp, now),
      title: event.summary,
      source: 'vulnbridge',
      dedup_key: boundedDedupKey(event.dedupKey),
      description: describeDetails(event.customDetails),
      links: event.links,
      original: event.customDetails,
    },
    version: '1.0',
  };
}

/** `key: value` lines, for tools that show only the description. */
function describeDetails(details: { [key: string]: TemplateValue }): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(details)) {
    const text = Array.isArray(v) ? v.map(scalar).join(', ') : scalar(v);
    if (text !== '') lines.push(`${k}: ${text}`);
  }
  const all = lines.join('\n');
  return all.length > MAX_DESCRIPTION_CHARS ? `${all.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : all;
}

function scalar(v: TemplateValue): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
