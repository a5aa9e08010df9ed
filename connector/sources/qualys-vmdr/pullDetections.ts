import { VulnbridgeError } from '../../errors.js';
import type { FindingPage } from '../../model/finding.js';
import { PageBuffer } from '../pageBuffer.js';
import type { PullContext, PullResult } from '../types.js';
import { detectionToFinding, digestedDetection, finishDetection, HEAD_FIELDS, hostDigestPart, type BuiltRecord, type DetectionRecord, type DigestedDetection, type HostPart } from './detectionToFinding.js';
import { hldParams, qualysDateTime } from './hldParams.js';
import { objectOf, parseElements, rawXml, type OrgJsonFrame, type OrgJsonObject, type OrgJsonValue } from './orgJson.js';
import type { QualysApi } from './qualysApi.js';
import { invalidResponse, qualysPages, type PageContext, type RawPicker, type RecordPicker } from './qualysPages.js';
import type { QualysVmdrConfig } from './qualysVmdrConfig.js';

const hldPath = (version: string): string => `/api/${version}/fo/asset/host/vm/detection/`;

/**
 * Takes each DETECTION as it closes, with its HOST's fields read so far: the HLD XSD
 * puts DETECTION_LIST last in HOST (qualys.md §1 "XML response"), so the host is
 * complete by then and a host with thousands of detections is never held whole.
 */
function pickDetections(): RecordPicker<DetectionRecord> {
  const partOf = hostParts();
  return (name, value, stack, out) => {
    const depth = stack.length;
    if (isDetection(name, stack)) {
      const detection = objectOf(value);
      const hostObj = stack[depth - 2]!.obj;
      out.push(detection ? detectionToFinding(hostObj, detection, partOf(hostObj)) : { rejected: { reason: 'empty DETECTION', record: String(value) } });
      return true;
    }
    return name === 'HOST' && stack[depth - 1]?.name === 'HOST_LIST';
  };
}

const isDetection = (name: string, stack: readonly OrgJsonFrame[]): boolean =>
  name === 'DETECTION' && stack[stack.length - 1]?.name === 'DETECTION_LIST' && stack[stack.length - 2]?.name === 'HOST';

/**
 * With `known` (the cycle passes over unchanged findings), each DETECTION is taken as
 * text: digested and its head read, its finding parsed and built only when the pipeline
 * did not take it as recorded — an unchanged detection never becomes an object.
 */
function rawDetections(): RawPicker<DetectionRecord> {
  const partOf = hostParts();
  return {
    wants: isDetection,
    fields: HEAD_FIELDS,
    scan: { list: 'DETECTION_LIST', element: 'DETECTION' },
    take: (element, stack, out) => {
      const hostObj = stack[stack.length - 2]!.obj;
      out.push(digestedDetection(hostObj, partOf(hostObj), element));
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
function* built(records: readonly DetectionRecord[], known: PullContext['known'], page: PageContext, label: string): Generator<BuiltRecord> {
  const digested = records.filter((r): r is DigestedDetection => 'head' in r);
  const taken = digested.length > 0 && known ? known(digested.map((r) => r.head)) : [];
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
 * The HLD pull: incremental by `detection_updated_since` (or `vm_processed_after`) from
 * the stored cursor, all pages, findings handed out in chunks of `chunkSize`.
 */
export async function* pullDetections(api: QualysApi, config: QualysVmdrConfig, ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
  const since = ctx.cursors[config.incremental];
  const nextCursor = qualysDateTime(new Date(ctx.cycleStartedAt.getTime() - config.overlapMinutes * 60_000));
  ctx.log.info('pulling Qualys detections', { host: api.host, incremental: config.incremental, since: since ?? '(first run: everything)' });

  const buffer = new PageBuffer(ctx, config.chunkSize);

  const page: PageContext = { api, path: hldPath(config.apiVersion), what: 'Host List Detection', signal: ctx.signal, log: ctx.log };
  const pages = qualysPages({
    ...page,
    params: hldParams(config, since),
    root: 'HOST_LIST_VM_DETECTION_OUTPUT',
    pick: pickDetections(),
    ...(ctx.known ? { raw: rawDetections() } : {}),
  });
  for await (const batch of pages) {
    for (const record of built(batch.records, ctx.known, page, batch.label)) {
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
