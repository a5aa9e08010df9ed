import type { Finding } from '../../model/finding.js';
import { textOf, type OrgJsonObject } from './orgJson.js';

export type DetectionRecord = { finding: Finding } | { rejected: { reason: string; record?: string } };

/**
 * One HLD DETECTION with its HOST → one Finding.
 *
 * Identity: host + QID + port + protocol, as in the Per-Detection scheme's Primary Key
 * (`Host ID:${ID}-QID:${QID}-Port:${PORT}`); PORT/PROTOCOL are absent for host-level
 * QIDs (qualys.md §1 "Value facts") and then empty. FQDN and INSTANCE are appended only
 * when present: Qualys reports the same QID/port once per virtual host name or per
 * database instance, and those are distinct detections.
 *
 * Data: the host's fields (without DETECTION_LIST) and the detection's at the top
 * level, as the templates address them (`${ID}`, `${IP}`, `${QID}`, `${QDS.content}`);
 * `ID` stays the host id (the detection's own id is UNIQUE_VULN_ID).
 */
export function detectionToFinding(host: OrgJsonObject, detection: OrgJsonObject): DetectionRecord {
  const hostId = textOf(host.ID);
  const qid = textOf(detection.QID);
  if (!hostId || !qid) {
    const reason = !hostId ? 'HOST without ID' : `DETECTION without QID on host ${hostId}`;
    return { rejected: { reason, record: JSON.stringify(detection).slice(0, 500) } };
  }
  const port = textOf(detection.PORT);
  const proto = textOf(detection.PROTOCOL);
  const fqdn = textOf(detection.FQDN);
  const instance = textOf(detection.INSTANCE);
  let key = `host:${hostId}|qid:${qid}|port:${port}|proto:${proto}`;
  if (fqdn) key += `|fqdn:${fqdn}`;
  if (instance) key += `|instance:${instance}`;

  // Object spread is V8's fast clone path (this runs once per detection). DETECTION_LIST
  // is only attached to the host when it closes, after its detections were taken.
  const data: OrgJsonObject = { ...host, ...detection, ID: host.ID! };
  if (data.DETECTION_LIST !== undefined) delete data.DETECTION_LIST;

  return {
    finding: {
      key,
      parentKey: `host:${hostId}`,
      status: textOf(detection.STATUS),
      ignored: textOf(detection.IS_IGNORED) === '1',
      data,
      lookups: [
        { ns: 'qualys.kb', id: qid, into: 'VULN' },
        { ns: 'qualys.host', id: hostId },
      ],
    },
  };
}
