import { VulnbridgeError } from '../../errors.js';
import type { FindingGroup, FindingGroupSpan, FindingPage } from '../../model/finding.js';
import { PageBuffer } from '../pageBuffer.js';
import type { PullContext, PullResult } from '../types.js';
import {
  detectionToFinding,
  digestedDetection,
  finishDetection,
  groupDigest,
  HEAD_FIELDS,
  hostDigestPart,
  hostKey,
  listDigest,
  type BuiltRecord,
  type DetectionRecord,
  type DigestedDetection,
  type HostPart,
} from './detectionToFinding.js';
import { hldParams, qualysDateTime } from './hldParams.js';
import { isBlank, listElements, objectOf, parseElements, rawXml, textOf, type OrgJsonFrame, type OrgJsonObject, type OrgJsonValue, type RawElement } from './orgJson.js';
import type { QualysApi } from './qualysApi.js';
import { invalidResponse, qualysPages, type PageContext, type RawPicker, type RecordPicker } from './qualysPages.js';
import type { QualysVmdrConfig } from './qualysVmdrConfig.js';

const hldPath = (version: string): string => `/api/${version}/fo/asset/host/vm/detection/`;

/**
 * Takes each DETECTION as it closes, with its HOST's fields read so far: the HLD XSD
 * puts DETECTION_LIST last in HOST (qualys.md §1 "XML response"), so the host is
 * complete by then and a host with thousands of detections is never held whole.
 */
function pickDetections(hosts?: HostGroups): RecordPicker<PulledRecord> {
  const partOf = hostParts();
  return (name, value, stack, out) => {
    const depth = stack.length;
    if (isDetection(name, stack)) {
      const detection = objectOf(value);
      const hostObj = stack[depth - 2]!.obj;
      out.push(detection ? detectionToFinding(hostObj, detection, partOf(hostObj)) : { rejected: { reason: 'empty DETECTION', record: String(value) } });
      return true;
    }
    if (name !== 'HOST' || stack[depth - 1]?.name !== 'HOST_LIST') return false;
    hosts?.close(out);
    return true;
  };
}

/**
 * A host's detections taken as text, digested together (`groupDigest`) before any of them
 * alone: its DETECTION_LIST's content whole, or (a list the builder read child by child)
 * its detections.
 */
type HostGroup = { group: FindingGroup; host: OrgJsonObject; hostPart: HostPart } & ({ list: string } | { elements: RawElement[] });
type PulledRecord = DetectionRecord | HostGroup;

/** Held per host at most: a host with more detections has them digested one by one. */
const GROUP_MAX_ELEMENTS = 2000;
const GROUP_MAX_CHARS = 4 << 20;

/**
 * The detections of the host being read, held until it closes (DETECTION_LIST is the last
 * child of HOST), then handed out as one group. Past the limits, the host's detections go
 * out one by one, as without groups.
 */
class HostGroups {
  private host: OrgJsonObject | undefined;
  private hostPart: HostPart | undefined;
  private list: string | undefined;
  private elements: RawElement[] = [];
  private chars = 0;
  private overflown = false;

  /** The host's DETECTION_LIST content, whole (the builder's `takeList`). */
  takeList(host: OrgJsonObject, hostPart: HostPart, content: string, out: PulledRecord[]): void {
    if (host !== this.host) this.start(host, hostPart, out);
    this.list = content;
  }

  take(host: OrgJsonObject, hostPart: HostPart, element: RawElement, out: PulledRecord[]): void {
    if (host !== this.host) this.start(host, hostPart, out);
    if (this.overflown) {
      out.push(digestedDetection(host, hostPart, element));
      return;
    }
    this.elements.push(element);
    this.chars += element.openTag.length + element.body.length;
    if (this.elements.length > GROUP_MAX_ELEMENTS || this.chars > GROUP_MAX_CHARS) {
      this.overflown = true;
      for (const e of this.elements) out.push(digestedDetection(host, hostPart, e));
      this.elements = [];
    }
  }

