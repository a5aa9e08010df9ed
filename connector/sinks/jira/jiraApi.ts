import { z } from 'zod';
import type { Version3Models } from 'jira.js';
import type { Logger } from '../../log.js';
import type { SinkCallCounts, SinkDeps } from '../types.js';
import { callJira, type CallJiraOptions } from './callJira.js';
import { withCallSignal, type JiraClients } from './jiraClient.js';
import type { AdfDoc } from './richText.js';
import * as wire from './wire.js';

export interface JiraApiOptions {
  host: string;
  authHint: string;
  log: Logger;
  sleep?: SinkDeps['sleep'];
  retry?: SinkDeps['retry'];
}

/** Writes answer 201/204 with nothing we read. */
const anything = z.unknown();

type CallOptions = Pick<CallJiraOptions, 'signal' | 'once'>;

/**
 * Every Jira operation the sink makes, flavour-neutral: Cloud goes through jira.js'
 * Version3Client (REST v3), Data Center through Version2Client (REST v2). Each call goes
 * through callJira: retried as the failure policy says, mapped to our errors in
 * mapError.ts and its response parsed through wire.ts.
 */
export class JiraApi {
  constructor(
    private readonly clients: JiraClients,
    private readonly opts: JiraApiOptions,
  ) {}

  get cloud(): boolean {
    return this.clients.v3 !== undefined;
  }

  calls(): SinkCallCounts {
    return { ...this.clients.counts };
  }

  myself(signal?: AbortSignal) {
    const get = () =>
      this.pick(
        (c) => c.myself.getCurrentUser<unknown>(),
        (c) => c.myself.getCurrentUser<unknown>(),
      );
    return this.call('check the credentials (GET /myself)', get, wire.myselfSchema, { signal });
  }

  project(key: string, signal?: AbortSignal) {
    const get = () =>
      this.pick(
        (c) => c.projects.getProject<unknown>(key),
        (c) => c.projects.getProject<unknown>(key),
      );
    return this.call(`read project ${key}`, get, wire.projectSchema, { signal });
  }

  /** A first page of visible projects, for "did you mean" messages. */
  projects(signal?: AbortSignal) {
    return this.call(
      'list projects',
      () =>
        this.pick(
          (c) => c.projects.searchProjects<unknown>({ maxResults: 50 }),
          // Data Center has no /project/search before 10.x; /project lists all visible ones.
          (c) => c.sendRequest<unknown>({ url: '/rest/api/2/project', method: 'GET' }, undefined as never),
        ),
      wire.projectListSchema,
      { signal },
    );
  }

  async createMetaIssueTypes(projectKey: string, signal?: AbortSignal): Promise<wire.JiraIssueType[]> {
    const all: wire.JiraIssueType[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.call(
        `list the issue types of project ${projectKey} (createmeta)`,
        () =>
          this.pick(
            (c) => c.issues.getCreateIssueMetaIssueTypes<unknown>({ projectIdOrKey: projectKey, startAt, maxResults: 100 }),
            (c) => c.issues.getCreateIssueMetaIssueTypes<unknown>({ projectIdOrKey: projectKey, startAt, maxResults: 100 }),
          ),
        wire.createMetaIssueTypesSchema,
        { signal },
      );
      all.push(...page.items);
      startAt += page.items.length;
      if (page.items.length === 0 || page.isLast === true || (page.total !== undefined && startAt >= page.total)) return all;
      if (page.isLast === undefined && page.total === undefined) return all;
    }
  }

  projectStatuses(projectKey: string, signal?: AbortSignal) {
    const get = () =>
      this.pick(
        (c) => c.projects.getAllStatuses<unknown>(projectKey),
        (c) => c.projects.getAllStatuses<unknown>(projectKey),
      );
    return this.call(`list the statuses of project ${projectKey}`, get, wire.projectStatusesSchema, { signal });
  }

