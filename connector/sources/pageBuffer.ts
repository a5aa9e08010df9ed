import type { Finding, FindingPage } from '../model/finding.js';
import type { PullContext } from './types.js';

/**
 * Findings (and rejected records) collected until a chunk is full or an API page ends,
 * then handed out as one FindingPage with progress reported: memory stays bounded
 * whatever the size of the API's pages.
 */
export class PageBuffer {
  findings: Finding[] = [];
  rejected: NonNullable<FindingPage['rejected']> = [];
  private total = 0;

  constructor(
    private readonly ctx: Pick<PullContext, 'progress'>,
    private readonly chunkSize: number,
  ) {}

  get full(): boolean {
    return this.findings.length >= this.chunkSize;
  }

  get empty(): boolean {
    return this.findings.length === 0 && this.rejected.length === 0;
  }

  get totalFindings(): number {
    return this.total;
  }

  flush(label: string): FindingPage {
    const page: FindingPage = { label, findings: this.findings, ...(this.rejected.length ? { rejected: this.rejected } : {}) };
    this.total += this.findings.length;
    this.findings = [];
    this.rejected = [];
    this.ctx.progress({ page: label, findings: page.findings.length, totalFindings: this.total });
    return page;
  }
}
