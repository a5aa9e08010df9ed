import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mulberry32 } from '../qualys/prng.js';
import type { AddressInfo } from 'node:net';
import type { OpenApiValidator } from './openApiValidator.js';
import { parseMultipart, type FormPart } from './multipart.js';
import { defaultSimData, type SimData } from './simData.js';
import { simRoutes, type SimCall, type SimReply } from './simRoutes.js';
import { evaluateDashboard, type GadgetView } from './simGadgetEval.js';
import { SimReporting } from './simReporting.js';
import { SimBulk } from './simBulk.js';
import { SimStore, type ApiVersion, type SimFlavor, type SimIssue, type SimLink } from './simStore.js';

export interface JiraSimOptions {
  flavor: SimFlavor;
  /** Cloud: validate request bodies to /rest/api/3 against the OpenAPI document (default true). */
  validateAgainstOpenApi?: boolean;
  /** Cloud: validate our own answers to /rest/api/3 too, into `responseViolations` (default true). */
  validateResponses?: boolean;
  /** Accepted credentials. Cloud: Basic email:token. Data Center: Bearer pat, or Basic username:password if given. */
  credentials?: { email?: string; token?: string; pat?: string; username?: string; password?: string };
  data?: SimData;
  /** Largest page the server hands out, whatever maxResults asks (real servers cap it too). */
  maxResults?: number;
  /**
   * Dead-token mode (jira-and-peers.md §1.10): bad credentials on anonymous-capable reads
   * (search) get 200 with empty results and `X-Seraph-LoginReason: AUTHENTICATED_FAILED`.
   */
  anonymousOnBadCredentials?: boolean;
  /**
   * Keep every request (with its body) in `requests` (default true). A standalone
   * simulator taking a million issues turns it off: the log would hold every body.
   */
  recordRequests?: boolean;
  /** The simulator's clock: issue created/updated/resolved times and JQL's now(), startOfDay(), -7d (default the real time). */
  now?: () => Date;
}

export interface SimRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status?: number;
}

export interface FailOptions {
  retryAfter?: number | string;
  times?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only requests whose `METHOD /path` matches. */
  match?: RegExp;
  /** Do the request, then answer the failure: the answer is lost although the change was made. */
  afterApply?: boolean;
}

/** Random faults on a share of the requests, from a seeded generator so a run can be repeated. */
export interface FaultPlan {
  /** Share of matching requests that fail (0..1). */
  rate: number;
  seed: number;
  /** Statuses drawn from; 429 and 503 come with Retry-After 0. */
  statuses?: number[];
  /** Share of the failed writes that are made before the failure is answered (lost answers). */
  lostAnswers?: number;
  match?: RegExp;
}

export interface JiraSim {
  readonly url: string;
  readonly flavor: SimFlavor;
  /** Live: changes apply to the following requests. */
  readonly data: SimData;
  readonly requests: SimRequestRecord[];
  readonly openApiViolations: Array<{ method: string; path: string; operationId?: string; errors: string[] }>;
  readonly responseViolations: Array<{ method: string; path: string; status: number; operationId?: string; errors: string[] }>;
  issues(): SimIssue[];
  issue(key: string): SimIssue | undefined;
  links(): SimLink[];
  /** The next matching request(s) get this status (e.g. 429 with Retry-After) instead of an answer. */
  failNext(status: number, opts?: FailOptions): void;
  /** From now on, fail a random share of requests (`undefined` stops it); returns how many failed so far. */
  faults(plan: FaultPlan | undefined): void;
  faultCount(): number;
  /** Someone deleted the issue in Jira. */
  deleteIssue(key: string): void;
  /** Someone moved the issue (e.g. a human closed it), bypassing the workflow. */
  setStatus(key: string, status: string): void;
  /**
   * An issue that exists before the test (created by a person or an earlier run). `fields`
   * (by field id: `duedate`, `customfield_10100`, `priority`) and the times are stored as
   * given, without Jira's checks; a done status gets `resolution` (default Done).
   */
  seedIssue(p: SeedIssue): SimIssue;
  /** Saved filters, dashboards and gadgets; `canCreateShared` and `groups` can be changed by a test. */
  readonly reporting: SimReporting;
  /** Cloud bulk operations: their tasks, counts and knobs (polls before done, per-issue failures); the permission is `data.bulkChange`. */
  readonly bulk: SimBulk;
  /** Requests made to the simulator (GET/HEAD: reads; others: writes), also with the request log off. */
  calls(): { reads: number; writes: number };
  /** What each gadget of the named dashboard shows (reading order), or undefined when there is no such dashboard. */
  viewDashboard(name: string): GadgetView[] | undefined;
  close(): Promise<void>;
}

