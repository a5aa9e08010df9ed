import type { SimIssue } from '../../sim/jira/simStore.js';
import type { QualysSimData, SimDetection, SimHost } from '../../sim/qualys/generateVmdrData.js';

/** `hostId|qid`: one host never has the same QID twice in the simulator's data. */
export type DetectionId = string;

export const detectionId = (hostId: string, qid: string): DetectionId => `${hostId}|${qid}`;

const OPEN = new Set(['New', 'Active', 'Re-Opened']);

/** Whether a template's operationMappings open a ticket for it (status open, not ignored). */
export function wantsTicket(d: SimDetection): boolean {
  return OPEN.has(d.STATUS) && d.IS_IGNORED === '0';
}

export interface DetectionView {
  host: SimHost;
  detection: SimDetection;
  open: boolean;
  qds: number;
}

/** Every detection of the simulator's data, as the next full pull would return it. */
export function detectionsById(data: QualysSimData): Map<DetectionId, DetectionView> {
  const out = new Map<DetectionId, DetectionView>();
  for (const [host, d] of data.allDetections()) {
    out.set(detectionId(host.ID, d.QID), { host, detection: { ...d }, open: wantsTicket(d), qds: d.QDS });
  }
  return out;
}

export function openIds(data: QualysSimData): Set<DetectionId> {
  return new Set([...detectionsById(data)].filter(([, v]) => v.open).map(([k]) => k));
}

/** Which detection a ticket is for, from the labels both VMDR schemes write. */
export function issueDetectionId(issue: SimIssue): DetectionId | undefined {
  const labels = (issue.fields.labels as string[] | undefined) ?? [];
  const host = labels.map((l) => /^qualys-host-(\d+)$/.exec(l)?.[1]).find(Boolean);
  const qid = labels.map((l) => /^qid-(\d+)$/.exec(l)?.[1]).find(Boolean);
  return host && qid ? detectionId(host, qid) : undefined;
}

/** The QDS bands of both VMDR schemes' priorityMapping (and Qualys' own, host_detection.htm). */
export function qdsPriority(qds: number): string {
  if (qds >= 90) return 'Highest';
  if (qds >= 70) return 'High';
  if (qds >= 40) return 'Medium';
  return 'Low';
}

export function priorityOf(issue: SimIssue): string | undefined {
  return (issue.fields.priority as { name?: string } | undefined)?.name;
}

/**
 * Change one detection the way a new scan would: the host's detections are materialized
 * (the simulator generates them lazily) and LAST_UPDATE/LAST_PROCESSED are stamped so the
 * next incremental pull returns it.
 */
export function changeDetection(data: QualysSimData, id: DetectionId, at: string, change: (d: SimDetection) => void): SimDetection {
  const [hostId, qid] = id.split('|');
  const host = data.host(hostId ?? '');
  if (!host) throw new Error(`test: no host ${hostId}`);
  host.detections = data.detectionsOf(host);
  const d = host.detections.find((x) => x.QID === qid);
  if (!d) throw new Error(`test: no detection ${id}`);
  change(d);
  d.LAST_UPDATE_DATETIME = at;
  d.LAST_PROCESSED_DATETIME = at;
  return d;
}
