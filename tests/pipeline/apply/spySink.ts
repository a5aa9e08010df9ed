import { SinkError } from '../../../connector/errors.js';
import type { CreateRequest, CreateResult, FoundIssue, JiraFields } from '../../../connector/sinks/types.js';
import type { RichText } from '../../../connector/templates/types.js';
import { MemorySink } from '../../support/memorySink.js';

/**
 * The memory sink with knobs for applier tests: a batch limit, a hook before each
 * create (to see what the state held then, or to fail), a record of marker lookups, a
 * way to hide the "newest tickets of the job" search, and Jira's 404 (TICKET_GONE) for
 * writes to a ticket that no longer exists (an unlink from a missing parent is a no-op, as in the Jira sink).
 */
export class SpySink extends MemorySink {
  readonly markerLookups: string[][] = [];
  readonly createCalls: number[] = [];
  beforeCreate?: (items: readonly CreateRequest[]) => void;
  hideNewest = false;

  constructor() {
    super();
    this.statuses['To Do'] = 'new';
  }

  /** The instance's batch limit (the memory sink declares it readonly 50). */
  limitBatches(n: number): this {
    (this as { createBatchLimit: number }).createBatchLimit = n;
    return this;
  }

  override async createMany(items: readonly CreateRequest[]): Promise<CreateResult[]> {
    this.beforeCreate?.(items);
    this.createCalls.push(items.length);
    return super.createMany(items);
  }

  override async findByMarkers(project: string, labels: readonly string[]): Promise<FoundIssue[]> {
    this.markerLookups.push([...labels]);
    return super.findByMarkers(project, labels);
  }

  override async newestWithMarker(project: string, label: string, limit: number): Promise<FoundIssue[]> {
    return this.hideNewest ? [] : super.newestWithMarker(project, label, limit);
  }

  override async update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }) {
    this.exists(key);
    return super.update(key, change);
  }

  override async transition(key: string, target: string) {
    this.exists(key);
    return super.transition(key, target);
  }

  override async moveFrom(key: string, target: string, known: { project: string; issueType: string; status?: string }) {
    this.exists(key);
    return super.moveFrom(key, target, known);
  }

  override async comment(key: string, body: RichText) {
    this.exists(key);
    return super.comment(key, body);
  }

  override async link(parentKey: string, childKey: string) {
    this.exists(parentKey);
    this.exists(childKey);
    return super.link(parentKey, childKey);
  }

  /** As the Jira sink: a 404 on the parent means there is no link to remove. */
  override async unlink(parentKey: string, childKey: string) {
    if (!this.issues.has(parentKey)) return false;
    return super.unlink(parentKey, childKey);
  }

  /** Sink calls of one kind in the log (`update`, `transition`, `link`, ...). */
  logged(op: string): string[] {
    return this.log.filter((l) => l.startsWith(`${op} `));
  }

  private exists(key: string): void {
    if (!this.issues.has(key)) throw new SinkError('TICKET_GONE', `Issue ${key} does not exist (404)`, { host: this.host });
  }
}
