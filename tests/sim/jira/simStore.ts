import { adfProblem, adfText, textToAdf } from './adf.js';
import { onScreen } from './simScreens.js';
import { STATUS_CATEGORIES, type SimData, type SimField, type SimIssueType, type SimProject, type SimStatus, type SimTransition } from './simData.js';

export type SimFlavor = 'cloud' | 'datacenter';
/** REST API version of a request: 3 takes ADF for rich text, 2 takes strings. */
/** Which screen a create or edit goes through. */
export interface ScreenContext {
  projectId: string;
  issueTypeId: string;
  use: 'create' | 'edit';
}

export type ApiVersion = '2' | '3';

export interface SimIssue {
  id: string;
  key: string;
  projectKey: string;
  issueTypeId: string;
  status: string;
  resolution: string | null;
  /** Settable fields as stored (summary, description, labels, priority, parent, customfield_*). */
  fields: Record<string, unknown>;
  comments: Array<{ id: string; body: unknown }>;
  /** Uploaded files, in upload order (a second file of the same name is another attachment, as in Jira). */
  attachments: SimAttachment[];
  /** ISO times (toISOString) from the store's clock. */
  created: string;
  updated: string;
  /** When it last moved to a done status; null while unresolved. */
  resolved: string | null;
}
export interface SimAttachment {
  id: string;
  filename: string;
  mimeType: string;
  content: Buffer;
  created: string;
}
export interface SimLink {
  id: string;
  typeId: string;
  inwardKey: string;
  outwardKey: string;
}
export interface ErrorCollection {
  errorMessages: string[];
  errors: Record<string, string>;
}
export type Outcome<T> = { ok: T } | { status: number; error: ErrorCollection };

const TEXT_LIMIT = 32_767;
const NOT_SETTABLE = (id: string) => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
const JIRA_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?[+-]\d{2}:?\d{2}$/;

export function fail(status: number, errors: Record<string, string> = {}, errorMessages: string[] = []): { status: number; error: ErrorCollection } {
  return { status, error: { errorMessages, errors } };
}

/**
 * The simulator's Jira: issues, links, comments and the rules real Jira applies to what
 * it is sent, with its error shapes (jira-and-peers.md §1.1, §1.4, §1.6, §1.7).
 */
export class SimStore {
  /** By key (upper case). Read it freely; change it only through the store, which keeps the indexes. */
  readonly issues = new Map<string, SimIssue>();
  /**
   * Links by id, in creation order. Indexed by issue key too: rendering an issue must not
   * scan every link (a host-linking bench makes one link per child, a million of them).
   */
  private readonly linksById = new Map<string, SimLink>();
  private readonly linksByIssue = new Map<string, SimLink[]>();
  private readonly linkIdByEnds = new Map<string, string>();
  private readonly byId = new Map<string, SimIssue>();
  /**
   * Issues by label, for `labels in (...)` / `labels = x`: each lookup of the pipeline's
   * marker labels would otherwise scan every issue (quadratic over a large first cycle).
   * Most labels (the per-ticket markers) are on one issue, so a lone issue is stored
   * bare and a Set is made only for a label that is shared: a million one-member Sets
   * would cost more than the issues.
   */
  private readonly byLabel = new Map<string, SimIssue | Set<SimIssue>>();
  private nextIssueId = 10000;
  private nextLinkId = 20000;
  private nextCommentId = 30000;
  private nextAttachmentId = 40000;
  private readonly counters = new Map<string, number>();

  constructor(
    readonly data: SimData,
    readonly flavor: SimFlavor,
    readonly baseUrl: () => string,
    /** The simulator's clock: issue times and JQL's now(), startOfDay(), -7d (tests inject a fixed one). */
    readonly now: () => Date = () => new Date(),
  ) {}

