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
  hostTextDigest,
  listDigest,
  type BuiltRecord,
  type DetectionRecord,
  type DigestedDetection,
  type HostPart,
} from './detectionToFinding.js';
import { hldParams, qualysDateTime } from './hldParams.js';
import { isBlank, listElements, objectOf, OrgJsonBuilder, parseElements, rawXml, textOf, type OrgJsonFrame, type OrgJsonObject, type OrgJsonValue, type RawElement } from './orgJson.js';
import type { QualysApi } from './qualysApi.js';
import { invalidResponse, qualysPages, rawOptions, type PageContext, type RawPicker, type RecordPicker } from './qualysPages.js';
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
 * A host's detections taken as text, digested together before any of them alone: its
 * DETECTION_LIST's content whole (`listDigest`), or (a list the builder read child by
 * child) its detections (`groupDigest`).
 */
type HostGroup = { group: FindingGroup; host: OrgJsonObject; hostPart: HostPart } & ({ list: string } | { elements: RawElement[] });
/** A HOST taken whole, as text (`hostTextDigest`): read only if the pipeline does not pass over its detections. */
type HostText = { group: FindingGroup; id: string; xml: string };
type PulledRecord = DetectionRecord | HostGroup | HostText;

/** Held per host at most: a host with more detections has them digested one by one. */
const GROUP_MAX_ELEMENTS = 2000;
const GROUP_MAX_CHARS = 4 << 20;

/**
 * The detections of the host being read, held until it closes (DETECTION_LIST is the last
 * child of HOST), then handed out as one group. Past the limits, the host's detections go
 * out one by one, as without groups.
 */
class HostGroups {
  /** `digests: false`: the groups' digests are not made (a host taken whole has its own). */
  constructor(private readonly digests = true) {}

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
    if (host && hostPart) {
      const key = hostKey(textOf(host.ID));
      if (list !== undefined && !isBlank(list)) out.push({ group: { key, digest: this.digests ? listDigest(hostPart, list) : '' }, host, hostPart, list });
      else if (elements.length > 0) out.push({ group: { key, digest: this.digests ? groupDigest(hostPart, elements) : '' }, host, hostPart, elements });
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
function rawDetections(hosts?: HostGroups, whole = false): RawPicker<PulledRecord> {
  const partOf = hostParts();
  // With `whole`, each HOST is taken as text first: an unchanged host is one digest of its text, nothing parsed.
  const record = whole
    ? {
        parent: 'HOST_LIST',
        element: 'HOST',
        take: (xml: string, _stack: readonly OrgJsonFrame[], out: PulledRecord[]) => {
          const id = leadingId(xml);
          if (id === undefined) return false;
          out.push({ group: { key: hostKey(id), digest: hostTextDigest(xml) }, id, xml });
          return true;
        },
      }
    : undefined;
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
    scan: { ...DETECTIONS, ...(takeList ? { takeList } : {}), ...(record ? { record } : {}) },
    take: (element, stack, out) => {
      const hostObj = stack[stack.length - 2]!.obj;
      if (hosts) hosts.take(hostObj, partOf(hostObj), element, out);
      else out.push(digestedDetection(hostObj, partOf(hostObj), element));
    },
  };
}

const HOST_TAG = '<HOST>';

/**
 * The id of a HOST taken whole, from its first child when that is a plain `<ID>` (the HLD
 * DTD puts ID first): what `textOf(host.ID)` reads of it. Anything else: undefined, and
 * the host is read as usual.
 */
function leadingId(xml: string): string | undefined {
  let p = HOST_TAG.length;
  while (p < xml.length && xml.charCodeAt(p) <= 32) p++;
  if (!xml.startsWith('<ID>', p)) return undefined;
  const end = xml.indexOf('</ID>', p + 4);
  if (end < 0) return undefined;
  const id = xml.slice(p + 4, end).trim();
  return id !== '' && !id.includes('<') && !id.includes('&') ? id : undefined;
}

/**
 * A host taken whole that the pipeline did not pass over, read as the stream would have
 * been read: its group (list or elements) or its detections one by one. `single`: the
 * text held exactly one HOST.
 */
function readHost(xml: string): { records: Array<DetectionRecord | HostGroup>; single: boolean } {
  // `rawDetections` without `whole` takes no HOST whole.
  const records: Array<DetectionRecord | HostGroup> = [];
  const hosts = new HostGroups(false);
  const pick = pickDetections(hosts);
  let count = 0;
  new OrgJsonBuilder({
    onElement: (name, value, stack) => {
      if (name === 'HOST' && stack.length === 1) count++;
      return pick(name, value, stack, records);
    },
    raw: rawOptions<PulledRecord>(rawDetections(hosts), records),
  }).readWithin('HOST_LIST', xml);
  return { records, single: count === 1 };
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
  const groups = pulled.filter((r): r is HostGroup | HostText => 'group' in r);
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
    const push = (d: DetectionRecord): void => {
      records.push(d);
      if ('head' in d) heads++;
      else all = false;
    };
    if ('xml' in r) {
      const host = within(`HOST ${r.id}`, () => readHost(r.xml));
      // Recorded as a group only as the text's one host, under the key its detections have as parent.
      all = host.single;
      for (const sub of host.records) {
        if (!('group' in sub)) {
          push(sub);
          continue;
        }
        // Two IDs, say: its detections are rejected or named otherwise, never recorded as this group.
        if (sub.group.key !== r.group.key) all = false;
        for (const d of groupDetections(sub)) push(d);
      }
    } else for (const d of groupDetections(r)) push(d);
    if (all && heads > from) spans.push({ ...r.group, from, to: heads });
  }
  return { records, spans };
}

/** A host group's detections, digested one by one. */
function groupDetections(r: HostGroup): DetectionRecord[] {
  const elements = 'list' in r ? within(`the DETECTION_LIST of HOST ${textOf(r.host.ID)}`, () => listElements(r.list, DETECTIONS.list, DETECTIONS.element, HEAD_FIELDS)) : r.elements;
  return elements.map((e) => digestedDetection(r.host, r.hostPart, e));
}

/**
 * `read`, a parse of part of a page on its own: its parser's error says where in the page
 * (its line and column count from the part's start, not the page's).
 */
function within<T>(part: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new Error(`in ${part} (read on its own: positions count from its start): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
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
    ...(ctx.known ? { raw: rawDetections(hosts, hosts !== undefined) } : {}),
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