  /**
   * Priorities usable in the project. Cloud: `/priority/search?projectId=` filters by the
   * project's priority scheme (schemes differ per project, jira-and-peers.md §1.6);
   * Data Center: `/priority` (all).
   */
  async priorities(projectId: string, signal?: AbortSignal): Promise<Array<{ id: string; name: string }>> {
    const all: Array<{ id: string; name: string }> = [];
    for (let startAt = 0; ; ) {
      const page = await this.call(
        'list priorities',
        () =>
          this.pick(
            (c) => c.issuePriorities.searchPriorities<unknown>({ projectId: [projectId], startAt, maxResults: 100 }),
            (c) => c.issuePriorities.getPriorities<unknown>(),
          ),
        wire.priorityListSchema,
        { signal },
      );
      all.push(...page.items);
      startAt += page.items.length;
      if (page.isLast !== false || page.items.length === 0) return all;
    }
  }

  fields(signal?: AbortSignal) {
    const get = () =>
      this.pick(
        (c) => c.issueFields.getFields<unknown>(),
        (c) => c.issueFields.getFields<unknown>(),
      );
    return this.call('list fields (GET /field)', get, wire.fieldListSchema, { signal });
  }

  async linkTypes(signal?: AbortSignal) {
    const get = () =>
      this.pick(
        (c) => c.issueLinkTypes.getIssueLinkTypes<unknown>(),
        (c) => c.issueLinkTypes.getIssueLinkTypes<unknown>(),
      );
    const r = await this.call('list issue link types', get, wire.linkTypeListSchema, { signal });
    return r.issueLinkTypes;
  }

  /** POST /issue/bulk: at most 50 issues per call (Jira's documented limit, jira-and-peers.md §1.2). */
  createIssues(issueUpdates: Array<{ fields: Record<string, unknown>; properties?: Array<{ key: string; value: unknown }> }>) {
    return this.call(
      `create ${issueUpdates.length} issue(s) (POST /issue/bulk)`,
      () =>
        this.pick(
          (c) => c.issues.createIssues<unknown>({ issueUpdates }),
          (c) => c.issues.createIssues<unknown>({ issueUpdates }),
        ),
      wire.createdIssuesSchema,
      { once: true },
    );
  }

  async editIssue(key: string, body: { fields?: Record<string, unknown>; update?: Record<string, unknown[]> }): Promise<void> {
    const put = () =>
      this.pick(
        (c) => c.issues.editIssue<unknown>({ issueIdOrKey: key, ...body }),
        (c) => c.issues.editIssue<unknown>({ issueIdOrKey: key, ...body }),
      );
    await this.call(`edit issue ${key}`, put, anything);
  }

  getIssue(key: string, fields: string[]) {
    const get = () =>
      this.pick(
        (c) => c.issues.getIssue<unknown>({ issueIdOrKey: key, fields }),
        (c) => c.issues.getIssue<unknown>({ issueIdOrKey: key, fields }),
      );
    return this.call(`read issue ${key}`, get, wire.issueSchema);
  }

  async transitions(key: string) {
    const get = () =>
      this.pick(
        (c) => c.issues.getTransitions<unknown>({ issueIdOrKey: key }),
        (c) => c.issues.getTransitions<unknown>({ issueIdOrKey: key }),
      );
    const r = await this.call(`list transitions of ${key}`, get, wire.transitionsSchema);
    return r.transitions;
  }

  async doTransition(key: string, transitionId: string, fields?: Record<string, unknown>): Promise<void> {
    const body = { issueIdOrKey: key, transition: { id: transitionId }, fields };
    const post = () =>
      this.pick(
        (c) => c.issues.doTransition<unknown>(body),
        (c) => c.issues.doTransition<unknown>(body),
      );
    await this.call(`transition ${key}`, post, anything, { once: true });
  }

  async addComment(key: string, body: AdfDoc | string): Promise<void> {
    await this.call(
      `comment on ${key}`,
      () =>
        this.pick(
          // Our AdfDoc is structurally an ADF document; jira.js' Document type is narrower on marks/attrs.
          (c) => c.issueComments.addComment<unknown>({ issueIdOrKey: key, comment: body as unknown as Version3Models.Document }),
          (c) => c.issueComments.addComment<unknown>({ issueIdOrKey: key, comment: String(body) }),
        ),
      anything,
      { once: true },
    );
  }

