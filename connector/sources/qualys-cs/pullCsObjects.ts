import { SourceError, VulnbridgeError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Finding, FindingPage, TemplateContext } from '../../model/finding.js';
import { PageBuffer } from '../pageBuffer.js';
import type { PullContext, PullResult } from '../types.js';
import { csObjectOf, csVulnOf, isFixedVuln, portOf, type CsObject } from './csRecords.js';
import { mapOrdered } from './mapOrdered.js';
import type { QualysCsApi } from './qualysCsApi.js';
import type { CsObjectKind, QualysCsConfig } from './qualysCsConfig.js';

type Rejected = NonNullable<FindingPage['rejected']>[number];

/** `image` / `container`: the word used in keys, scopes and messages. */
function csSingular(kind: CsObjectKind): 'image' | 'container' {
  return kind === 'images' ? 'image' : 'container';
}

/** Parent key and scope of an object's findings: `image:<sha>` / `container:<sha>`. */
export function csObjectScope(kind: CsObjectKind, sha: string): string {
  return `${csSingular(kind)}:${sha}`;
}

/** Finding key: `cs|image:<sha>|qid:<qid>|port:<port>` (port empty when the QID has none). */
export function csFindingKey(kind: CsObjectKind, sha: string, qid: string, port: string): string {
  return `cs|${csObjectScope(kind, sha)}|qid:${qid}|port:${port}`;
}

interface ObjectResult {
  findings: Finding[];
  rejected: Rejected[];
  /** Listed whole: every vulnerability entry accepted. */
  complete: boolean;
  gone: boolean;
}

/**
 * The CS pull: every object of the bulk list (Link-header pages), then each object's
 * vulnerabilities (`concurrency` calls at once). One finding per object × open
 * vulnerability; every object whose list was read without a rejected entry is returned
 * in `completeScopes` (its scope = its parentKey), so children no longer listed — all of
 * them for an object without vulnerabilities now — can be resolved by the pipeline.
 * Always a full listing: the diff operations need the whole current set of each object.
 */
export async function* pullCsObjects(api: QualysCsApi, config: QualysCsConfig, ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void> {
  const kind = config.objects;
  ctx.log.info(`pulling Qualys CS ${kind}`, { host: api.host, filter: config.filter ?? '(none)' });

  const completeScopes: string[] = [];
  const buffer = new PageBuffer(ctx, config.chunkSize);
  let objects = 0;
  let gone = 0;

  const seen = new Set<string>();
  let paginationQuery: string | undefined;
  for (let pageNo = 1; ; pageNo++) {
    const label = `${kind} page ${pageNo}`;
    const page = await api.listPage(kind, { limit: config.pageSize, filter: config.filter, paginationQuery }, label, ctx.signal);
    const listed: CsObject[] = [];
    for (const raw of page.records) {
      const checked = csObjectOf(kind, raw);
      if ('ok' in checked) listed.push(checked.ok);
      else buffer.rejected.push({ reason: checked.rejected, record: recordText(raw) });
    }
    objects += listed.length;
    const results = mapOrdered(listed, config.concurrency, ctx.signal, (o, signal) => objectFindings(api, config, o, signal, ctx.log));
    for await (const r of results) {
      buffer.findings.push(...r.findings);
      buffer.rejected.push(...r.rejected);
      if (r.gone) gone++;
      else if (r.complete) completeScopes.push(csObjectScope(kind, r.sha));
      if (buffer.full) yield buffer.flush(label);
    }
    if (!buffer.empty) yield buffer.flush(label);

    paginationQuery = page.next;
    if (paginationQuery === undefined) break;
    if (seen.has(paginationQuery)) {
      throw new SourceError('SOURCE_RESPONSE_INVALID', `Qualys CS sent the same next page twice while listing ${kind} (page ${pageNo})`, {
        host: api.host,
        path: api.listPath(kind),
        hint: 'the gateway repeats its Link header; the pull stops instead of looping',
      });
    }
    seen.add(paginationQuery);
  }
  if (ctx.signal.aborted) throw new VulnbridgeError('ABORTED', 'Qualys CS pull was cancelled', { host: api.host });
  ctx.log.info(`pulled Qualys CS ${kind}`, { host: api.host, objects, findings: buffer.totalFindings, goneMidWalk: gone });
  return { nextCursors: {}, completeScopes };
}

async function objectFindings(api: QualysCsApi, config: QualysCsConfig, o: CsObject, signal: AbortSignal, log: Logger): Promise<ObjectResult & { sha: string }> {
  const kind = config.objects;
  const one = csSingular(kind);
  const raw = await api.vulns(kind, o.sha, config.vulnType, `${one} ${o.sha} vulnerabilities`, signal);
  if (raw === undefined) {
    // Deleted between the list and this call: the next pull no longer lists it.
    log.warn(`Qualys CS ${one} disappeared while pulling; skipped`, { host: api.host, sha: o.sha });
    return { sha: o.sha, findings: [], rejected: [], complete: false, gone: true };
  }
  const scope = csObjectScope(kind, o.sha);
  const vulns: TemplateContext[] = [];
  const rejected: Rejected[] = [];
  const keys = new Set<string>();
  for (const entry of raw) {
    const checked = csVulnOf(entry);
    if (!('ok' in checked)) {
      rejected.push({ reason: `${one} ${o.sha}: ${checked.rejected}`, record: recordText(entry) });
      continue;
    }
    const vuln = checked.ok;
    if (isFixedVuln(vuln)) continue;
    const key = csFindingKey(kind, o.sha, vuln.qid as string, portOf(vuln));
    // Same QID and port twice (one entry per vulnerable package): one ticket, the first entry.
    if (keys.has(key)) continue;
    keys.add(key);
    vulns.push(vuln);
  }
  const findings = vulns.map((vuln): Finding => {
    const data: TemplateContext = { ...o.data, vuln };
    if (kind === 'images') {
      // Inferred (qualys.md §0): the raw image JSON has no status; an image with vulnerabilities is Active.
      data.imageStatus = 'Active';
      // Scheme 7: linked tickets whose action is Create stay open — every listed vulnerability is still present.
      data.jiraTicketAction = 'Create';
      data.totalVulCount = vulns.length;
    }
    return {
      key: csFindingKey(kind, o.sha, vuln.qid as string, portOf(vuln)),
      parentKey: scope,
      scope,
      status: String(kind === 'images' ? data.imageStatus : data.state),
      ignored: false,
      data,
    };
  });
  return { sha: o.sha, findings, rejected, complete: rejected.length === 0, gone: false };
}

function recordText(raw: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(raw) ?? String(raw);
  } catch {
    s = String(raw);
  }
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}
