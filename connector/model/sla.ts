import type { SeverityName } from './severity.js';

/** What the SLA of a finding is computed from; stored with its ticket so it can be recomputed without the scanner. */
export interface SlaInputs {
  /** When the clock started (ISO): the scanner's first found, or its last re-open. */
  start: string;
  severity: SeverityName;
  scores: Partial<Record<'qds' | 'cvss' | 'trurisk', number>>;
  cves: string[];
}

/** What a ticket row keeps of its SLA: the inputs and the due date last written (absent: none). */
export interface SlaMemo {
  inputs: SlaInputs;
  due?: string;
}

/** A CISA KEV catalog entry (the fields we use). */
export interface KevEntry {
  cveID: string;
  dueDate: string;
  dateAdded: string;
  knownRansomwareCampaignUse: string;
}
