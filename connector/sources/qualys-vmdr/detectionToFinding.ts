import { createHash, hash } from 'node:crypto';
import { withDataJson } from '../../model/dataJson.js';
import type { Finding, FindingHead } from '../../model/finding.js';
import { objectOf, parseElements, rawXml, textOf, type OrgJsonObject, type OrgJsonValue, type RawElement } from './orgJson.js';

export type BuiltRecord = { finding: Finding } | { rejected: { reason: string; record?: string } };
/**
 * Or a detection digested but not built yet: the pipeline is asked first
 * (`PullContext.known`); `finishDetection` builds its finding from its parsed text
 * (`parseElements` of `rawXml(element)`). Plain fields, no closure: one per detection of a pull.
 */
export type DigestedDetection = { head: FindingHead; element: RawElement; host: OrgJsonObject; hostPart: HostPart };
export type DetectionRecord = BuiltRecord | DigestedDetection;

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
export function detectionToFinding(host: OrgJsonObject, detection: OrgJsonObject, hostPart?: HostPart): BuiltRecord {
  const head = detectionHead(host, detection);
  if ('rejected' in head) return head;
  return { finding: { ...head.head, data: dataOf(host, hostPart, detection) } };
}

/** The finding's data, with its JSON noted (`model/dataJson.ts`) when joined from the host's part. */
function dataOf(host: OrgJsonObject, hostPart: HostPart | undefined, detection: OrgJsonObject): OrgJsonObject {
  const data = mergedData(host, detection);
  const json = hostPart === undefined ? undefined : mergedJson(host, hostPart, detection);
  return json === undefined ? data : (withDataJson(data, json) as OrgJsonObject);
}

/**
 * A DETECTION taken as text (`OrgJsonBuilderOptions.raw`): its head from its fields and
 * its digest from its text, its finding parsed and built only if the pipeline asks.
 */
export function digestedDetection(host: OrgJsonObject, hostPart: HostPart, element: RawElement): DetectionRecord {
  const head = detectionHead(host, element.fields);
  if ('rejected' in head) {
    const detection = objectOf(parseElements([rawXml(element)])[0]);
    return detection ? detectionToFinding(host, detection) : { rejected: { reason: 'empty DETECTION', record: rawXml(element).slice(0, 500) } };
  }
  // Two hashes, the text's as sliced from the stream: no copy of the text is made to hash it.
  const sourceDigest = hash('sha1', `${hostPart.digest}\u0000${element.openTag}\u0000${hash('sha1', element.body, 'base64')}`, 'base64');
  // Completed in place: a head per detection of a million-detection pull, not a copy.
  const h: FindingHead = Object.assign(head.head, { sourceDigest });
  return { head: h, element, host, hostPart };
}

/** A digested detection's finding, from the value its text parses to. */
export function finishDetection(r: DigestedDetection, detection: OrgJsonValue | undefined): Finding {
  return { ...r.head, data: dataOf(r.host, r.hostPart, objectOf(detection) ?? {}) };
}

/**
 * `JSON.stringify(mergedData(host, detection))` from the host fields' JSON (made once per
 * host) and the detection's own: the host's keys then the detection's, as mergedData
 * assigns them. Undefined (serialized whole by staging) when joining would differ: a
 * detection key that mergedData leaves out or puts at the host's position, or an
 * integer-like key (JSON.stringify puts those first). Tested against JSON.stringify in
 * tests/sources/qualys-vmdr/pullDetections.test.ts.
 */
function mergedJson(host: OrgJsonObject, part: HostPart, detection: OrgJsonObject): string | undefined {
  if (!sameHost(host, part)) return undefined;
  const keys = Object.keys(detection);
  if (keys.length === 0) return part.json;
  for (const k of keys) {
    const c = k.charCodeAt(0);
    if (k === 'ID' || k === 'DETECTION_LIST' || Object.hasOwn(host, k) || (c >= 48 && c <= 57)) return undefined;
  }
  const own = JSON.stringify(detection);
  return part.json === '{}' ? own : `${part.json.slice(0, -1)},${own.slice(1)}`;
}

/**
 * The host's fields are still those serialized (a detection is built after its batch is
 * parsed, and the builder adds to an open HOST): the same keys, the same values, repeated
 * ones not grown in place; and none integer-like (JSON.stringify puts those first).
 */
function sameHost(host: OrgJsonObject, part: HostPart): boolean {
  let n = 0;
  for (const k of Object.keys(host)) {
    if (k === 'DETECTION_LIST') continue;
    const v = host[k];
    const c = k.charCodeAt(0);
    if (part.keys[n] !== k || part.values[n] !== v || (Array.isArray(v) && v.length !== part.lengths[n]) || (c >= 48 && c <= 57)) return false;
    n++;
  }
  return n === part.keys.length;
}

/** A host's key: its detections' parent key, and the start of each of their keys. */
export const hostKey = (hostId: string): string => `host:${hostId}`;

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
  let key = `${hostKey(hostId)}|qid:${qid}|port:${port}|proto:${proto}`;
  if (fqdn) key += `|fqdn:${fqdn}`;
  if (instance) key += `|instance:${instance}`;

  return {
    head: {
      key,
      parentKey: hostKey(hostId),
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
export function hostDigestPart(host: OrgJsonObject): HostPart {
  const fields: OrgJsonObject = {};
  const part: HostPart = { digest: '', json: '', keys: [], values: [], lengths: [] };
  for (const k of Object.keys(host)) {
    if (k === 'DETECTION_LIST') continue;
    const v = host[k]!;
    fields[k] = v;
    part.keys.push(k);
    part.values.push(v);
    part.lengths.push(Array.isArray(v) ? v.length : 0);
  }
  // The JSON is kept: its detections' data JSON starts with it (`mergedJson`).
  part.json = JSON.stringify(fields);
  part.digest = `${SOURCE_DIGEST_FORMAT}\u0000${hash('sha1', part.json, 'base64')}`;
  return part;
}

/**
 * All of a host's detections digested together: its part and each DETECTION's text as
 * sent, in order. The same digest means the same detections (each key, head and own
 * digest is made of this text), so the pipeline may pass over all of them at once.
 */
export function groupDigest(part: HostPart, elements: readonly RawElement[]): string {
  const h = createHash('sha1').update(`group\u0000${part.digest}\u0000${elements.length}`);
  for (const e of elements) h.update('\u0000').update(e.openTag).update('\u0000').update(e.body);
  return h.digest('base64');
}

/**
 * All of a host's detections digested together from its DETECTION_LIST's content as sent
 * (taken whole): the same text means the same detections, as for `groupDigest` (not
 * comparable with it: another prefix).
 */
export function listDigest(part: HostPart, content: string): string {
  return createHash('sha1').update(`list\u0000${part.digest}\u0000`).update(content).digest('base64');
}

/**
 * All of a host's detections digested together from the HOST element's text as sent
 * (taken whole, its fields and DETECTION_LIST with it): the same text means the same
 * host fields and detections, as for `listDigest` (not comparable with it: another prefix).
 */
export function hostTextDigest(xml: string): string {
  return createHash('sha1').update(`host\u0000${SOURCE_DIGEST_FORMAT}\u0000`).update(xml).digest('base64');
}

/** A host's part of its detections' digests, and its fields as serialized then (the data's host part). */
export interface HostPart {
  digest: string;
  json: string;
  keys: string[];
  values: OrgJsonValue[];
  /** Of each value that is an array (repeated elements), its length. */
  lengths: number[];
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