  project(idOrKey: string): SimProject | undefined {
    return this.data.projects.find((p) => p.key.toLowerCase() === idOrKey.toLowerCase() || p.id === idOrKey);
  }
  issueType(ref: unknown): SimIssueType | undefined {
    const r = (ref ?? {}) as { id?: unknown; name?: unknown };
    return this.data.issueTypes.find((t) => t.id === r.id || (typeof r.name === 'string' && t.name.toLowerCase() === r.name.toLowerCase()));
  }
  issueTypeById(id: string): SimIssueType {
    return this.data.issueTypes.find((t) => t.id === id) as SimIssueType;
  }
  statusesFor(issueTypeName: string): SimStatus[] {
    const names = this.data.statusesByIssueType[issueTypeName];
    return names ? this.data.statuses.filter((s) => names.includes(s.name)) : this.data.statuses;
  }
  status(name: string): SimStatus {
    return this.data.statuses.find((s) => s.name === name) ?? { id: '0', name, category: 'indeterminate' };
  }
  field(id: string): SimField | undefined {
    return this.data.fields.find((f) => f.id === id);
  }
  issue(idOrKey: string): SimIssue | undefined {
    return this.issues.get(idOrKey.toUpperCase()) ?? this.byId.get(idOrKey);
  }

  /** Issues carrying any of the labels (each once); a superset is fine, callers still match the JQL. */
  issuesWithLabels(labels: readonly string[]): Iterable<SimIssue> {
    if (labels.length === 1) {
      const hit = this.byLabel.get(labels[0]);
      // The Set itself, not a copy: `labels = vb-job-x` names every issue of a job.
      return hit === undefined ? [] : hit instanceof Set ? hit : [hit];
    }
    const out = new Set<SimIssue>();
    for (const label of labels) {
      const hit = this.byLabel.get(label);
      if (hit instanceof Set) for (const i of hit) out.add(i);
      else if (hit) out.add(hit);
    }
    return [...out];
  }

  /** Removes the issue (and, with `links`, its links: what a person deleting it in Jira gets). */
  deleteIssue(key: string, opts: { links: boolean }): boolean {
    const issue = this.issue(key);
    if (!issue) return false;
    this.issues.delete(issue.key);
    this.byId.delete(issue.id);
    this.unindexLabels(issue);
    if (opts.links) for (const l of [...(this.linksByIssue.get(issue.key) ?? [])]) this.removeLink(l);
    return true;
  }

  links(): SimLink[] {
    return [...this.linksById.values()];
  }
  get linkCount(): number {
    return this.linksById.size;
  }

  /** The only writer of `fields.labels`, so the label index stays true. */
  private setLabels(issue: SimIssue, labels: string[] | undefined): void {
    this.unindexLabels(issue);
    if (labels === undefined) delete issue.fields.labels;
    else issue.fields.labels = labels;
    for (const l of labels ?? []) {
      const hit = this.byLabel.get(l);
      if (hit === undefined) this.byLabel.set(l, issue);
      else if (hit instanceof Set) hit.add(issue);
      else if (hit !== issue) this.byLabel.set(l, new Set([hit, issue]));
    }
  }

  private unindexLabels(issue: SimIssue): void {
    for (const l of (issue.fields.labels as string[] | undefined) ?? []) {
      const hit = this.byLabel.get(l);
      if (hit === issue) this.byLabel.delete(l);
      else if (hit instanceof Set) {
        hit.delete(issue);
        if (hit.size === 0) this.byLabel.delete(l);
      }
    }
  }

