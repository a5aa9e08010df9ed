import type { Logger } from '../log.js';
import type { RetryOptions } from '../http/retry.js';
import type { Sleep } from '../http/sleep.js';
import type { VulnbridgeError } from '../errors.js';
import type { RenderedTicket, RichText, TicketScheme } from '../templates/types.js';

/** Jira `fields` object keyed by field id (`summary`, `customfield_10010`, ...). */
export type JiraFields = Record<string, unknown>;

export type StatusCategory = 'new' | 'indeterminate' | 'done';
export interface IssueStatus {
  name: string;
  category: StatusCategory;
}

export interface CreateRequest {
  /** Caller's reference, echoed in the result (we use the ticket's marker label). */
  ref: string;
  fields: JiraFields;
  /** Issue properties set with the create (key → JSON value). */
  properties?: Record<string, unknown>;
}
export interface CreateResult {
  ref: string;
  key?: string;
  id?: string;
  error?: VulnbridgeError;
}

export interface FoundIssue {
  key: string;
  id: string;
  labels: string[];
  status: IssueStatus;
}

/** Custom field names as JQL clause names (`cf[10010]`), and the names that could not be resolved. */
export interface JqlFieldNames {
  clauses: Map<string, string>;
  /** No custom field has this name. */
  missing: string[];
  /** Several custom fields have this name. */
  ambiguous: string[];
}

/** One issue of a bulk change: its key (messages) and id (what bulk tasks report). */
export interface BulkIssue {
  key: string;
  id: string;
}

/** What a bulk task did, per issue id; an id in neither list was not reported (deleted, or out of sight). */
export interface BulkOutcome {
  /** COMPLETE: every issue was tried; otherwise the task ended early (FAILED, CANCELLED, DEAD). */
  complete: boolean;
  done: Set<string>;
  /** Issue id → why it failed (Jira's words). */
  failed: Map<string, string>;
}

/** A bulk task submitted: its id, and for a move, where the issues land. */
export interface BulkSubmitted {
  taskId: string;
  to?: IssueStatus;
}

/**
 * Mass changes in one call per up to `limit` issues (Jira Cloud's bulk operations): an
 * asynchronous task whose outcome is asked for by its id. Worth it from `threshold` issues
 * sharing one change; below that, or when `available()` says no, the one-issue calls.
 */
export interface TicketBulk {
  readonly threshold: number;
  readonly limit: number;
  /**
   * Whether bulk changes may be used (Jira: the global Bulk Change permission, asked once
   * per sink; said once in the log when missing). A refusal later says no from then on.
   */
  available(): Promise<boolean>;
  /**
   * Submit the move of issues believed to be in `known.status` to the named status.
   * Undefined when it cannot go in bulk (no transition leads there from that status, or the
   * transition needs a screen's fields, or bulk was refused): move them one by one.
   * Throws like any write; an ambiguous failure (the task may exist) is the caller's to look after.
   */
  submitMove(issues: readonly BulkIssue[], targetStatus: string, known: { project: string; issueType: string; status?: string }): Promise<BulkSubmitted | undefined>;
  /** Submit a label change (only adds, or only removes) of these issues; undefined when bulk was refused. */
  submitLabels(issues: readonly BulkIssue[], change: { add: readonly string[]; remove: readonly string[] }): Promise<BulkSubmitted | undefined>;
  /**
   * The task's outcome, waiting while it runs (up to `maxWaitMs`, default the sink's):
   * undefined when the system no longer knows the task, `running` when it did not end in time.
   */
  outcome(taskId: string, o?: { maxWaitMs?: number; signal?: AbortSignal }): Promise<BulkOutcome | 'running' | undefined>;
}

export interface SinkCallCounts {
  reads: number;
  writes: number;
}

/**
 * A ticketing system: what the pipeline needs, not what one vendor calls it. It receives
 * rendered tickets (its own markup is its business: `fields`), never scanner data.
 * Every method retries 429/5xx itself (Retry-After aware) and throws a VulnbridgeError
 * naming the host otherwise.
 */
