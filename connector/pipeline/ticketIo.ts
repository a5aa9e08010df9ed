import type { CreateRequest, CreateResult, FoundIssue, IssueStatus, JiraFields, TicketSink } from '../sinks/types.js';
import type { RichText } from '../templates/types.js';

/**
 * The writes (and the few reads) the pipeline makes on the ticketing system. The real
 * one forwards to the sink; the dry-run one answers from what it is told and writes
 * nothing, so both modes run the same planning code.
 */
export interface TicketIo {
  readonly dryRun: boolean;
  createMany(items: readonly CreateRequest[]): Promise<CreateResult[]>;
  update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }): Promise<void>;
  /** undefined: deleted in Jira; null: not asked (dry run), trust the recorded state. */
  status(key: string): Promise<IssueStatus | undefined | null>;
  transition(key: string, target: string): Promise<IssueStatus>;
  comment(key: string, body: RichText): Promise<void>;
  link(parentKey: string, childKey: string): Promise<void>;
  unlink(parentKey: string, childKey: string): Promise<boolean>;
  findByLabels(project: string, labels: readonly string[]): Promise<FoundIssue[]>;
  newestWithLabel(project: string, label: string, limit: number): Promise<FoundIssue[]>;
  /** Upload a text file to the issue (the template's `attachment`). */
  attach(key: string, name: string, text: string): Promise<void>;
}

export class SinkIo implements TicketIo {
  readonly dryRun = false;

  constructor(private readonly sink: TicketSink) {}

  async createMany(items: readonly CreateRequest[]): Promise<CreateResult[]> {
    return this.sink.createMany(items);
  }
  async update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }) {
    await this.sink.update(key, change);
  }
  status(key: string) {
    return this.sink.status(key);
  }
  async transition(key: string, target: string) {
    return (await this.sink.transition(key, target)).to;
  }
  async comment(key: string, body: RichText) {
    await this.sink.comment(key, body);
  }
  async link(parentKey: string, childKey: string) {
    await this.sink.link(parentKey, childKey);
  }
  async unlink(parentKey: string, childKey: string) {
    return this.sink.unlink(parentKey, childKey);
  }
  findByLabels(project: string, labels: readonly string[]) {
    return this.sink.findByLabels(project, labels);
  }
  newestWithLabel(project: string, label: string, limit: number) {
    return this.sink.newestWithLabel(project, label, limit);
  }
  async attach(key: string, name: string, text: string) {
    await this.sink.attach(key, name, text);
  }
}

export class DryRunIo implements TicketIo {
  readonly dryRun = true;
  private next = 1;

  async createMany(items: readonly CreateRequest[]): Promise<CreateResult[]> {
    return items.map((i) => ({ ref: i.ref, key: `(new ${this.next++})`, id: '' }));
  }
  async update() {}
  async status() {
    return null;
  }
  async transition(_key: string, target: string): Promise<IssueStatus> {
    // The category is a guess for the plan; nothing is stored in a dry run.
    return { name: target, category: /close|done|resolv|fixed/i.test(target) ? 'done' : 'new' };
  }
  async comment() {}
  async link() {}
  async unlink() {
    return true;
  }
  async findByLabels() {
    return [];
  }
  async newestWithLabel() {
    return [];
  }
  async attach() {}
}