  createIssue(body: unknown, v: ApiVersion): Outcome<SimIssue> {
    const fields = ((body ?? {}) as { fields?: Record<string, unknown> }).fields;
    if (!fields || typeof fields !== 'object') return fail(400, {}, ['Issue fields are required.']);
    const errors: Record<string, string> = {};
    const pref = fields.project as { key?: string; id?: string } | undefined;
    const project = pref ? this.project(String(pref.key ?? pref.id ?? '')) : undefined;
    if (!project) errors.project = 'Specify a valid project ID or key';
    const issueType = this.issueType(fields.issuetype);
    if (!issueType) errors.issuetype = 'Specify a valid issue type';
    if (typeof fields.summary !== 'string' || !fields.summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    let parent: SimIssue | undefined;
    if (fields.parent !== undefined) {
      const p = fields.parent as { key?: string; id?: string };
      parent = this.issue(String(p?.key ?? p?.id ?? ''));
      if (!parent) errors.parent = 'Could not find issue by id or key.';
    } else if (issueType?.subtask) {
      errors.issuetype = 'Issue type is a sub-task but parent issue key or id not specified.';
    }
    Object.assign(errors, this.checkFields(fields, v, ['project', 'issuetype', 'parent'], project && issueType ? { projectId: project.id, issueTypeId: issueType.id, use: 'create' } : undefined));
    for (const id of this.data.requiredFields) {
      if (fields[id] === undefined || fields[id] === null) errors[id] = `${this.field(id)?.name ?? id} is required.`;
    }
    if (Object.keys(errors).length || !project || !issueType) return fail(400, errors);
    const n = (this.counters.get(project.key) ?? 0) + 1;
    this.counters.set(project.key, n);
    const issue: SimIssue = {
      id: String(this.nextIssueId++),
      key: `${project.key}-${n}`,
      projectKey: project.key,
      issueTypeId: issueType.id,
      status: this.data.initialStatus,
      resolution: null,
      fields: {},
      comments: [],
      attachments: [],
      created: this.now().toISOString(),
      updated: this.now().toISOString(),
      resolved: null,
    };
    this.issues.set(issue.key, issue);
    this.byId.set(issue.id, issue);
    this.store(issue, fields);
    if (parent) issue.fields.parent = { id: parent.id, key: parent.key };
    return { ok: issue };
  }

  editIssue(key: string, body: unknown, v: ApiVersion): Outcome<null> {
    const issue = this.issue(key);
    if (!issue) return fail(404, {}, ['Issue does not exist or you do not have permission to see it.']);
    const b = (body ?? {}) as { fields?: Record<string, unknown>; update?: Record<string, unknown> };
    const fields = b.fields ?? {};
    const update = b.update ?? {};
    const errors: Record<string, string> = {};
    for (const id of Object.keys(update)) {
      if (id in fields) errors[id] = `Field '${id}' cannot be set in both 'fields' and 'update'.`;
    }
    Object.assign(errors, this.checkFields(fields, v, [], { projectId: this.project(issue.projectKey)?.id ?? '', issueTypeId: issue.issueTypeId, use: 'edit' }));
    for (const [id, ops] of Object.entries(update)) {
      if (id !== 'labels') {
        errors[id] ??= NOT_SETTABLE(id);
        continue;
      }
      if (!Array.isArray(ops)) {
        errors.labels = 'Operation value must be an array';
        continue;
      }
      for (const op of ops as Array<Record<string, unknown>>) {
        const value = op.add ?? op.remove;
        const problem = labelProblem(value, this.flavor);
        if (problem) errors.labels = problem;
      }
    }
    if (Object.keys(errors).length) return fail(400, errors);
    this.store(issue, fields);
    issue.updated = this.now().toISOString();
    for (const op of (update.labels ?? []) as Array<{ add?: string; remove?: string; set?: string[] }>) {
      const labels = new Set((issue.fields.labels as string[] | undefined) ?? []);
      if (op.add) labels.add(op.add);
      if (op.remove) labels.delete(op.remove);
      if (op.set) {
        labels.clear();
        op.set.forEach((l) => labels.add(l));
      }
      this.setLabels(issue, [...labels]);
    }
    return { ok: null };
  }

  private store(issue: SimIssue, fields: Record<string, unknown>): void {
    for (const [id, value] of Object.entries(fields)) {
      if (id === 'project' || id === 'issuetype' || id === 'parent') continue;
      if (id === 'priority') {
        const p = this.priority(value);
        issue.fields.priority = p ? { id: p.id, name: p.name } : undefined;
        continue;
      }
      if (id === 'labels') this.setLabels(issue, value === null ? undefined : (value as string[]));
      else if (value === null) delete issue.fields[id];
      else issue.fields[id] = value;
    }
  }

  private priority(ref: unknown) {
    const r = (ref ?? {}) as { id?: unknown; name?: unknown };
    return this.data.priorities.find((p) => p.id === r.id || (typeof r.name === 'string' && p.name === r.name));
  }

  /** Jira's per-field checks; returns field id → message (empty when all is well). */
  checkFields(fields: Record<string, unknown>, v: ApiVersion, skip: readonly string[], where?: ScreenContext): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const [id, value] of Object.entries(fields)) {
      if (skip.includes(id)) continue;
      const problem = this.fieldProblem(id, value, v, where);
      if (problem) errors[id] = problem;
    }
    return errors;
  }

  private fieldProblem(id: string, value: unknown, v: ApiVersion, where?: ScreenContext): string | undefined {
    if (value === null) return undefined;
    switch (id) {
      case 'summary':
        if (typeof value !== 'string') return 'Operation value must be a string';
        if (/[\r\n]/.test(value)) return 'The summary is invalid because it contains newline characters.';
        if (value.length > 255) return this.flavor === 'cloud' ? "Summary can't exceed 255 characters." : 'Summary must be less than 255 characters.';
        return undefined;
      case 'description':
      case 'environment':
        return richTextProblem(value, v);
      case 'labels':
        if (!Array.isArray(value)) return 'Operation value must be an array';
        return value.map((l) => labelProblem(l, this.flavor)).find(Boolean);
      case 'priority':
        return this.priority(value) ? undefined : 'The priority selected is invalid.';
      case 'duedate':
        // Jira: the field must be on the screen and the account needs Schedule Issues (JIRAKB "Duedate field cannot be set").
        if (this.data.offScreenFields.includes(id) || this.data.schedulePermission === false) return NOT_SETTABLE(id);
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : "Error parsing date string: " + String(value);
    }
    const field = this.field(id);
    if (!field || !field.custom || this.data.offScreenFields.includes(id)) return NOT_SETTABLE(id);
    // A field created through the API is settable only where a screen shows it (simScreens.ts).
    if (where ? !onScreen(this.data, id, where.projectId, where.issueTypeId, where.use) : this.data.apiCreatedFields?.includes(id)) return NOT_SETTABLE(id);
    const kind = (field.schema?.custom ?? '').split(':').pop();
    switch (kind) {
      case 'float':
        return typeof value === 'number' && Number.isFinite(value) ? undefined : 'Operation value must be a number';
      case 'textarea':
        return richTextProblem(value, v);
      case 'textfield':
        if (typeof value !== 'string') return 'Operation value must be a string';
        return value.length > 255 ? 'The entered text is too long. It exceeds the allowed limit of 255 characters.' : undefined;
      case 'url':
      case 'readonlyfield':
        return typeof value === 'string' ? undefined : 'Operation value must be a string';
      case 'labels':
        if (!Array.isArray(value)) return 'Operation value must be an array';
        return value.map((l) => labelProblem(l, this.flavor)).find(Boolean);
      case 'select':
      case 'radiobuttons':
        return optionProblem(value, field);
      case 'multiselect':
      case 'multicheckboxes':
        if (!Array.isArray(value)) return 'Operation value must be an array';
        return value.map((o) => optionProblem(o, field)).find(Boolean);
      case 'datetime':
        return typeof value === 'string' && JIRA_DATETIME.test(value)
          ? undefined
          : 'Invalid date format. Please enter the date in the format "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ".';
      case 'datepicker':
        return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'Invalid date format. Please enter the date in the format "yyyy-MM-dd".';
      default:
        return undefined;
    }
  }

  transitionsFor(issue: SimIssue): SimTransition[] {
    const allowed = new Set(this.statusesFor(this.issueTypeById(issue.issueTypeId).name).map((s) => s.name));
    return this.data.transitions.filter((t) => t.from.includes(issue.status) && allowed.has(t.to));
  }

  doTransition(key: string, body: unknown): Outcome<null> {
    const issue = this.issue(key);
    if (!issue) return fail(404, {}, ['Issue does not exist or you do not have permission to see it.']);
    const b = (body ?? {}) as { transition?: { id?: string }; fields?: { resolution?: { name?: string; id?: string } } };
    const t = this.transitionsFor(issue).find((x) => x.id === b.transition?.id);
    if (!t) return fail(400, {}, [`Transition id '${b.transition?.id ?? ''}' is not valid for this issue.`]);
    const extra = Object.keys(b.fields ?? {}).filter((f) => f !== 'resolution');
    if (extra.length) return fail(400, Object.fromEntries(extra.map((f) => [f, NOT_SETTABLE(f)])));
    let resolution: string | null = null;
    if (b.fields?.resolution) {
      const r = this.data.resolutions.find((x) => x.name === b.fields?.resolution?.name || x.id === b.fields?.resolution?.id);
      if (!r) return fail(400, { resolution: `Could not find resolution with name '${b.fields.resolution.name ?? b.fields.resolution.id}'.` });
      resolution = r.name;
    } else if (t.requiresResolution) {
      return fail(400, { resolution: 'Resolution is required.' });
    }
    const target = this.status(t.to);
    issue.status = target.name;
    // Workflows set a resolution on done statuses and clear it when reopening.
    issue.resolution = target.category === 'done' ? (resolution ?? 'Done') : null;
    this.touchResolution(issue);
    return { ok: null };
  }

  /**
   * After a status change: `resolved` is set when the issue gets a resolution and cleared
   * when it loses it, as Jira's resolution date; `updated` moves.
   */
  touchResolution(issue: SimIssue): void {
    const now = this.now().toISOString();
    issue.updated = now;
    if (!issue.resolution) issue.resolved = null;
    else if (!issue.resolved) issue.resolved = now;
  }

  /** Sets fields as stored, without Jira's checks (an issue seeded by a test: its history is the test's business). */
  seedFields(issue: SimIssue, fields: Record<string, unknown>): void {
    this.store(issue, fields);
  }

  addComment(key: string, body: unknown, v: ApiVersion): Outcome<{ id: string; body: unknown }> {
    const issue = this.issue(key);
    if (!issue) return fail(404, {}, ['Issue does not exist or you do not have permission to see it.']);
    const value = (body as { body?: unknown } | undefined)?.body;
    if (value === undefined || value === '' ) return fail(400, { comment: 'Comment body can not be empty!' });
    const problem = richTextProblem(value, v);
    if (problem) return fail(400, { comment: problem });
    const comment = { id: String(this.nextCommentId++), body: value };
    issue.comments.push(comment);
    issue.updated = this.now().toISOString();
    return { ok: comment };
  }

  addAttachments(key: string, files: ReadonlyArray<{ filename: string; mimeType?: string; content: Buffer }>): Outcome<SimAttachment[]> {
    const issue = this.issue(key);
    if (!issue) return fail(404, {}, ['Issue does not exist or you do not have permission to see it.']);
    if (files.length === 0) return fail(400, {}, ['No attachments were provided.']);
    const added = files.map((f) => ({
      id: String(this.nextAttachmentId++),
      filename: f.filename,
      mimeType: f.mimeType ?? 'application/octet-stream',
      content: f.content,
      created: this.now().toISOString(),
    }));
    issue.attachments.push(...added);
    return { ok: added };
  }

  link(body: unknown): Outcome<null> {
    const b = (body ?? {}) as { type?: { name?: string; id?: string }; inwardIssue?: { key?: string; id?: string }; outwardIssue?: { key?: string; id?: string } };
    const type = this.data.linkTypes.find((l) => l.id === b.type?.id || (b.type?.name !== undefined && l.name.toLowerCase() === b.type.name.toLowerCase()));
    if (!type) return fail(404, {}, [`No issue link type with name '${b.type?.name ?? b.type?.id}' found.`]);
    const inward = this.issue(String(b.inwardIssue?.key ?? b.inwardIssue?.id ?? ''));
    const outward = this.issue(String(b.outwardIssue?.key ?? b.outwardIssue?.id ?? ''));
    if (!inward || !outward) return fail(404, {}, ['Issue Does Not Exist']);
    const ends = `${type.id}\n${inward.key}\n${outward.key}`;
    // A duplicate request "indicates that the issue link was created" (jira-and-peers.md §1.8).
    if (this.linkIdByEnds.has(ends)) return { ok: null };
    const l: SimLink = { id: String(this.nextLinkId++), typeId: type.id, inwardKey: inward.key, outwardKey: outward.key };
    this.linksById.set(l.id, l);
    this.linkIdByEnds.set(ends, l.id);
    for (const key of l.inwardKey === l.outwardKey ? [l.inwardKey] : [l.inwardKey, l.outwardKey]) {
      const list = this.linksByIssue.get(key);
      if (list) list.push(l);
      else this.linksByIssue.set(key, [l]);
    }
    return { ok: null };
  }

  deleteLink(id: string): Outcome<null> {
    const l = this.linksById.get(id);
    if (!l) return fail(404, {}, ['No issue link with id \'' + id + '\' exists.']);
    this.removeLink(l);
    return { ok: null };
  }

  private removeLink(l: SimLink): void {
    this.linksById.delete(l.id);
    this.linkIdByEnds.delete(`${l.typeId}\n${l.inwardKey}\n${l.outwardKey}`);
    for (const key of [l.inwardKey, l.outwardKey]) {
      const list = this.linksByIssue.get(key);
      const at = list?.indexOf(l) ?? -1;
      if (at < 0) continue;
      list!.splice(at, 1);
      if (list!.length === 0) this.linksByIssue.delete(key);
    }
  }

  /**
   * The issue as GET /issue returns it; `fields` limits the fields (default all). Only
   * the asked-for fields are built (a search asks for labels and status of many issues),
   * in the order a full answer has them.
   */
  render(issue: SimIssue, v: ApiVersion, only?: readonly string[]): Record<string, unknown> {
    const want = only && !only.includes('*all') && !only.includes('*navigable') ? new Set(only) : undefined;
    const has = (k: string) => !want || want.has(k);
    const fields: Record<string, unknown> = {};
    if (has('summary')) fields.summary = issue.fields.summary;
    if (has('labels')) fields.labels = issue.fields.labels ?? [];
    if (has('priority')) fields.priority = issue.fields.priority ? { self: `${this.baseUrl()}/rest/api/${v}/priority/${(issue.fields.priority as { id: string }).id}`, ...(issue.fields.priority as object) } : null;
    if (has('status')) fields.status = this.renderStatus(issue.status, v);
    if (has('issuetype')) {
      const type = this.issueTypeById(issue.issueTypeId);
      fields.issuetype = { self: `${this.baseUrl()}/rest/api/${v}/issuetype/${type.id}`, id: type.id, name: type.name, subtask: type.subtask };
    }
    if (has('project')) {
      const project = this.project(issue.projectKey) as SimProject;
      fields.project = { self: `${this.baseUrl()}/rest/api/${v}/project/${project.id}`, id: project.id, key: project.key, name: project.name };
    }
    if (has('resolution')) fields.resolution = issue.resolution ? { id: this.data.resolutions.find((r) => r.name === issue.resolution)?.id ?? '0', name: issue.resolution } : null;
    if (has('issuelinks')) fields.issuelinks = this.renderLinks(issue, v);
    if (has('created')) fields.created = jiraTime(issue.created);
    // Asked for by name only, so a full answer stays as it was.
    if (want?.has('updated')) fields.updated = jiraTime(issue.updated);
    if (want?.has('resolutiondate')) fields.resolutiondate = issue.resolved ? jiraTime(issue.resolved) : null;
    if (issue.fields.parent && has('parent')) fields.parent = issue.fields.parent;
    if (has('attachment') && issue.attachments.length) fields.attachment = issue.attachments.map((a) => this.renderAttachment(a, v));
    for (const [id, value] of Object.entries(issue.fields)) {
      if (BUILT_IN.has(id) || !has(id)) continue;
      const rich = id === 'description' || id === 'environment' || (this.field(id)?.schema?.custom ?? '').endsWith(':textarea');
      fields[id] = rich ? richTextFor(value, v) : value;
    }
    return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${this.baseUrl()}/rest/api/${v}/issue/${issue.id}`, key: issue.key, fields };
  }

  renderAttachment(a: SimAttachment, v: ApiVersion): Record<string, unknown> {
    const base = `${this.baseUrl()}/rest/api/${v}`;
    return { self: `${base}/attachment/${a.id}`, id: a.id, filename: a.filename, created: a.created, size: a.content.length, mimeType: a.mimeType, content: `${base}/attachment/content/${a.id}` };
  }

  renderStatus(name: string, v: ApiVersion): Record<string, unknown> {
    const s = this.status(name);
    const c = STATUS_CATEGORIES[s.category];
    return {
      self: `${this.baseUrl()}/rest/api/${v}/status/${s.id}`,
      description: '',
      iconUrl: `${this.baseUrl()}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: { self: `${this.baseUrl()}/rest/api/${v}/statuscategory/${c.id}`, ...c },
    };
  }

  private renderLinks(issue: SimIssue, v: ApiVersion): unknown[] {
    return (this.linksByIssue.get(issue.key) ?? []).map((l) => {
      const type = this.data.linkTypes.find((t) => t.id === l.typeId);
      const otherKey = l.inwardKey === issue.key ? l.outwardKey : l.inwardKey;
      const other = this.issue(otherKey);
      const ref = other ? { id: other.id, key: other.key, self: `${this.baseUrl()}/rest/api/${v}/issue/${other.id}`, fields: { summary: other.fields.summary, status: this.renderStatus(other.status, v) } } : { key: otherKey };
      return {
        id: l.id,
        self: `${this.baseUrl()}/rest/api/${v}/issueLink/${l.id}`,
        type: { ...type, self: `${this.baseUrl()}/rest/api/${v}/issueLinkType/${l.typeId}` },
        ...(l.inwardKey === issue.key ? { outwardIssue: ref } : { inwardIssue: ref }),
      };
    });
  }
}