export interface TicketSink {
  readonly type: string;
  readonly host: string;
  /**
   * Check everything the job's schemes need on this Jira (project, issue types,
   * priorities, custom fields by name or id, a transition path to every workflow
   * status, link type) and cache ids. Throws ProblemList naming the host. With `dueDate`
   * (an SLA policy), also whether the due date can be set; if not, it is left out of `fields()`.
   */
  prepare(req: { project: string; schemes: readonly TicketScheme[]; signal?: AbortSignal; dueDate?: boolean }): Promise<void>;
  /**
   * What prepare found that does not stop the job but loses something (with `dueDate`: why
   * Jira cannot take the due date and what to do); empty when all is well.
   */
  setupWarnings?(project: string): string[];
  /**
   * Full Jira field map for a rendered ticket (pure, after prepare). `parentKey` makes it
   * a sub-task of that issue (`fields.parent`); give it only for sub-task types.
   */
  fields(ticket: RenderedTicket, opts: { project: string; parentKey?: string }): JiraFields;
  /**
   * Template custom fields the system lacks in the project (after prepare) that tickets
   * leave out because the template does not mark them required; each may carry a note
   * (close matches). The pipeline warns about them once per cycle.
   */
  skippedFields?(project: string): string[];
  /**
   * What the job's templates need that the system lacks (fields, screens), and with
   * `apply` the creation of it: `vulnbridge setup`. Optional: a sink without it has
   * nothing to set up.
   */
  setup?(req: SetupRequest): Promise<SetupReport>;
  /**
   * Whether the issue type is a sub-task type in the project (Jira's `subtask: true`);
   * undefined when not known (before prepare, or no such type).
   */
  isSubtaskType(project: string, issueType: string): boolean | undefined;
  /** The most tickets one `createMany` call sends (Jira's bulk create takes 50): the pipeline batches by it. */
  readonly createBatchLimit: number;
  /** Bulk create (at most `createBatchLimit` per call inside); partial success is reported per item. */
  createMany(items: readonly CreateRequest[]): Promise<CreateResult[]>;
  /** Edit only these fields; labels are added/removed, never overwritten (people add their own). */
  update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }): Promise<void>;
  /** Current status; undefined when the issue no longer exists. */
  status(key: string): Promise<IssueStatus | undefined>;
  /**
   * Move the issue to the named status via whichever transition leads there. With
   * `ifReachable`, a status no transition leads to from where the issue is answers
   * undefined instead of an error (a move that is welcome, not required).
   */
  transition(key: string, targetStatus: string): Promise<{ from: IssueStatus; to: IssueStatus }>;
  transition(key: string, targetStatus: string, o: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined>;
  /**
   * One step: move an issue the state believes to be in `known.status` (its last recorded
   * status; absent when not recorded) to the named status, without reading the issue
   * first (one write; the sink learns each workflow step's transitions once per run).
   * Undefined when the system refuses the move as not valid from where the issue is (a
   * person moved it, or the workflow changed): the caller then looks (`status`) and
   * decides. Throws TICKET_GONE for an issue that no longer exists.
   */
  moveFrom(key: string, targetStatus: string, known: { project: string; issueType: string; status?: string }): Promise<IssueStatus | undefined>;
  comment(key: string, body: RichText): Promise<void>;
  /** Mass changes in bulk; undefined where the system has none (Jira Data Center). */
  bulk?(): TicketBulk | undefined;
  /**
   * Upload `text` as a file attachment named `name` (plain text, UTF-8). The sink caps
   * its size (cut with a note saying so); an earlier attachment of the same name stays.
   */
  attach(key: string, name: string, text: string): Promise<void>;
  link(parentKey: string, childKey: string): Promise<void>;
  /** Remove the parent/child link; false when there was none. */
  unlink(parentKey: string, childKey: string): Promise<boolean>;
  /**
   * Tickets in the project carrying any of these identity markers (recovery after a lost
   * database or a crash between the create and our record of it). Jira keeps them as labels.
   */
  findByMarkers(project: string, markers: readonly string[]): Promise<FoundIssue[]>;
  /** The newest tickets of the project with this marker, newest first (at most `limit`). */
  newestWithMarker(project: string, marker: string, limit: number): Promise<FoundIssue[]>;
  /**
   * The current status of each ticket, by key, asked in batches: `null` for a ticket the
   * system no longer has (deleted by hand). A key missing from the map was not reported
   * either way and is left alone.
   */
  currentStatuses(keys: readonly string[]): Promise<Map<string, IssueStatus | null>>;
  /** JQL names of custom fields by display name (reads the system's field list); absent where the system has none. */
  jqlFieldNames?(names: readonly string[], signal?: AbortSignal): Promise<JqlFieldNames>;
  /**
   * The fields that set a ticket's remediation due date (YYYY-MM-DD) in the project, as
   * `fields()` would send them; empty when this system cannot take one (after prepare).
   */
  dueDateFields?(project: string, dueDate: string): JiraFields;
  /** Saved filters and dashboards (`vulnbridge dashboards`); absent where the system has none. */
  reporting?(): ReportingApi;
  /** A browser URL that shows the JQL's result. */
  searchUrl(jql: string): string;
  /** A browser URL of one issue. */
  issueUrl(key: string): string;
  calls(): SinkCallCounts;
}

