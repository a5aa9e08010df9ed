import { SinkError } from '../../connector/errors.js';
import type { CreateRequest, CreateResult, FoundIssue, IssueStatus, JiraFields, TicketSink } from '../../connector/sinks/types.js';
import type { RenderedTicket, RichText } from '../../connector/templates/types.js';

export interface MemoryIssue {
  key: string;
  fields: JiraFields;
  labels: string[];
  status: IssueStatus;
  comments: RichText[];
  links: Set<string>;
  /** The sub-task's parent key (from `fields.parent`). */
  parent?: string;
  attachments: Array<{ name: string; text: string }>;
}

const OPEN: IssueStatus = { name: 'Open', category: 'new' };

/**
 * A TicketSink held in memory, for pipeline tests that are about planning rather
 * than HTTP. It records every call so tests can count writes.
 */
export class MemorySink implements TicketSink {
  readonly type = 'memory';
  readonly host = 'memory.test';
  createBatchLimit: number = 50;
  readonly issues = new Map<string, MemoryIssue>();
  readonly log: string[] = [];
  private next = 1;
  private reads = 0;
  private writes = 0;
  /** Refs whose create Jira "rejects". */
  rejectSummaries = new Set<string>();
  /** Statuses a transition can reach from any status. */
  statuses: Record<string, IssueStatus['category']> = { Open: 'new', 'In Progress': 'indeterminate', Reopened: 'new', Closed: 'done', Done: 'done' };
  /** Issue type names (lower case) that are sub-task types, as Jira's `subtask: true`. */
  subtaskTypes = new Set(['sub-task', 'subtask', 'subticket image vulnerability', 'subticket container vulnerability']);

  async prepare(): Promise<void> {}

  fields(ticket: RenderedTicket, opts: { project: string; parentKey?: string }): JiraFields {
    const f: JiraFields = {
      project: { key: opts.project },
      issuetype: { name: ticket.issueType },
      summary: ticket.summary,
      description: ticket.description.map((s) => s.text).join(''),
      labels: ticket.labels,
    };
    if (ticket.priority) f.priority = { name: ticket.priority };
    if (opts.parentKey) f.parent = { key: opts.parentKey };
    for (const cf of ticket.customFields) if (cf.text) f[`cf:${cf.name}`] = cf.text;
    return f;
  }

  isSubtaskType(_project: string, issueType: string): boolean {
    return this.subtaskTypes.has(issueType.toLowerCase());
  }

  async createMany(items: readonly CreateRequest[]): Promise<CreateResult[]> {
    this.writes += Math.ceil(items.length / 50);
    this.log.push(`createMany ${items.length}`);
    return items.map((i) => {
      if (this.rejectSummaries.has(String(i.fields.summary))) {
        return { ref: i.ref, error: new SinkError('SINK_REJECTED', 'summary: rejected by test', { host: this.host }) };
      }
      const parent = (i.fields.parent as { key?: string } | undefined)?.key;
      const subtask = this.subtaskTypes.has(String((i.fields.issuetype as { name?: string } | undefined)?.name).toLowerCase());
      // Jira's answers to a sub-task without its parent, and to a parent on a standard type.
      if (subtask && (!parent || !this.issues.has(parent))) {
        return { ref: i.ref, error: new SinkError('SINK_REJECTED', 'parent: Could not find issue by id or key.', { host: this.host }) };
      }
      if (!subtask && parent) return { ref: i.ref, error: new SinkError('SINK_REJECTED', 'parent: the issue type is not a sub-task type', { host: this.host }) };
      const key = `VULN-${this.next++}`;
      this.issues.set(key, {
        key,
        fields: i.fields,
        labels: [...((i.fields.labels as string[]) ?? [])],
        status: OPEN,
        comments: [],
        links: new Set(),
        attachments: [],
        ...(parent ? { parent } : {}),
      });
      return { ref: i.ref, key, id: key.slice(5) };
    });
  }

