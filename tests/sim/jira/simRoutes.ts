import type { FormPart } from './multipart.js';
import { parseJql, JqlError } from './simJql.js';
import { compileJql, namedKeys, type CompiledJql } from './simJqlEval.js';
import { simSetupRoutes } from './simScreens.js';
import { fail, type ApiVersion, type Outcome, type SimIssue, type SimStore } from './simStore.js';

export interface SimCall {
  method: string;
  /** Path after /rest/api/<v>/ (e.g. `issue/VULN-1`). */
  rest: string;
  v: ApiVersion;
  query: URLSearchParams;
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}
export interface SimReply {
  status: number;
  body?: unknown;
  /** A body that is not JSON (a gadget's spec XML), sent as is with `contentType`. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (call: SimCall, m: RegExpMatchArray) => SimReply;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const GONE = {
  errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'],
  errors: {},
};

/**
 * The REST operations the simulator serves, for /rest/api/3 (Cloud, ADF) and /rest/api/2
 * (Cloud v2 and Data Center, strings). Shapes follow the Cloud v3 OpenAPI document, with
 * the Data Center differences the sink must handle (createmeta `values`, `/search`).
 */
export function simRoutes(store: SimStore, opts: { maxResults?: number; url: () => string; email: string }): Route[] {
  const cloud = store.flavor === 'cloud';
  const self = (v: ApiVersion, p: string) => `${opts.url()}/rest/api/${v}/${p}`;
  const reply = <T>(o: Outcome<T>, ok: (t: T) => SimReply): SimReply => ('ok' in o ? ok(o.ok) : { status: o.status, body: o.error });
  const projectJson = (v: ApiVersion, key: string) => {
    const p = store.project(key);
    if (!p) return undefined;
    return {
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
      self: self(v, `project/${p.id}`),
      id: p.id,
      key: p.key,
      name: p.name,
      description: '',
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
      issueTypes: store.data.issueTypes.map((t) => issueTypeJson(v, t.id)),
    };
  };
  const issueTypeJson = (v: ApiVersion, id: string) => {
    const t = store.issueTypeById(id);
    return { self: self(v, `issuetype/${t.id}`), id: t.id, description: '', iconUrl: `${opts.url()}/images/icons/issuetypes/task.svg`, name: t.name, subtask: t.subtask, hierarchyLevel: t.subtask ? -1 : 0 };
  };
  const noProject = (key: string) => fail(404, {}, [`No project could be found with key '${key}'.`]);
  const noIssue = () => fail(404, {}, ['Issue does not exist or you do not have permission to see it.']);

  const search = (call: SimCall, enhanced: boolean): SimReply => {
    const src = call.method === 'POST' ? ((call.body ?? {}) as Record<string, unknown>) : Object.fromEntries(call.query);
    const jql = String(src.jql ?? '');
    const fields = Array.isArray(src.fields) ? src.fields.map(String) : typeof src.fields === 'string' ? src.fields.split(',') : undefined;
    const bad = (err: unknown): SimReply => ({ status: 400, body: { errorMessages: [(err as JqlError).message], errors: {}, warningMessages: [] } });
    let query: ReturnType<typeof parseJql>;
    let compiled: CompiledJql;
    try {
      query = parseJql(jql);
      compiled = compileJql(store, query, store.now());
    } catch (err) {
      if (err instanceof JqlError) return bad(err);
      throw err;
    }
    // /search/jql only takes bounded queries (jira-and-peers.md §1.9).
    if (enhanced && !query.where) {
      return { status: 400, body: { errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], errors: {} } };
    }
    // Jira refuses a key that does not exist (deleted), naming each such key.
    const goneKeys = namedKeys(query).filter((k) => !store.issue(k));
    if (goneKeys.length) {
      return { status: 400, body: { errorMessages: goneKeys.map((k) => `An issue with key '${k}' does not exist for field 'key'.`), errors: {}, warningMessages: [] } };
    }
    const { page: pageOf, total } = searchPage(compiled);
    const onlyIds = enhanced && (!fields || fields.every((f) => f === 'id' || f === 'key'));
    const cap = onlyIds ? 5000 : Math.min(opts.maxResults ?? 100, enhanced ? 100 : 1000);
    const maxResults = Math.min(Number(src.maxResults ?? 50) || 50, cap);
    const item = (i: SimIssue) => (enhanced && !fields ? { id: i.id } : store.render(i, call.v, fields));
    if (!enhanced) {
      const startAt = Number(src.startAt ?? 0) || 0;
      const page = pageOf(startAt, maxResults);
      return { status: 200, body: { expand: 'schema,names', startAt, maxResults, total, issues: page.map(item) } };
    }
    let offset = 0;
    if (src.nextPageToken) {
      const token = decodeToken(String(src.nextPageToken));
      if (!token || token.q !== jql) return { status: 400, body: { errorMessages: ['The provided next page token is invalid or expired.'], errors: {} } };
      offset = token.o;
    }
    const page = pageOf(offset, maxResults);
    const isLast = offset + page.length >= total;
    const body: Record<string, unknown> = { issues: page.map(item), isLast };
    if (!isLast) body.nextPageToken = Buffer.from(JSON.stringify({ q: jql, o: offset + page.length })).toString('base64url');
    return { status: 200, body };
  };