export interface SetupRequest {
  project: string;
  schemes: readonly TicketScheme[];
  /** false: dry run, list what is missing; true: create it. */
  apply: boolean;
  signal?: AbortSignal;
}

/** One thing setup found missing (and, with apply, what it did about it). */
export interface SetupItem {
  /** `field`: a custom field to create; `option`: select options to add; `screen`: a field to put on a screen. */
  kind: 'field' | 'option' | 'screen';
  field: string;
  /** The kind created, e.g. `number`, `datetime`, `select (Critical, High, ...)`. */
  type?: string;
  /** For `screen`: the screen's name; for `option`: the options. */
  detail?: string;
  /** Which templates' fields need it (file names). */
  templates: string[];
  /** With apply: done, or why not (then it is for a person to do). */
  done?: boolean;
  note?: string;
}

export interface SetupReport {
  project: string;
  items: SetupItem[];
  /** Fields that exist with a kind other than the template's (not changed: Jira cannot change a field's type). */
  mismatches: string[];
  /** Writes made (0 on a dry run and on a second apply). */
  writes: number;
  /** The account lacks a permission setup needs: the message names it; items are then for a person to do. */
  permissionProblem?: string;
}

export interface SinkDeps {
  log: Logger;
  secret(ref: { env?: string; file?: string }, what: string): string;
  /** Replaces the wait before a retry (Retry-After); tests inject one that records instead of sleeping. */
  sleep?: Sleep;
  /** Overrides the retry policy (tests: `{ minTimeoutMs: 0, maxTimeoutMs: 0 }` so backoff does not wait). */
  retry?: Pick<RetryOptions, 'retries' | 'minTimeoutMs' | 'maxTimeoutMs' | 'maxRetryAfterMs'>;
}

export interface SinkFactory<C = unknown> {
  readonly type: string;
  /** Schema of the `sink:` block of a job for this type (validated at config load). */
  readonly configSchema: import('zod').ZodType<C>;
  create(config: C, deps: SinkDeps): TicketSink;
}

/** A share of a saved filter or dashboard: the project (by key) or a group. */
export type ReportShare = { project: string } | { group: string };
export interface SavedFilter {
  id: string;
  name: string;
  jql: string;
  /** Cloud accountId or Data Center user name, when the answer names it. */
  owner?: string;
}
export interface ReportGadget {
  id: string;
  title: string;
  uri?: string;
}

/**
 * Saved filters and dashboards of a ticketing system (Jira: REST v3 on Cloud, v2 on Data
 * Center, where `dashboards` is false: no dashboard or gadget writes there). Every call
 * retries and maps failures like the sink's own, naming the host.
 */
export interface ReportingApi {
  readonly host: string;
  /** Whether dashboards and gadgets can be written over REST (Jira Cloud). */
  readonly dashboards: boolean;
  /** Our account id (Cloud) or user name (Data Center). */
  self(): Promise<string>;
  /** The "Create shared objects" global permission; undefined when the system does not say. */
  canShare(): Promise<boolean | undefined>;
  projectId(key: string): Promise<string | undefined>;
  /** Cloud: filters whose name contains `name`, owned by `owner`, with their JQL. */
  searchFilters(name: string, owner: string): Promise<SavedFilter[]>;
  getFilter(id: string): Promise<SavedFilter | undefined>;
  favouriteFilters(): Promise<SavedFilter[]>;
  createFilter(f: { name: string; description: string; jql: string; share: ReportShare[] }): Promise<SavedFilter>;
  /** Name, description and JQL only: shares are left as they are. */
  updateFilter(id: string, f: { name: string; description: string; jql: string }): Promise<void>;
  deleteFilter(id: string): Promise<void>;
  searchDashboards(name: string, owner: string): Promise<Array<{ id: string; name: string }>>;
  createDashboard(d: { name: string; description: string; share: ReportShare[] }): Promise<{ id: string; name: string }>;
  /** The gadget types the instance offers. */
  gadgetTypes(): Promise<Array<{ title: string; uri?: string }>>;
  /** The settings (UserPref names) a gadget's spec XML declares. */
  gadgetPrefs(uri: string): Promise<string[]>;
  /** The statistic types gadgets may be given (`priorities`, `statuses`, `customfield_N`). */
  statTypes(): Promise<string[]>;
  gadgets(dashboardId: string): Promise<ReportGadget[]>;
  addGadget(dashboardId: string, g: { uri: string; title: string; row: number; column: number }): Promise<ReportGadget>;
  gadgetConfig(dashboardId: string, gadgetId: string): Promise<Record<string, unknown> | undefined>;
  setGadgetConfig(dashboardId: string, gadgetId: string, config: Record<string, string>): Promise<void>;
  calls(): SinkCallCounts;
}