  async update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }) {
    this.writes++;
    this.log.push(`update ${key} ${Object.keys(change.fields).join(',')}`);
    const issue = this.must(key);
    Object.assign(issue.fields, change.fields);
    issue.labels = [...issue.labels.filter((l) => !change.removeLabels?.includes(l)), ...(change.addLabels ?? [])];
  }

  async status(key: string) {
    this.reads++;
    return this.issues.get(key)?.status;
  }

  transition(key: string, target: string): Promise<{ from: IssueStatus; to: IssueStatus }>;
  transition(key: string, target: string, o: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined>;
  async transition(key: string, target: string, o?: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined> {
    if (o?.ifReachable && !this.statuses[target]) return undefined;
    this.writes++;
    this.log.push(`transition ${key} ${target}`);
    const issue = this.must(key);
    const category = this.statuses[target];
    if (!category) throw new SinkError('SINK_REJECTED', `no transition to ${target}`, { host: this.host });
    const from = issue.status;
    issue.status = { name: target, category };
    return { from, to: issue.status };
  }

  /** One step, as Jira: a move not valid from where the issue is (it is not where the state believes) is refused. */
  async moveFrom(key: string, target: string, known: { project: string; issueType: string; status?: string }): Promise<IssueStatus | undefined> {
    this.writes++;
    const issue = this.must(key);
    const category = this.statuses[target];
    if (!category || (known.status !== undefined && known.status !== issue.status.name) || issue.status.name === target) {
      this.log.push(`refused ${key} ${target}`);
      return undefined;
    }
    this.log.push(`transition ${key} ${target}`);
    issue.status = { name: target, category };
    return issue.status;
  }

  async comment(key: string, body: RichText) {
    this.writes++;
    this.must(key).comments.push(body);
  }

  async attach(key: string, name: string, text: string) {
    this.writes++;
    this.log.push(`attach ${key} ${name}`);
    this.must(key).attachments.push({ name, text });
  }

  async link(parentKey: string, childKey: string) {
    this.writes++;
    this.log.push(`link ${parentKey} ${childKey}`);
    this.must(parentKey).links.add(childKey);
  }

  async unlink(parentKey: string, childKey: string) {
    this.writes++;
    this.log.push(`unlink ${parentKey} ${childKey}`);
    return this.must(parentKey).links.delete(childKey);
  }

  async currentStatuses(keys: readonly string[]): Promise<Map<string, IssueStatus | null>> {
    this.reads += Math.ceil(keys.length / 100);
    return new Map(keys.map((k) => [k, this.issues.get(k)?.status ?? null]));
  }

  async findByMarkers(_project: string, labels: readonly string[]): Promise<FoundIssue[]> {
    this.reads++;
    return [...this.issues.values()]
      .filter((i) => i.labels.some((l) => labels.includes(l)))
      .map((i) => ({ key: i.key, id: i.key.slice(5), labels: i.labels, status: i.status }));
  }

  async newestWithMarker(_project: string, label: string, limit: number): Promise<FoundIssue[]> {
    this.reads++;
    return [...this.issues.values()]
      .filter((i) => i.labels.includes(label))
      .reverse()
      .slice(0, limit)
      .map((i) => ({ key: i.key, id: i.key.slice(5), labels: i.labels, status: i.status }));
  }

  issueUrl(key: string) {
    return `memory://browse/${key}`;
  }

  searchUrl(jql: string) {
    return `memory://search?jql=${encodeURIComponent(jql)}`;
  }

  calls() {
    return { reads: this.reads, writes: this.writes };
  }

  /** A person moves the ticket in Jira. */
  setStatus(key: string, name: string) {
    this.must(key).status = { name, category: this.statuses[name] ?? 'indeterminate' };
  }

  private must(key: string): MemoryIssue {
    const issue = this.issues.get(key);
    if (!issue) throw new SinkError('SINK_REJECTED', `issue ${key} does not exist`, { host: this.host });
    return issue;
  }
}
