import { describeError, SinkError } from '../../errors.js';
import { hostOf } from '../../http/client.js';
import type { Logger } from '../../log.js';
import type { RenderedCustomField, RenderedTicket, RichText, TicketScheme } from '../../templates/types.js';
import type { CreateRequest, CreateResult, FoundIssue, IssueStatus, JiraFields, JqlFieldNames, ReportingApi, SetupReport, SetupRequest, SinkCallCounts, SinkDeps, TicketBulk, TicketSink } from '../types.js';
import { capAttachment } from './attachmentText.js';
import { buildFields } from './buildFields.js';
import { JiraBulk } from './bulkOps.js';
import { checkSetup, PRIMARY_KEY_FIELD, type PreparedProject, type SetupResult } from './checkSetup.js';
import { sanitizeLabels, TEXT_LIMIT } from './coerceField.js';
import type { JiraSinkConfig } from './config.js';
import { createInBulk, BULK_LIMIT } from './createInBulk.js';
import { dueDateProblems } from './dueDateCheck.js';
import { currentStatuses } from './currentStatuses.js';
import { jqlFieldNames } from './fieldClauses.js';
import { findByLabels, newestWithLabel } from './findByLabels.js';
import { JiraApi } from './jiraApi.js';
import { createJiraClients, type JiraAuth } from './jiraClient.js';
import { JiraRejectedError } from './mapError.js';
import { JiraReportingApi } from './reportingApi.js';
import { toAdf, toPlain, toWiki } from './richText.js';
import { runSetup } from './runSetup.js';
import { issueStatusOf, Transitioner } from './transitioner.js';
import type { JiraField } from './wire.js';

/**
 * TicketSink for Jira Cloud (REST v3, ADF) and Data Center (REST v2, wiki markup) on top
 * of jira.js 5. One instance serves one run: setup checks, field ids and transitions are
 * cached for its lifetime.
 */
export class JiraTicketSink implements TicketSink {
  readonly type = 'jira';
  readonly host: string;
  readonly createBatchLimit = BULK_LIMIT;
  private readonly setups = new Map<string, Promise<SetupResult>>();
  private readonly projects = new Map<string, PreparedProject>();
  private readonly fieldsById = new Map<string, JiraField>();
  private readonly fieldsByTemplateName = new Map<string, JiraField>();
  /** Per project: template fields Jira lacks, left out of the tickets (name → close-match note). */
  private readonly omittedFields = new Map<string, Map<string, string>>();
  /** Projects whose Jira cannot take `duedate` (checkSetup): the due date is not sent there. */
  private readonly noDueDate = new Set<string>();
  private readonly warnings = new Map<string, string[]>();
  private linkTypeName: string;
  private linkTypeId?: string;
  private readonly transitioner: Transitioner;
  private bulkOps?: JiraBulk;

  private constructor(
    private readonly config: JiraSinkConfig,
    private readonly api: JiraApi,
    private readonly log: Logger,
    private readonly makeReporting?: () => ReportingApi,
    private readonly sleep?: SinkDeps['sleep'],
  ) {
    this.host = hostOf(config.url);
    this.linkTypeName = config.linkType;
    this.transitioner = new Transitioner(api, { host: this.host, closeResolution: config.closeResolution, log });
  }

  static fromConfig(config: JiraSinkConfig, deps: SinkDeps): JiraTicketSink {
    const url = config.url.replace(/\/+$/, '');
    const host = hostOf(url);
    const { auth, authHint } = credentials(config, deps);
    const log = deps.log.child({ sink: 'jira', host });
    const clients = createJiraClients({
      url,
      flavor: config.flavor,
      auth,
      timeoutMs: config.timeoutSeconds * 1000,
      authContext: { host, authHint },
    });
    const api = new JiraApi(clients, { host, authHint, log, sleep: deps.sleep, retry: deps.retry });
    return new JiraTicketSink({ ...config, url }, api, log, () => new JiraReportingApi(clients, { host, authHint, log, sleep: deps.sleep, retry: deps.retry }), deps.sleep);
  }

  async prepare(req: { project: string; schemes: readonly TicketScheme[]; signal?: AbortSignal; dueDate?: boolean }): Promise<void> {
    const cacheKey = [req.project, ...req.schemes.map((s) => s.file).sort()].join('\n');
    let setup = this.setups.get(cacheKey);
    if (!setup) {
      setup = checkSetup(this.api, req, { host: this.host, linkType: this.config.linkType });
      this.setups.set(cacheKey, setup);
      // A failed check is not cached: the operator fixes Jira and the next run checks again.
      setup.catch(() => this.setups.delete(cacheKey));
    }
    const result = await setup;
    this.projects.set(result.project.key, result.project);
    for (const [id, f] of result.fieldsById) this.fieldsById.set(id, f);
    for (const [name, f] of result.fieldsByTemplateName) this.fieldsByTemplateName.set(name, f);
    const omitted = this.omittedFields.get(result.project.key) ?? new Map<string, string>();
    this.omittedFields.set(result.project.key, omitted);
    for (const [name, note] of result.omittedFields) {
      omitted.set(name, note);
      if (name === PRIMARY_KEY_FIELD) {
        this.log.info('Jira has no custom field for it; the identity is written as the vulnbridge issue property and marker label only', { field: name, host: this.host });
      }
    }
    if (result.linkType) {
      this.linkTypeName = result.linkType.name;
      this.linkTypeId = result.linkType.id;
    }
    if (req.dueDate && !this.warnings.has(result.project.key)) await this.checkDueDate(result.project, req.schemes, req.signal);
    // Cloud: whether mass changes may go in bulk is found (and a missing permission said) now, once per sink, not at the first mass change.
    await this.bulk()?.available();
    this.log.debug('jira setup checked', { project: req.project, calls: this.calls() });
  }

