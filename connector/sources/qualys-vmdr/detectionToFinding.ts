import { hash } from 'node:crypto';
import type { Finding, FindingHead } from '../../model/finding.js';
import { objectOf, parseElements, rawXml, textOf, type OrgJsonObject, type OrgJsonValue, type RawElement } from './orgJson.js';

export type BuiltRecord = { finding: Finding } | { rejected: { reason: string; record?: string } };
/**
 * Or a detection digested but not built yet: the pipeline is asked first
 * (`PullContext.known`); `finish` builds its finding from the parsed text (`parseElements`).
 */
export type DetectionRecord = BuiltRecord | { head: FindingHead; xml: string; finish: (detection: OrgJsonValue | undefined) => Finding };

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
export function detectionToFinding(host: OrgJsonObject, detection: OrgJsonObject): BuiltRecord {
  const head = detectionHead(host, detection);
  if ('rejected' in head) return head;
  return { finding: { ...head.head, data: mergedData(host, detection) } };
}

/**
 * A DETECTION taken as text (`OrgJsonBuilderOptions.raw`): its head from its fields and
 * its digest from its text, its finding parsed and built only if the pipeline asks.
 */
export function digestedDetection(host: OrgJsonObject, hostPart: string, element: RawElement): DetectionRecord {
  const head = detectionHead(host, element.fields);
  if ('rejected' in head) {
    const detection = objectOf(parseElements([rawXml(element)])[0]);
    return detection ? detectionToFinding(host, detection) : { rejected: { reason: 'empty DETECTION', record: rawXml(element).slice(0, 500) } };
  }
  // Two hashes, the text's as sliced from the stream: no copy of the text is made to hash it.
  const sourceDigest = hash('sha1', `${hostPart}\u0000${element.openTag}\u0000${hash('sha1', element.body, 'base64')}`, 'base64');
  // Completed in place: a head per detection of a million-detection pull, not a copy.
  const h: FindingHead = Object.assign(head.head, { sourceDigest });
  return { head: h, xml: rawXml(element), finish: (detection) => ({ ...h, data: mergedData(host, objectOf(detection) ?? {}) }) };
}

/** The DETECTION children `detectionHead` reads. */
export const HEAD_FIELDS: ReadonlySet<string> = new Set(['QID', 'PORT', 'PROTOCOL', 'FQDN', 'INSTANCE', 'STATUS', 'IS_IGNORED']);

/** A detection's finding without its data: identity, status, lookups (it reads only HEAD_FIELDS of the detection). */
function detectionHead(host: OrgJsonObject, detection: OrgJsonObject): { head: Omit<Finding, 'data'> } | Extract<BuiltRecord, { rejected: unknown }> {
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

  return {
    head: {
      key,
      parentKey: `host:${hostId}`,
      status: textOf(detection.STATUS),
      ignored: textOf(detection.IS_IGNORED) === '1',
      lookups: [
        { ns: 'qualys.kb', id: qid, into: 'VULN' },
        { ns: 'qualys.host', id: hostId },
      ],
    },
  };
}

/**
 * Bump when `detectionToFinding` would make another finding of the same XML (a new key
 * rule, another data shape) or the digest is taken otherwise: every recorded source
 * digest stops matching. 2: a DETECTION's text as sent, not its parsed value.
 */
const SOURCE_DIGEST_FORMAT = 2;

/**
 * A host's part of its detections' digests: its fields (those before DETECTION_LIST, all
 * the finding takes) as parsed, and the mapping's format; hashed once per host. A
 * detection's own part is its text as sent (`digestedDetection`).
 */
export function hostDigestPart(host: OrgJsonObject): string {
  const fields: OrgJsonObject = {};
  for (const k of Object.keys(host)) if (k !== 'DETECTION_LIST') fields[k] = host[k]!;
  return `${SOURCE_DIGEST_FORMAT}\u0000${hash('sha1', JSON.stringify(fields), 'base64')}`;
}

/**
 * `{ ...host, ...detection, ID: host.ID }` without DETECTION_LIST, built by plain
 * assignment: the double spread of ~35 keys left V8 with a dictionary-mode object, ~20x
 * slower to build and ~6x slower to JSON.stringify (staging does that per detection)
 * than the same keys assigned in order. Same keys, same order, same values.
 */
function mergedData(host: OrgJsonObject, detection: OrgJsonObject): OrgJsonObject {
  const data: OrgJsonObject = {};
  // Own keys only, as spread copies. DETECTION_LIST is only attached to the host when it
  // closes, after its detections were taken.
  for (const k of Object.keys(host)) if (k !== 'DETECTION_LIST') data[k] = host[k]!;
  // `ID` stays the host id; a detection key the host also has keeps the host's position.
  for (const k of Object.keys(detection)) if (k !== 'ID' && k !== 'DETECTION_LIST') data[k] = detection[k]!;
  return data;
}