/** Fields every rendered issue has, built by render() itself rather than copied from the stored fields. */
const BUILT_IN = new Set(['summary', 'labels', 'priority', 'status', 'issuetype', 'project', 'resolution', 'issuelinks', 'created', 'parent']);

function richTextProblem(value: unknown, v: ApiVersion): string | undefined {
  if (v === '3') {
    if (typeof value === 'string' || adfProblem(value)) return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  } else if (typeof value !== 'string') {
    return 'Operation value must be a string';
  }
  // Cloud's hardcoded limit (JRACLOUD-68949); for ADF the stored size is the serialized document.
  const size = typeof value === 'string' ? value.length : JSON.stringify(value).length;
  return size > TEXT_LIMIT ? 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' : undefined;
}

function richTextFor(value: unknown, v: ApiVersion): unknown {
  if (v === '3') return typeof value === 'string' ? textToAdf(value) : value;
  return typeof value === 'string' ? value : adfText(value);
}

export function labelProblem(label: unknown, flavor: SimFlavor): string | undefined {
  if (typeof label !== 'string' || !label) return 'Operation value must be a string';
  if (/\s/.test(label)) return flavor === 'cloud' ? `The label '${label}' can't contain spaces.` : `The label '${label}' contains spaces which is invalid.`;
  if (label.length > 255) return `The label '${label}' exceeds maximum length of 255 characters.`;
  return undefined;
}

function optionProblem(value: unknown, field: SimField): string | undefined {
  const o = value as { value?: unknown; id?: unknown } | null;
  if (!o || typeof o !== 'object' || (o.value === undefined && o.id === undefined)) return "Could not find valid 'id' or 'value' in the Parent Option object.";
  if (field.options && o.value !== undefined && !field.options.includes(String(o.value))) return `Option value '${String(o.value)}' is not valid`;
  return undefined;
}

/** Jira's timestamp form: 2024-01-02T03:04:05.000+0000. */
export function jiraTime(iso: string): string {
  return iso.replace('Z', '+0000');
}
