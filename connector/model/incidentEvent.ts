import type { TemplateValue } from './finding.js';

/** PagerDuty's severities; other incident tools map from these. */
export type IncidentSeverity = 'critical' | 'error' | 'warning' | 'info';

/**
 * One event for an incident tool: open-or-update (`trigger`) or close (`resolve`) the
 * alert with this dedup key. Built from a finding (or a group of findings) by the
 * pipeline, stored in the outbox, and sent by an IncidentSender.
 */
export interface IncidentEvent {
  action: 'trigger' | 'resolve';
  /** Stable per finding (or per group), at most 255 characters. */
  dedupKey: string;
  /** One line, at most 1024 characters. */
  summary: string;
  severity: IncidentSeverity;
  /** Where it happened: the host, or the watch / component. */
  source: string;
  component?: string;
  group?: string;
  class?: string;
  /** ISO 8601: when the finding was first found/created, else when the event was made. */
  timestamp: string;
  customDetails: { [key: string]: TemplateValue };
  links: Array<{ href: string; text: string }>;
  /** The finding's normalized data (webhook format `xray` re-creates Xray's payload from it). */
  finding?: { module: string; data: { [key: string]: TemplateValue } };
}
