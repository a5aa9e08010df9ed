/** What one cycle did; printed per job and stored with the run. */
export interface CycleCounts {
  findings: number;
  created: number;
  updated: number;
  commented: number;
  transitioned: number;
  linked: number;
  unlinked: number;
  unchanged: number;
  failed: number;
  rejected: number;
}

export const COUNT_COLUMNS: ReadonlyArray<keyof CycleCounts> = [
  'findings',
  'created',
  'updated',
  'commented',
  'transitioned',
  'linked',
  'unlinked',
  'unchanged',
  'failed',
  'rejected',
];

export function zeroCounts(): CycleCounts {
  return { findings: 0, created: 0, updated: 0, commented: 0, transitioned: 0, linked: 0, unlinked: 0, unchanged: 0, failed: 0, rejected: 0 };
}