  /** The host closed: its detections as one group. */
  close(out: PulledRecord[]): void {
    const { host, hostPart, elements, list } = this;
    if (host && hostPart && list !== undefined && !isBlank(list)) {
      out.push({ group: { key: hostKey(textOf(host.ID)), digest: listDigest(hostPart, list) }, host, hostPart, list });
    } else if (host && hostPart && elements.length > 0) {
      out.push({ group: { key: hostKey(textOf(host.ID)), digest: groupDigest(hostPart, elements) }, host, hostPart, elements });
    }
    this.host = undefined;
    this.hostPart = undefined;
    this.list = undefined;
    this.elements = [];
    this.chars = 0;
    this.overflown = false;
  }

  private start(host: OrgJsonObject, hostPart: HostPart, out: PulledRecord[]): void {
    this.close(out);
    this.host = host;
    this.hostPart = hostPart;
  }
}

/** Where the detections are: each HOST's DETECTION_LIST, spelled `<DETECTION>` (the scanner's and `listElements`' subset). */
const DETECTIONS = { list: 'DETECTION_LIST', element: 'DETECTION' } as const;

const isDetection = (name: string, stack: readonly OrgJsonFrame[]): boolean =>
  name === 'DETECTION' && stack[stack.length - 1]?.name === 'DETECTION_LIST' && stack[stack.length - 2]?.name === 'HOST';

/**
 * With `known` (the cycle passes over unchanged findings), each DETECTION is taken as
 * text: digested and its head read, its finding parsed and built only when the pipeline
 * did not take it as recorded — an unchanged detection never becomes an object.
 */
function rawDetections(hosts?: HostGroups): RawPicker<PulledRecord> {
  const partOf = hostParts();
  // With groups, each host's list is taken whole: its detections are delimited only if the pipeline asks for them.
  const takeList = hosts
    ? (content: string, stack: readonly OrgJsonFrame[], out: PulledRecord[]) => {
        // A list whose DETECTIONs `wants` takes: in a HOST.
        const hostObj = stack[stack.length - 2]!.obj;
        hosts.takeList(hostObj, partOf(hostObj), content, out);
      }
    : undefined;
  return {
    wants: isDetection,
    fields: HEAD_FIELDS,
    scan: { ...DETECTIONS, ...(takeList ? { takeList } : {}) },
    take: (element, stack, out) => {
      const hostObj = stack[stack.length - 2]!.obj;
      if (hosts) hosts.take(hostObj, partOf(hostObj), element, out);
      else out.push(digestedDetection(hostObj, partOf(hostObj), element));
    },
  };
}

/** The host's part (`hostDigestPart`: its fields hashed and serialized), made once per host for its detections. */
function hostParts(): (host: OrgJsonObject) => HostPart {
  let last: OrgJsonObject | undefined;
  let part: HostPart | undefined;
  return (host) => {
    if (host !== last || part === undefined) {
      last = host;
      part = hostDigestPart(host);
    }
    return part;
  };
}

/**
 * The batch's findings, those the pipeline did not take by their digest built now. Their
 * text is parsed here, not while streaming: an element the scanner delimited but the
 * parser rejects is reported as the streaming parse reports a malformed page.
 */
function* built(pulled: readonly PulledRecord[], ctx: Pick<PullContext, 'known' | 'knownGroups'>, page: PageContext, label: string): Generator<BuiltRecord> {
  let grouped: ReturnType<typeof ungrouped>;
  try {
    grouped = ungrouped(pulled, ctx.knownGroups);
  } catch (err) {
    throw invalidResponse(err, page, label);
  }
  const { records, spans } = grouped;
  const digested = records.filter((r): r is DigestedDetection => 'head' in r);
  const taken = digested.length > 0 && ctx.known ? ctx.known(digested.map((r) => r.head), spans) : [];
  // The batch's detections to build, parsed by one parser.
  let values: OrgJsonValue[];
  try {
    values = parseElements(digested.filter((_, n) => !taken[n]).map((r) => rawXml(r.element)));
  } catch (err) {
    throw invalidResponse(err, page, label);
  }
  let n = 0;
  let v = 0;
  for (const r of records) {
    if (!('head' in r)) yield r;
    else if (!taken[n++]) yield { finding: finishDetection(r, values[v++]) };
  }
}