  const routes: Array<[string, string, Handler]> = [
    ['GET', 'myself', (c) => ({
      status: 200,
      body: cloud
        ? { self: self(c.v, 'user?accountId=5b10ac8d82e05b22cc7d4ef5'), accountId: '5b10ac8d82e05b22cc7d4ef5', accountType: 'atlassian', emailAddress: opts.email, displayName: 'vulnbridge bot', active: true, timeZone: 'Etc/UTC', locale: 'en_US' }
        : { self: self(c.v, 'user?username=vulnbridge'), key: 'JIRAUSER10100', name: 'vulnbridge', emailAddress: opts.email, displayName: 'vulnbridge bot', active: true, timeZone: 'Etc/UTC', locale: 'en_US' },
    })],
    ['GET', 'project/search', (c) => {
      const values = store.data.projects.map((p) => projectJson(c.v, p.key));
      return { status: 200, body: { self: self(c.v, 'project/search'), maxResults: 50, startAt: 0, total: values.length, isLast: true, values } };
    }],
    ['GET', 'project', (c) => ({ status: 200, body: store.data.projects.map((p) => projectJson(c.v, p.key)) })],
    ['GET', 'project/([^/]+)', (c, m) => {
      const p = projectJson(c.v, m[1]);
      return p ? { status: 200, body: p } : reply(noProject(m[1]), () => ({ status: 200 }));
    }],
    ['GET', 'project/([^/]+)/statuses', (c, m) => {
      const p = store.project(m[1]);
      if (!p) return reply(noProject(m[1]), () => ({ status: 200 }));
      return {
        status: 200,
        body: store.data.issueTypes.map((t) => ({
          self: self(c.v, `issuetype/${t.id}`),
          id: t.id,
          name: t.name,
          subtask: t.subtask,
          statuses: store.statusesFor(t.name).map((s) => store.renderStatus(s.name, c.v)),
        })),
      };
    }],
    ['GET', 'issue/createmeta/([^/]+)/issuetypes', (c, m) => {
      if (!store.project(m[1])) return reply(noProject(m[1]), () => ({ status: 200 }));
      const startAt = Number(c.query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(c.query.get('maxResults') ?? 50), opts.maxResults ?? 50);
      const all = store.data.issueTypes.map((t) => issueTypeJson(c.v, t.id));
      const items = all.slice(startAt, startAt + maxResults);
      // Cloud pages issue types as `issueTypes`, Data Center as `values` with isLast.
      return {
        status: 200,
        body: cloud
          ? { maxResults, startAt, total: all.length, issueTypes: items }
          : { maxResults, startAt, total: all.length, isLast: startAt + items.length >= all.length, values: items },
      };
    }],
    ['GET', 'priority', (c) => ({ status: 200, body: store.data.priorities.map((p) => priorityJson(c.v, p)) })],
    ['GET', 'priority/search', (c) => {
      const startAt = Number(c.query.get('startAt') ?? 0);
      const maxResults = Math.min(Number(c.query.get('maxResults') ?? 50), opts.maxResults ?? 50);
      const items = store.data.priorities.slice(startAt, startAt + maxResults).map((p) => priorityJson(c.v, p));
      return { status: 200, body: { self: self(c.v, 'priority/search'), maxResults, startAt, total: store.data.priorities.length, isLast: startAt + items.length >= store.data.priorities.length, values: items } };
    }],
    ['GET', 'field', () => ({
      status: 200,
      body: store.data.fields.map((f) => ({
        id: f.id,
        key: f.id,
        name: f.name,
        custom: f.custom,
        orderable: true,
        navigable: true,
        searchable: true,
        clauseNames: f.custom ? [`cf[${f.id.replace('customfield_', '')}]`, f.name] : [f.id],
        ...(f.schema ? { schema: f.schema } : {}),
      })),
    })],
    ['GET', 'issueLinkType', (c) => ({ status: 200, body: { issueLinkTypes: store.data.linkTypes.map((l) => ({ ...l, self: self(c.v, `issueLinkType/${l.id}`) })) } })],
    ['POST', 'issue', (c) => reply(store.createIssue(c.body, c.v), (i) => ({ status: 201, body: { id: i.id, key: i.key, self: self(c.v, `issue/${i.id}`) } }))],
    ['POST', 'issue/bulk', (c) => {
      const updates = ((c.body ?? {}) as { issueUpdates?: unknown[] }).issueUpdates ?? [];
      if (updates.length > 50) return { status: 400, body: { errorMessages: [`The number of issues to create (${updates.length}) exceeds the limit of 50.`], errors: {} } };
      const issues: unknown[] = [];
      const errors: unknown[] = [];
      updates.forEach((u, n) => {
        const o = store.createIssue(u, c.v);
        if ('ok' in o) issues.push({ id: o.ok.id, key: o.ok.key, self: self(c.v, `issue/${o.ok.id}`) });
        else errors.push({ status: o.status, elementErrors: { errorMessages: o.error.errorMessages, errors: o.error.errors }, failedElementNumber: n });
      });
      // Jira answers 201 when at least one issue was created, 400 when none was.
      return { status: issues.length || updates.length === 0 ? 201 : 400, body: { issues, errors } };
    }],
    ['GET', 'issue/([^/]+)', (c, m) => {
      const issue = store.issue(m[1]);
      if (!issue) return reply(noIssue(), () => ({ status: 200 }));
      const fields = c.query.get('fields');
      return { status: 200, body: store.render(issue, c.v, fields ? fields.split(',') : undefined) };
    }],
    ['PUT', 'issue/([^/]+)', (c, m) => reply(store.editIssue(m[1], c.body, c.v), () => ({ status: 204 }))],
    ['DELETE', 'issue/([^/]+)', (_c, m) => {
      if (!store.deleteIssue(m[1], { links: false })) return reply(noIssue(), () => ({ status: 204 }));
      return { status: 204 };
    }],
    ['GET', 'issue/([^/]+)/transitions', (c, m) => {
      const issue = store.issue(m[1]);
      if (!issue) return reply(noIssue(), () => ({ status: 200 }));
      return {
        status: 200,
        body: {
          expand: 'transitions',
          transitions: store.transitionsFor(issue).map((t) => ({
            id: t.id,
            name: t.name,
            to: store.renderStatus(t.to, c.v),
            hasScreen: Boolean(t.requiresResolution),
            isGlobal: false,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          })),
        },
      };
    }],
    ['POST', 'issue/([^/]+)/transitions', (c, m) => reply(store.doTransition(m[1], c.body), () => ({ status: 204 }))],
    ['POST', 'issue/([^/]+)/comment', (c, m) =>
      reply(store.addComment(m[1], c.body, c.v), (cm) => ({
        status: 201,
        body: { self: self(c.v, `issue/${m[1]}/comment/${cm.id}`), id: cm.id, body: cm.body, created: '2024-01-01T00:00:00.000+0000', updated: '2024-01-01T00:00:00.000+0000', jsdPublic: true },
      }))],
    ['POST', 'issue/([^/]+)/attachments', (c, m) => {
      // Jira's XSRF guard refuses a multipart POST without this header (jira-and-peers.md; jira.js sends it).
      if (String(c.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') return { status: 403, body: { errorMessages: ['XSRF check failed'], errors: {} } };
      const parts = (c.body as { multipart?: FormPart[] } | undefined)?.multipart;
      if (!parts) return { status: 415, body: { errorMessages: ['The request must be multipart/form-data.'], errors: {} } };
      const files = parts.filter((p) => p.name === 'file' && p.filename !== undefined).map((p) => ({ filename: p.filename as string, mimeType: p.contentType, content: p.content }));
      return reply(store.addAttachments(m[1], files), (added) => ({ status: 200, body: added.map((a) => store.renderAttachment(a, c.v)) }));
    }],
    ['POST', 'issueLink', (c) => reply(store.link(c.body), () => ({ status: 201 }))],
    ['DELETE', 'issueLink/([^/]+)', (_c, m) => reply(store.deleteLink(m[1]), () => ({ status: 204 }))],
  ];
  routes.push(...simSetupRoutes(store, { url: opts.url }));
  if (cloud) {
    routes.push(['GET', 'search/jql', (c) => search(c, true)], ['POST', 'search/jql', (c) => search(c, true)]);
    // Removed on Cloud (jira-and-peers.md §1.9).
    routes.push(['GET', 'search', () => ({ status: 410, body: GONE })], ['POST', 'search', () => ({ status: 410, body: GONE })]);
  } else {
    routes.push(['GET', 'search', (c) => search(c, false)], ['POST', 'search', (c) => search(c, false)]);
  }
  return routes.map(([method, p, handler]) => ({ method, pattern: new RegExp(`^${p}$`), handler }));
}

function priorityJson(v: ApiVersion, p: { id: string; name: string }) {
  return { self: `/rest/api/${v}/priority/${p.id}`, statusColor: '#cccccc', description: p.name, iconUrl: `/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id };
}

/**
 * The matching issues' count and a page of them in the query's order. Every order the
 * simulator knows is total (ties go by id), so a page near the start is picked from the
 * hits without sorting them all: one page of `labels = vb-job-x ORDER BY created DESC`
 * over a million issues costs one pass.
 */
function searchPage(q: CompiledJql): { total: number; page: (offset: number, max: number) => SimIssue[] } {
  const cmp = (a: SimIssue, b: SimIssue) => q.compare(a, b);
  const hits: SimIssue[] = [];
  for (const i of q.candidates()) if (q.test(i)) hits.push(i);
  return {
    total: hits.length,
    page: (offset, max) => firstSorted(hits, cmp, offset + max).slice(offset, offset + max),
  };
}

/** The first `n` hits in order: a bounded insertion when `n` is small against the hits, else a full sort. */
function firstSorted(hits: SimIssue[], cmp: (a: SimIssue, b: SimIssue) => number, n: number): SimIssue[] {
  if (n <= 0) return [];
  if (hits.length <= n * 4 || n > 1000) return hits.sort(cmp);
  const best: SimIssue[] = [];
  for (const h of hits) {
    if (best.length === n && cmp(h, best[n - 1]) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(h, best[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, h);
    if (best.length > n) best.pop();
  }
  return best;
}

function decodeToken(token: string): { q: string; o: number } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q?: unknown; o?: unknown };
    return typeof t.q === 'string' && typeof t.o === 'number' ? { q: t.q, o: t.o } : undefined;
  } catch {
    return undefined;
  }
}
