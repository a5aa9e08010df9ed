/** What one cycle did; printed per job and stored with the run. */
export interface CycleCounts {
  findings: number;
  created: number;
  updated: number;
  commented: number;
  transitioned: number;
  linked: number;
  unlinked: number;
  /** Files uploaded to tickets (the template's attachment): part of a new ticket, or a changed text. */
  attached: number;
  unchanged: number;
  failed: number;
  rejected: number;
  /** Records the source skipped on purpose (e.g. WAS information gathered without a status): received, nothing to do. */
  skipped: number;
  /** Incident events queued: alerts triggered (or re-triggered with news) and resolved. */
  triggered: number;
  resolved: number;
  /** Findings no routing rule matched: no action. */
  unrouted: number;
}

export const COUNT_COLUMNS: ReadonlyArray<keyof CycleCounts> = [
  'findings',
  'created',
  'updated',
  'commented',
  'transitioned',
  'linked',
  'unlinked',
  'attached',
  'unchanged',
  'failed',
  'rejected',
  'skipped',
  'triggered',
  'resolved',
  'unrouted',
];

export function zeroCounts(): CycleCounts {
  return { findings: 0, created: 0, updated: 0, commented: 0, transitioned: 0, linked: 0, unlinked: 0, attached: 0, unchanged: 0, failed: 0, rejected: 0, skipped: 0, triggered: 0, resolved: 0, unrouted: 0 };
}