  /**
   * POST /issue/{key}/attachments (multipart, `X-Atlassian-Token: no-check`, both set by
   * jira.js). Not repeated after an ambiguous failure: that could attach the file twice.
   */
  async addAttachment(key: string, filename: string, content: Buffer): Promise<void> {
    const attachment = { filename, file: content, mimeType: 'text/plain' };
    await this.call(
      `attach ${filename} to ${key}`,
      () =>
        this.pick(
          (c) => c.issueAttachments.addAttachment<unknown>({ issueIdOrKey: key, attachment }),
          (c) => c.issueAttachments.addAttachment<unknown>({ issueIdOrKey: key, attachment }),
        ),
      anything,
      { once: true },
    );
  }

  /** Idempotent on Jira: a duplicate link request "indicates that the issue link was created" (§1.8). */
  async linkIssues(typeName: string, outwardKey: string, inwardKey: string): Promise<void> {
    const body = { type: { name: typeName }, outwardIssue: { key: outwardKey }, inwardIssue: { key: inwardKey } };
    const post = () =>
      this.pick(
        (c) => c.issueLinks.linkIssues<unknown>(body),
        (c) => c.issueLinks.linkIssues<unknown>(body),
      );
    await this.call(`link ${outwardKey} → ${inwardKey}`, post, anything);
  }

  async deleteIssueLink(linkId: string): Promise<void> {
    const del = () =>
      this.pick(
        (c) => c.issueLinks.deleteIssueLink<unknown>({ linkId }),
        (c) => c.issueLinks.deleteIssueLink<unknown>({ linkId }),
      );
    await this.call(`delete issue link ${linkId}`, del, anything);
  }

  /** Cloud: GET /rest/api/3/search/jql (token paging; /search is 410 Gone on Cloud, §1.9). */
  searchCloud(jql: string, fields: string[], maxResults: number, nextPageToken?: string) {
    const v3 = this.clients.v3;
    if (!v3) throw new Error('searchCloud needs the Cloud client');
    const get = () => v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch<unknown>({ jql, fields, maxResults, nextPageToken });
    return this.call('search issues (GET /search/jql)', get, wire.enhancedSearchSchema);
  }

  /** Data Center: GET /rest/api/2/search (startAt/total paging, §1.9). */
  searchDataCenter(jql: string, fields: string[], maxResults: number, startAt: number) {
    const v2 = this.clients.v2;
    if (!v2) throw new Error('searchDataCenter needs the Data Center client');
    const get = () => v2.issueSearch.searchForIssuesUsingJql<unknown>({ jql, fields, maxResults, startAt });
    return this.call('search issues (GET /search)', get, wire.searchResultsSchema);
  }

  /**
   * A call to a path under the flavour's REST root (`/rest/api/3` on Cloud, `/2` on Data
   * Center) for admin operations jira.js wraps differently per flavour (setupApi.ts).
   */
  rest<T>(what: string, req: { method: 'GET' | 'POST' | 'PUT'; path: string; params?: Record<string, unknown>; data?: unknown }, schema: z.ZodType<T>, o: CallOptions = {}): Promise<T> {
    const url = `/rest/api/${this.cloud ? 3 : 2}/${req.path}`;
    const send = () =>
      this.pick(
        (c) => c.sendRequest<unknown>({ url, method: req.method, params: req.params, data: req.data }, undefined as never),
        (c) => c.sendRequest<unknown>({ url, method: req.method, params: req.params, data: req.data }, undefined as never),
      );
    return this.call(what, send, schema, o);
  }

  /** A read jira.js has no typed call for: GET /rest/api/{3|2}/<path>, parsed through `schema`. */
  getJson<T>(what: string, path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.rest(what, { method: 'GET', path }, schema, { signal });
  }

  private pick(
    onCloud: (c: NonNullable<JiraClients['v3']>) => Promise<unknown>,
    onDataCenter: (c: NonNullable<JiraClients['v2']>) => Promise<unknown>,
  ): Promise<unknown> {
    return this.clients.v3 ? onCloud(this.clients.v3) : onDataCenter(this.clients.v2 as NonNullable<JiraClients['v2']>);
  }

  private call<T>(what: string, fn: () => Promise<unknown>, schema: z.ZodType<T>, o: CallOptions = {}): Promise<T> {
    return callJira(what, () => withCallSignal(o.signal, fn), schema, { ...this.opts, ...o });
  }
}
