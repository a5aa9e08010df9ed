import { SourceError } from '../../connector/errors.js';
import type { Finding, TemplateContext } from '../../connector/model/finding.js';
import type { EnrichContext, PullContext, PullResult, Source } from '../../connector/sources/types.js';

export interface FakeDetection {
  host: string;
  qid: string;
  port?: string;
  proto?: string;
  status: string;
  qds?: number;
  ignored?: boolean;
  lastFound?: string;
}

/** A VMDR-shaped source held in memory, so pipeline tests control every finding. */
export class FakeVmdrSource implements Source {
  readonly type = 'fake-vmdr';
  readonly host = 'scanner.test';
  readonly moduleName = 'VMDR';
  readonly lookupTtlSec = { 'qualys.kb': 3600, 'qualys.host': 0 };
  detections: FakeDetection[] = [];
  /** Throw after this many pages (a scanner failing mid-pull). */
  failAfterPages?: number;
  pulls: Array<Record<string, string>> = [];
  enriched: Array<ReadonlyMap<string, readonly string[]>> = [];
  pageSize = 3;

  async *pull(ctx: PullContext): AsyncGenerator<{ label: string; findings: Finding[] }, PullResult, void> {
    this.pulls.push({ ...ctx.cursors });
    for (let start = 0, page = 1; start < this.detections.length; start += this.pageSize, page++) {
      if (this.failAfterPages !== undefined && page > this.failAfterPages) {
        throw new SourceError('SOURCE_RESPONSE_INVALID', `truncated XML on page ${page}`, { host: this.host });
      }
      yield { label: `page ${page}`, findings: this.detections.slice(start, start + this.pageSize).map(toFinding) };
    }
    return { nextCursors: { detection_updated_since: ctx.cycleStartedAt.toISOString() } };
  }

  async enrich(ctx: EnrichContext): Promise<void> {
    this.enriched.push(ctx.wanted);
    for (const qid of ctx.wanted.get('qualys.kb') ?? []) ctx.put('qualys.kb', qid, { QID: qid, TITLE: `Title of ${qid}`, SEVERITY_LEVEL: '4', CVES: 'CVE-2024-0001' });
    for (const id of ctx.wanted.get('qualys.host') ?? []) ctx.put('qualys.host', id, { TRURISK_SCORE: id === '1' ? '900' : '300', ASSET_CRITICALITY_SCORE: '3' });
  }
}

function toFinding(d: FakeDetection): Finding {
  const data: TemplateContext = {
    ID: d.host,
    IP: `10.0.0.${d.host}`,
    DNS: `host${d.host}.example.com`,
    QID: d.qid,
    PORT: d.port ?? '',
    STATUS: d.status,
    QDS: { content: String(d.qds ?? 50), severity: 'MEDIUM' },
    LAST_FOUND_DATETIME: d.lastFound ?? '2026-11-01T00:00:00Z',
    IS_IGNORED: d.ignored ? '1' : '0',
  };
  return {
    key: `host:${d.host}|qid:${d.qid}|port:${d.port ?? ''}${d.proto ? `|proto:${d.proto}` : ''}`,
    parentKey: `host:${d.host}`,
    status: d.status,
    ignored: d.ignored ?? false,
    data,
    lookups: [
      { ns: 'qualys.kb', id: d.qid, into: 'VULN' },
      { ns: 'qualys.host', id: d.host },
    ],
  };
}