  setupWarnings(project: string): string[] {
    return this.warnings.get(project) ?? [];
  }

  /** An SLA job whose Jira cannot take `duedate`: one warning, and the due date is left out (the cycle goes on). */
  private async checkDueDate(project: PreparedProject, schemes: readonly TicketScheme[], signal?: AbortSignal): Promise<void> {
    const names = new Set(schemes.flatMap((s) => Object.values(s.tickets).map((t) => t.issueType.toLowerCase())));
    const types = [...names].map((n) => project.issueTypes.get(n)).filter((t): t is NonNullable<typeof t> => !!t);
    let problems: string[];
    try {
      problems = await dueDateProblems(this.api, project.key, types, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      problems = [`could not check whether the Due date can be set (${describeError(err)}); re-run validate --online`];
    }
    this.warnings.set(project.key, problems);
    if (problems.length === 0) return;
    this.noDueDate.add(project.key);
    this.log.warn(`Jira cannot take due dates in project ${project.key}: tickets get no duedate (the SLA labels still apply). ${problems.join('; ')}`, { host: this.host });
  }

  fields(ticket: RenderedTicket, opts: { project: string; parentKey?: string }): JiraFields {
    const project = this.projects.get(opts.project);
    if (!project) {
      throw new SinkError('SINK_SETUP_INVALID', `fields() for project ${opts.project} before prepare()`, {
        host: this.host,
        hint: 'call prepare({ project, schemes }) first',
      });
    }
    return buildFields(ticket, {
      project,
      parentKey: opts.parentKey,
      cloud: this.api.cloud,
      host: this.host,
      omitted: this.omittedFields.get(project.key),
      noDueDate: this.noDueDate.has(opts.project),
      fieldFor: (cf: RenderedCustomField) => {
        const id = cf.customFieldId?.trim();
        return id ? this.fieldsById.get(id) : this.fieldsByTemplateName.get(cf.name);
      },
    });
  }

  /** `vulnbridge setup`: fields, options and screens the schemes need (runSetup.ts). */
  setup(req: SetupRequest): Promise<SetupReport> {
    return runSetup(this.api, req, { host: this.host });
  }

  skippedFields(project: string): string[] {
    const omitted = this.omittedFields.get(project) ?? new Map<string, string>();
    return [...omitted].filter(([name]) => name !== PRIMARY_KEY_FIELD).map(([name, note]) => `${name}${note}`);
  }

  dueDateFields(project: string, dueDate: string): JiraFields {
    return this.noDueDate.has(project) ? {} : { duedate: dueDate };
  }

  isSubtaskType(project: string, issueType: string): boolean | undefined {
    return this.projects.get(project)?.issueTypes.get(issueType.toLowerCase())?.subtask;
  }

  createMany(items: readonly CreateRequest[]): Promise<CreateResult[]> {
    return createInBulk(this.api, items, { host: this.host, fieldLabel: (id) => this.fieldLabel(id) });
  }

  /**
   * Labels go through `update` add/remove so labels people added stay; a field may not be
   * in both `fields` and `update` (jira-and-peers.md §1.3). `notifyUsers=false` is not
   * sent: it needs admin rights and is otherwise ignored.
   */
  async update(key: string, change: { fields: JiraFields; addLabels?: readonly string[]; removeLabels?: readonly string[] }): Promise<void> {
    const { labels, ...fields } = change.fields;
    const add = sanitizeLabels([...(change.addLabels ?? []), ...(Array.isArray(labels) ? labels.map(String) : [])]);
    const remove = sanitizeLabels(change.removeLabels ?? []).filter((l) => !add.includes(l));
    const body: { fields?: JiraFields; update?: Record<string, unknown[]> } = {};
    if (Object.keys(fields).length) body.fields = fields;
    if (add.length || remove.length) body.update = { labels: [...add.map((l) => ({ add: l })), ...remove.map((l) => ({ remove: l }))] };
    if (!body.fields && !body.update) return;
    await this.api.editIssue(key, body);
  }

  async status(key: string): Promise<IssueStatus | undefined> {
    try {
      // The pipeline asks for the status right before it moves an issue: fetch what the
      // transition needs too, so the move does not read the issue again.
      const issue = await this.api.getIssue(key, ['status', 'issuetype', 'project']);
      this.transitioner.remember(issue);
      return issue.fields.status ? issueStatusOf(issue.fields.status) : undefined;
    } catch (err) {
      if (err instanceof JiraRejectedError && err.status === 404) return undefined;
      throw err;
    }
  }

  transition(key: string, targetStatus: string): Promise<{ from: IssueStatus; to: IssueStatus }>;
  transition(key: string, targetStatus: string, o: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined>;
  transition(key: string, targetStatus: string, o?: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined> {
    return this.transitioner.transition(key, targetStatus, o);
  }

  moveFrom(key: string, targetStatus: string, known: { project: string; issueType: string; status?: string }): Promise<IssueStatus | undefined> {
    return this.transitioner.moveFrom(key, targetStatus, known);
  }

  /** Cloud: bulk transition and bulk edit (bulkOps.ts); Data Center has none. */
  bulk(): TicketBulk | undefined {
    if (!this.api.cloud) return undefined;
    this.bulkOps ??= new JiraBulk(this.api, this.transitioner, { host: this.host, log: this.log, sleep: this.sleep });
    return this.bulkOps;
  }

  async comment(key: string, body: RichText): Promise<void> {
    // Jira refuses an empty comment body.
    if (!toPlain(body).trim()) return;
    await this.api.addComment(key, this.api.cloud ? toAdf(body, TEXT_LIMIT) : toWiki(body, TEXT_LIMIT));
  }

  async attach(key: string, name: string, text: string): Promise<void> {
    await this.api.addAttachment(key, name, capAttachment(text, this.config.attachmentMaxBytes));
  }

  link(parentKey: string, childKey: string): Promise<void> {
    return this.api.linkIssues(this.linkTypeName, parentKey, childKey);
  }

  async unlink(parentKey: string, childKey: string): Promise<boolean> {
    try {
      const issue = await this.api.getIssue(parentKey, ['issuelinks']);
      // The link shows the other issue as inwardIssue or outwardIssue depending on direction.
      const link = (issue.fields.issuelinks ?? []).find(
        (l) => this.isOurLinkType(l.type) && (l.inwardIssue?.key === childKey || l.outwardIssue?.key === childKey),
      );
      if (!link) return false;
      await this.api.deleteIssueLink(link.id);
      return true;
    } catch (err) {
      if (err instanceof JiraRejectedError && err.status === 404) return false;
      throw err;
    }
  }

  currentStatuses(keys: readonly string[]): Promise<Map<string, IssueStatus | null>> {
    return currentStatuses(this.api, keys);
  }

  findByMarkers(project: string, markers: readonly string[]): Promise<FoundIssue[]> {
    return findByLabels(this.api, project, markers);
  }

  newestWithMarker(project: string, marker: string, limit: number): Promise<FoundIssue[]> {
    return newestWithLabel(this.api, project, marker, limit);
  }

  reporting(): ReportingApi {
    if (!this.makeReporting) throw new Error('no reporting API');
    return this.makeReporting();
  }

  async jqlFieldNames(names: readonly string[], signal?: AbortSignal): Promise<JqlFieldNames> {
    return jqlFieldNames(await this.api.fields(signal), names);
  }

  searchUrl(jql: string): string {
    return `${this.config.url}/issues/?jql=${encodeURIComponent(jql)}`;
  }

  issueUrl(key: string): string {
    return `${this.config.url}/browse/${encodeURIComponent(key)}`;
  }

  calls(): SinkCallCounts {
    return this.api.calls();
  }

  private isOurLinkType(type: { id?: string; name: string }): boolean {
    if (this.linkTypeId && type.id) return type.id === this.linkTypeId;
    return type.name.toLowerCase() === this.linkTypeName.toLowerCase();
  }

  private fieldLabel(id: string): string {
    const f = this.fieldsById.get(id);
    return f && f.custom ? `${id} (${f.name})` : id;
  }
}

/** Auth and the operator hint for a refusal, naming config keys and env vars, never values. */
function credentials(config: JiraSinkConfig, deps: SinkDeps): { auth: JiraAuth; authHint: string } {
  const name = (ref: { env?: string; file?: string }) => ref.env ?? `the secret file ${ref.file}`;
  if (config.flavor === 'cloud' && config.token && config.email) {
    return {
      auth: { kind: 'basic', user: config.email, secret: deps.secret(config.token, 'Jira API token') },
      authHint: `check ${name(config.token)} (and email)`,
    };
  }
  if (config.flavor === 'datacenter' && config.token) {
    return {
      auth: { kind: 'bearer', token: deps.secret(config.token, 'Jira personal access token') },
      authHint: `check ${name(config.token)} (a Jira Data Center personal access token)`,
    };
  }
  if (config.flavor === 'datacenter' && config.username && config.password) {
    return {
      auth: { kind: 'basic', user: config.username, secret: deps.secret(config.password, 'Jira password') },
      authHint: `check username and ${name(config.password)}`,
    };
  }
  throw new SinkError('SINK_SETUP_INVALID', 'the Jira sink has no usable credentials', {
    path: 'sink.token',
    hint: 'Cloud: email + token; Data Center: token (personal access token) or username + password',
  });
}