/**
 * The batch's records with its host groups asked first (one question for the batch): the
 * detections of a group the pipeline did not take are digested one by one, and the group
 * spans their heads (in the order `built` asks `known` with them) when all of them were.
 */
function ungrouped(pulled: readonly PulledRecord[], knownGroups: PullContext['knownGroups']): { records: DetectionRecord[]; spans: FindingGroupSpan[] } {
  const groups = pulled.filter((r): r is HostGroup => 'group' in r);
  if (groups.length === 0) return { records: pulled as DetectionRecord[], spans: [] };
  const passed = knownGroups ? knownGroups(groups.map((g) => g.group)) : [];
  const records: DetectionRecord[] = [];
  const spans: FindingGroupSpan[] = [];
  let heads = 0;
  let g = 0;
  for (const r of pulled) {
    if (!('group' in r)) {
      records.push(r);
      if ('head' in r) heads++;
      continue;
    }
    if (passed[g++]) continue;
    const from = heads;
    let all = true;
    for (const e of 'list' in r ? listElements(r.list, DETECTIONS.list, DETECTIONS.element, HEAD_FIELDS) : r.elements) {
      const d = digestedDetection(r.host, r.hostPart, e);
      records.push(d);
      if ('head' in d) heads++;
      else all = false;
    }
    if (all) spans.push({ ...r.group, from, to: heads });
  }
  return { records, spans };
}

/**
 * The HLD pull: incremental by `detection_updated_since` (or `vm_processed_after`) from
 * the stored cursor, all pages, findings handed out in chunks of `chunkSize`.
 */
export async function* pullDetections(api: QualysApi, config: QualysVmdrConfig, ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
  const since = ctx.cursors[config.incremental];
  const nextCursor = qualysDateTime(new Date(ctx.cycleStartedAt.getTime() - config.overlapMinutes * 60_000));
  ctx.log.info('pulling Qualys detections', { host: api.host, incremental: config.incremental, since: since ?? '(first run: everything)' });

  const buffer = new PageBuffer(ctx, config.chunkSize);

  const page: PageContext = { api, path: hldPath(config.apiVersion), what: 'Host List Detection', signal: ctx.signal, log: ctx.log };
  // A host's detections are digested together when the pipeline can take them so: an unchanged host is one digest.
  const hosts = ctx.known && ctx.knownGroups ? new HostGroups() : undefined;
  const pages = qualysPages<PulledRecord>({
    ...page,
    params: hldParams(config, since),
    root: 'HOST_LIST_VM_DETECTION_OUTPUT',
    pick: pickDetections(hosts),
    ...(ctx.known ? { raw: rawDetections(hosts) } : {}),
  });
  for await (const batch of pages) {
    for (const record of built(batch.records, ctx, page, batch.label)) {
      if ('finding' in record) buffer.findings.push(record.finding);
      else buffer.rejected.push(record.rejected);
      if (buffer.full) yield buffer.flush(batch.label);
    }
    if (batch.pageEnd && !buffer.empty) yield buffer.flush(batch.label);
  }
  if (ctx.signal.aborted) throw new VulnbridgeError('ABORTED', 'Qualys pull was cancelled', { host: api.host });
  ctx.log.info('pulled Qualys detections', { host: api.host, findings: buffer.totalFindings });
  return { nextCursors: { [config.incremental]: nextCursor } };
}