export interface SeedIssue {
  project?: string;
  issueType?: string;
  summary?: string;
  labels?: string[];
  status?: string;
  fields?: Record<string, unknown>;
  resolution?: string;
  /** ISO times; default the simulator's clock. `resolved` defaults to `updated` for a done status. */
  created?: string;
  updated?: string;
  resolved?: string;
}

export const SIM_CREDENTIALS = {
  email: 'bot@example.com',
  token: 'sim-cloud-api-token-0001',
  pat: 'sim-dc-personal-access-token-0001',
};

/** A Jira Cloud or Data Center REST server on 127.0.0.1 with an in-memory store. */
export async function startJiraSim(opts: JiraSimOptions): Promise<JiraSim> {
  const creds = { ...SIM_CREDENTIALS, ...opts.credentials };
  const data = opts.data ?? defaultSimData();
  const cloud = opts.flavor === 'cloud';
  const validateRequests = cloud && (opts.validateAgainstOpenApi ?? true);
  const validateResponses = cloud && (opts.validateResponses ?? opts.validateAgainstOpenApi ?? true);
  // Loaded only when validating: ajv is a dev dependency, and `vulnbridge demo` in the
  // production image runs this simulator without it.
  const validator: typeof OpenApiValidator | undefined =
    validateRequests || validateResponses ? (await import('./openApiValidator.js')).OpenApiValidator : undefined;
  let url = '';
  const store = new SimStore(data, opts.flavor, () => url, opts.now);
  const routes = simRoutes(store, { maxResults: opts.maxResults, url: () => url, email: creds.email });
  const reporting = new SimReporting(store, cloud ? '5b10ac8d82e05b22cc7d4ef5' : 'vulnbridge');
  for (const [method, p, handler] of reporting.routes(() => url)) routes.push({ method, pattern: new RegExp(`^${p}$`), handler });
  const bulk = new SimBulk(store);
  for (const [method, p, handler] of bulk.routes()) routes.push({ method, pattern: new RegExp(`^${p}$`), handler });
  const requests: SimRequestRecord[] = [];
  const openApiViolations: JiraSim['openApiViolations'] = [];
  const responseViolations: JiraSim['responseViolations'] = [];
  const failures: Array<Required<Pick<FailOptions, 'times'>> & FailOptions & { status: number }> = [];

  const authorized = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization ?? '';
    const basic = (u: string, p: string) => h === `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    if (cloud) return basic(creds.email, creds.token);
    return h === `Bearer ${creds.pat}` || (creds.username !== undefined && creds.password !== undefined && basic(creds.username, creds.password));
  };

  const recordRequests = opts.recordRequests ?? true;
  /** Every request to Jira's REST paths (the /__sim/ controls aside), also when the log is off. */
  const calls = { reads: 0, writes: 0 };
  let faultPlan: (FaultPlan & { next: () => number }) | undefined;
  let faultCount = 0;
  const randomFault = (method: string, pathname: string): (FailOptions & { status: number; times: number }) | undefined => {
    const plan = faultPlan;
    if (!plan || (plan.match && !plan.match.test(`${method} ${pathname}`)) || plan.next() >= plan.rate) return undefined;
    faultCount++;
    const statuses = plan.statuses ?? [429, 500, 502, 503, 504];
    const status = statuses[Math.floor(plan.next() * statuses.length)] as number;
    const write = method !== 'GET';
    const afterApply = write && ![429, 503].includes(status) && plan.next() < (plan.lostAnswers ?? 0.5);
    return { status, times: 1, ...(status === 429 || status === 503 ? { retryAfter: 0 } : {}), ...(afterApply ? { afterApply } : {}) };
  };

  const handle = (req: IncomingMessage, raw: Buffer, record: (r: SimRequestRecord) => void): SimReply => {
    const u = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'] ?? '';
    const multipart = /^multipart\/form-data/i.test(contentType);
    const rawBody = multipart ? '' : raw.toString('utf8');
    let body: unknown;
    if (multipart) {
      const parts = parseMultipart(contentType, raw);
      if (!parts) return { status: 400, body: { errorMessages: ['The multipart body does not follow its boundary.'], errors: {} } };
      body = { multipart: parts };
    } else if (rawBody) {
      // Jira reads a body only as what its Content-Type says: JSON sent as anything else is refused.
      if (!/^application\/json\b/i.test(contentType)) return { status: 415, body: { errorMessages: [`Unsupported Media Type: '${contentType || 'none'}'`], errors: {} } };
      try {
        body = JSON.parse(rawBody);
      } catch {
        return { status: 400, body: { errorMessages: ['Unexpected character in the request body: it is not JSON.'], errors: {} } };
      }
    }
    // For a simulator in its own process (main.ts): counts, outside the request log.
    if (u.pathname === '/__sim/stats') return { status: 200, body: { issues: store.issues.size, links: store.linkCount, requests: requests.length, calls: { ...calls }, bulk: bulk.counts } };
    // For a simulator in its own process: switch the Bulk Change permission (`?granted=false`).
    if (u.pathname === '/__sim/bulk-change') {
      data.bulkChange = u.searchParams.get('granted') !== 'false';
      return { status: 200, body: { bulkChange: data.bulkChange } };
    }
    calls[method === 'GET' ? 'reads' : 'writes']++;
    if (method === 'GET' && /\/mypermissions$/.test(u.pathname) && /BULK_CHANGE/.test(u.search)) bulk.counts.permissionChecks++;
    // Files are recorded by name and size, not content (a million-issue run would keep them all).
    const recorded = multipart ? { multipart: (body as { multipart: FormPart[] }).multipart.map((p) => ({ name: p.name, filename: p.filename, contentType: p.contentType, size: p.content.length })) } : body;
    if (recordRequests) record({ method, path: u.pathname, query: Object.fromEntries(u.searchParams), body: recorded });
    let lostAnswer: SimReply | undefined;
    const failure = failures.find((f) => !f.match || f.match.test(`${method} ${u.pathname}`)) ?? randomFault(method, u.pathname);
    if (failure) {
      if (--failure.times <= 0 && failures.includes(failure)) failures.splice(failures.indexOf(failure), 1);
      const headers: Record<string, string> = { ...failure.headers };
      if (failure.retryAfter !== undefined) headers['Retry-After'] = String(failure.retryAfter);
      const reply = { status: failure.status, headers, body: failure.body ?? { errorMessages: [`simulated ${failure.status}`], errors: {} } };
      if (!failure.afterApply) return reply;
      lostAnswer = reply;
    }
    const outside = reporting.raw(u.pathname);
    if (outside) return authorized(req) ? outside : { status: 401, body: { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} } };
    const m = /^\/rest\/api\/(2|3)\/(.*)$/.exec(u.pathname);
    if (!m || (!cloud && m[1] === '3')) return { status: 404, body: { errorMessages: [`null for uri: ${url}${u.pathname}`], errors: {} } };
    const call: SimCall = { method, rest: m[2].replace(/\/$/, ''), v: m[1] as ApiVersion, query: u.searchParams, body, headers: req.headers };
    if (!authorized(req)) {
      const seraph = { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' };
      if (opts.anonymousOnBadCredentials && method === 'GET' && /^search(\/jql)?$/.test(call.rest)) {
        return { status: 200, headers: seraph, body: cloud ? { issues: [], isLast: true } : { startAt: 0, maxResults: 50, total: 0, issues: [] } };
      }
      return { status: 401, headers: seraph, body: { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} } };
    }
    // Multipart bodies (attachments) have no JSON schema in the document; their answers are checked below.
    if (validateRequests && m[1] === '3' && body !== undefined && !multipart && (method === 'POST' || method === 'PUT')) {
      const check = (validator as typeof OpenApiValidator).get().checkRequest(method, u.pathname, body);
      if (check.errors.length) {
        openApiViolations.push({ method, path: u.pathname, operationId: check.operationId, errors: check.errors });
        return { status: 400, body: { errorMessages: check.errors.map((e) => `request body does not match the OpenAPI schema: ${e}`), errors: {} } };
      }
    }
    const route = routes.find((r) => r.method === method && r.pattern.test(call.rest));
    if (!route) return { status: 404, body: { errorMessages: [`null for uri: ${url}${u.pathname}`], errors: {} } };
    const out = route.handler(call, call.rest.match(route.pattern) as RegExpMatchArray);
    if (lostAnswer) return lostAnswer;
    if (validateResponses && m[1] === '3' && out.status < 300) {
      const check = (validator as typeof OpenApiValidator).get().checkResponse(method, u.pathname, out.status, out.body);
      if (check.errors.length) responseViolations.push({ method, path: u.pathname, status: out.status, operationId: check.operationId, errors: check.errors });
    }
    return out;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let out: SimReply;
      let recorded: SimRequestRecord | undefined;
      try {
        out = handle(req, Buffer.concat(chunks), (r) => {
          recorded = r;
          requests.push(r);
        });
      } catch (err) {
        out = { status: 500, body: { errorMessages: [`simulator error: ${(err as Error).message}`], errors: {} } };
      }
      if (recorded) recorded.status = out.status;
      const text = out.text ?? (out.body === undefined ? '' : JSON.stringify(out.body));
      res.writeHead(out.status, { ...(text ? { 'Content-Type': out.contentType ?? 'application/json;charset=UTF-8' } : {}), ...out.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    flavor: opts.flavor,
    data,
    requests,
    openApiViolations,
    responseViolations,
    issues: () => [...store.issues.values()],
    issue: (key) => store.issue(key),
    links: () => store.links(),
    failNext: (status, o = {}) => failures.push({ ...o, status, times: o.times ?? 1 }),
    faults: (plan) => {
      faultPlan = plan ? { ...plan, next: mulberry32(plan.seed) } : undefined;
    },
    faultCount: () => faultCount,
    deleteIssue: (key) => {
      if (!store.deleteIssue(key, { links: true })) throw new Error(`sim: no issue ${key}`);
    },
    setStatus: (key, status) => {
      const issue = store.issue(key);
      if (!issue) throw new Error(`sim: no issue ${key}`);
      const s = data.statuses.find((x) => x.name.toLowerCase() === status.toLowerCase());
      if (!s) throw new Error(`sim: no status ${status}`);
      issue.status = s.name;
      issue.resolution = s.category === 'done' ? 'Done' : null;
      store.touchResolution(issue);
    },
    seedIssue: (p) => {
      const o = store.createIssue(
        { fields: { project: { key: p.project ?? 'VULN' }, issuetype: { name: p.issueType ?? 'Task' }, summary: p.summary ?? 'seeded issue', labels: p.labels ?? [] } },
        cloud ? '3' : '2',
      );
      if (!('ok' in o)) throw new Error(`sim: cannot seed issue: ${JSON.stringify(o.error)}`);
      const issue = o.ok;
      if (p.fields) store.seedFields(issue, p.fields);
      const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
      issue.created = iso(p.created) ?? issue.created;
      issue.updated = iso(p.updated) ?? iso(p.created) ?? issue.updated;
      if (p.status) {
        issue.status = p.status;
        const done = store.status(p.status).category === 'done';
        issue.resolution = done ? (p.resolution ?? 'Done') : null;
        issue.resolved = done ? (iso(p.resolved) ?? issue.updated) : null;
      }
      return issue;
    },
    reporting,
    bulk,
    calls: () => ({ ...calls }),
    viewDashboard: (name) => {
      const d = reporting.dashboardByName(name);
      return d && evaluateDashboard(store, reporting, d);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Node 20's keep-alive agent holds sockets open; close them so close() returns.
        server.closeAllConnections();
      }),
  };
}
