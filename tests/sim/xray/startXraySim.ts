import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateXrayData, type XrayDataOptions, type XraySimData, type XrayViolationInit } from './generateXrayData.js';
import { comparator, matches, matchKey, parseViolationsQuery, QueryError, withoutDetails, type ViolationsQuery } from './violationsQuery.js';
import type { XrayIgnoreRuleInfo, XraySeverity, XrayViolation, XrayWatch, XrayWatchBody } from './xrayTypes.js';
import { xrayTime } from './xrayFormat.js';

/** What the simulator accepts: `Authorization: Bearer <token>`, or Basic username:password. */
export const XRAY_SIM_CREDENTIALS = { token: 'vbsim-xray-access-token-7Qp2mK', username: 'vbsim_xray', password: 'vbsim-Xr4y-pass' } as const;

export type XraySimRoute = 'violations' | 'details' | 'watches' | 'ping';

export type XraySimFault =
  /** Any status; 429 gets `Retry-After` (default 1 s); 502–504 get a proxy's HTML page unless `body` is given. */
  | { kind: 'status'; status: number; body?: string; retryAfterSec?: number }
  /** Never answer (Xray "can hang indefinitely", api-notes §1.7); close() drops the connection. */
  | { kind: 'hang' }
  /** Wait before answering normally (real timer; cleared by close()). */
  | { kind: 'slow'; delayMs: number }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** 200 application/json whose body stops halfway. */
  | { kind: 'truncate' }
  /** 200 with an HTML page (a proxy or SSO login in front of Xray). */
  | { kind: 'invalidJson' }
  /** 200 but one violation of the page is broken (violations route only). */
  | { kind: 'corrupt'; how: 'bogus' | 'missingIssueId' | 'badCreated' | 'badSeverity'; index?: number };

export interface XraySimRequest {
  route: XraySimRoute | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text (undefined when empty). */
  body?: unknown;
  /** Lower-case names; the Authorization value is reduced to its scheme (`Bearer <redacted>`). */
  headers: Record<string, string>;
  authorized: boolean;
  status?: number;
}

/** A violation in the simulator: the object itself, or its identity (watch, issue, component). */
export type XrayViolationRef = XrayViolation | { watch_name: string; issue_id: string; component?: string };

/** How Get Violations answers a `watch_name` that no watch has. */
export type UnknownWatchMode = 'empty' | { status: number; body?: unknown };

export interface XraySimOptions extends XrayDataOptions {
  /** Use this data instead of generating it (the simulator mutates its `violations`). */
  data?: XraySimData;
  port?: number;
  /** Keep `requests` (default false; counts are always kept). */
  recordRequests?: boolean;
  /** Clock for `addViolation` (default the real one). */
  now?: () => Date;
  /**
   * Whether ignored violations (with `ignore_rule_info`) are listed. Default 'listed':
   * jfrog-client-go's list item type carries `ignore_rule_info` ("Optional Ignore information
   * if exists"), so Get Violations returns them; 'hidden' models the separate
   * `/violations/ignored/{watch}` list being the only place they show.
   */
  ignoredViolations?: 'listed' | 'hidden';
  /**
   * Default 'empty' (200, total 0): nothing documents an error for an unknown watch, and a
   * filter that matches nothing is what a filter engine answers. Switch to an error status to
   * test the other reading.
   */
  unknownWatch?: UnknownWatchMode;
  /**
   * Fields Get Violations leaves out of its items even with `include_details` (default none).
   * `['summary', 'provider', 'matched_policies']` models list items shaped like JFrog's SIEM
   * fixture (api-notes §1.3), which a schema 1.1 webhook does carry.
   */
  listOmits?: readonly string[];
  /** How an empty page's `violations` is written (Go may send null or omit it). Default 'array'. */
  emptyViolations?: 'array' | 'null' | 'omit';
}

export interface XraySim {
  readonly url: string;
  /** Watches and the current violations (mutators keep `data.violations` up to date). */
  readonly data: XraySimData;
  readonly requests: XraySimRequest[];
  /** Requests per route since start, recorded or not. */
  readonly counts: Record<XraySimRoute | 'unknown', number>;
  /**
   * Answer requests with `fault`: the next `times` (default 1) requests to `route` (default any
   * route) after letting `skip` through; or, with `page`, the next `times` Get Violations calls
   * asking for that page (offset), once their body is valid.
   */
  failNext(fault: XraySimFault, opts?: { route?: XraySimRoute; times?: number; skip?: number; page?: number }): void;
  clearFaults(): void;
  /** Delay every answer by `ms` (0 = off). */
  setDelay(ms: number): void;
  /** Get Watches answers 403 (the token lacks Manage Watches). */
  setWatchesForbidden(forbidden: boolean): void;
  /** Rotate what the simulator accepts. */
  setCredentials(credentials: Partial<{ token: string; username: string; password: string }>): void;
  setIgnoredViolations(mode: 'listed' | 'hidden'): void;
  setUnknownWatch(mode: UnknownWatchMode): void;
  /** A new violation created now (or `init.created`), inserted in created order. */
  addViolation(init?: XrayViolationInit): XrayViolation;
  /** Resolved violations disappear from Xray's lists and details. Returns how many went. */
  resolveViolations(match: XrayViolationRef | ((v: XrayViolation) => boolean)): number;
  /** Adds `ignore_rule_info` (a new object replaces the old one). */
  ignoreViolation(ref: XrayViolationRef, info?: Partial<XrayIgnoreRuleInfo>): XrayViolation;
  setSeverity(ref: XrayViolationRef, severity: XraySeverity): XrayViolation;
  close(): Promise<void>;
}

interface Row {
  v: XrayViolation;
  ms: number;
  seq: number;
}

interface QueuedFault {
  fault: XraySimFault | undefined;
  route?: XraySimRoute;
}

const json = (body: unknown): string => JSON.stringify(body);
const PROXY_HTML = (status: number): string => `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function routeOf(method: string, path: string): { route: XraySimRoute | 'unknown'; allowed: boolean; watchName?: string } {
  const p = path.replace(/\/+$/, '');
  if (p === '/xray/api/v1/violations') return { route: method === 'POST' ? 'violations' : 'details', allowed: method === 'POST' || method === 'GET' };
  if (p === '/xray/api/v2/watches') return { route: 'watches', allowed: method === 'GET' };
  const one = /^\/xray\/api\/v2\/watches\/([^/]+)$/.exec(p);
  if (one) return { route: 'watches', allowed: method === 'GET', watchName: decodeURIComponent(one[1]!) };
  if (p === '/xray/api/v1/system/ping') return { route: 'ping', allowed: method === 'GET' };
  return { route: 'unknown', allowed: true };
}

function watchBody(w: XrayWatch): XrayWatchBody {
  // No general_data.id: the details URL's watch_id is the only place the id shows for sure.
  return {
    general_data: { name: w.name, description: w.description, active: true },
    project_resources: { resources: w.resources.map((r) => ({ ...r, filters: [] })) },
    assigned_policies: w.policies.map((p) => ({ ...p })),
    watch_recipients: [],
  };
}

function corrupt(items: unknown[], how: Extract<XraySimFault, { kind: 'corrupt' }>['how'], index: number): void {
  if (items.length === 0) return;
  const i = Math.min(Math.max(index, 0), items.length - 1);
  const item = { ...(items[i] as XrayViolation) } as Record<string, unknown>;
  if (how === 'bogus') {
    items[i] = { bogus: true };
    return;
  }
  if (how === 'missingIssueId') delete item.issue_id;
  if (how === 'badCreated') item.created = 'yesterday afternoon';
  if (how === 'badSeverity') item.severity = 'Severe';
  items[i] = item;
}

/**
 * A JFrog Xray simulator on 127.0.0.1 (port 0 by default): Get Violations with Xray's
 * filters and 1-based page numbers, the internal-host details URL, Get Watches, token or
 * Basic auth, fault knobs and data mutators (api-notes §1).
 */
export async function startXraySim(opts: XraySimOptions = {}): Promise<XraySim> {
  const data = opts.data ?? generateXrayData(opts);
  const now = opts.now ?? ((): Date => new Date());
  const credentials: { token: string; username: string; password: string } = { ...XRAY_SIM_CREDENTIALS };
  const requests: XraySimRequest[] = [];
  const counts: XraySim['counts'] = { violations: 0, details: 0, watches: 0, ping: 0, unknown: 0 };
  const queue: QueuedFault[] = [];
  const pageFaults = new Map<number, XraySimFault[]>();
  const timers = new Set<NodeJS.Timeout>();
  let delayMs = 0;
  let watchesForbidden = false;
  let ignoredMode = opts.ignoredViolations ?? 'listed';
  let unknownWatch: UnknownWatchMode = opts.unknownWatch ?? 'empty';
  const emptyViolations = opts.emptyViolations ?? 'array';
  const listOmits = opts.listOmits ?? [];
  const omitListed = (v: XrayViolation): XrayViolation => {
    if (listOmits.length === 0) return v;
    const out: Record<string, unknown> = { ...v };
    for (const k of listOmits) delete out[k];
    return out as unknown as XrayViolation;
  };

  let rows: Row[] = data.violations.map((v, seq) => ({ v, ms: Date.parse(v.created), seq }));
  let nextSeq = rows.length;
  let version = 0;
  const matchCache = new Map<string, Row[]>();
  let detailsIndex: Map<string, Row> | undefined;
  const watchIdByName = new Map(data.watches.map((w) => [w.name, w.id]));

  const changed = (): void => {
    version++;
    matchCache.clear();
    detailsIndex = undefined;
    data.violations = rows.map((r) => r.v);
  };

  const matching = (q: ViolationsQuery): Row[] => {
    const key = `${ignoredMode}|${matchKey(q)}`;
    let hit = matchCache.get(key);
    if (!hit) {
      hit = rows.filter((r) => matches(q, r.v, r.ms) && !(ignoredMode === 'hidden' && r.v.ignore_rule_info && !r.v.ignore_rule_info.is_expired));
      if (q.orderBy !== 'created') hit.sort(comparator(q));
      else if (q.direction === 'desc') hit.reverse();
      // Pages of one listing come in sequence; a few listings are plenty.
      if (matchCache.size >= 16) matchCache.delete(matchCache.keys().next().value!);
      matchCache.set(key, hit);
    }
    return hit;
  };

  const detailsKey = (watchId: string, issueId: string, comp: string): string => `${watchId}\u0000${issueId}\u0000${comp}`;
  const findDetails = (watchId: string, issueId: string, comp: string): Row | undefined => {
    if (!detailsIndex) {
      detailsIndex = new Map();
      for (const r of rows) {
        const id = watchIdByName.get(r.v.watch_name) ?? '';
        for (const c of r.v.infected_components) detailsIndex.set(detailsKey(id, r.v.issue_id, c), r);
      }
    }
    // Xray's URL leaves '+' raw; a Go server reading it with url.Query() sees a space. Accept both
    // so a client that keeps the query string as sent works, as it does against Xray.
    return detailsIndex.get(detailsKey(watchId, issueId, comp)) ?? detailsIndex.get(detailsKey(watchId, issueId, comp.replaceAll(' ', '+')));
  };

  const findRow = (ref: XrayViolationRef): Row => {
    const row =
      rows.find((r) => r.v === ref) ??
      rows.find(
        (r) =>
          r.v.watch_name === ref.watch_name &&
          r.v.issue_id === ref.issue_id &&
          ('component' in ref && ref.component ? r.v.infected_components.includes(ref.component) : true),
      );
    if (!row) throw new Error(`xray sim: no violation ${ref.watch_name} ${ref.issue_id}`);
    return row;
  };

  const authorize = (header: string | undefined): boolean => {
    const bearer = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (bearer) return bearer[1] === credentials.token;
    const basic = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!basic) return false;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i > 0 && decoded.slice(0, i) === credentials.username && decoded.slice(i + 1) === credentials.password;
  };

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const takeQueued = (route: XraySimRoute | 'unknown'): XraySimFault | undefined => {
    const i = queue.findIndex((q) => q.route === undefined || q.route === route);
    if (i < 0) return undefined;
    return queue.splice(i, 1)[0]!.fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const { route, allowed, watchName } = routeOf(method, u.pathname);
    const authorized = authorize(req.headers.authorization);
    counts[route]++;
    const record: XraySimRequest = { route, method, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: {}, authorized };
    if (opts.recordRequests) {
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        record.headers[name] = name === 'authorization' ? `${String(value).split(/\s+/)[0]} <redacted>` : Array.isArray(value) ? value.join(', ') : value;
      }
      if (text) {
        try {
          record.body = JSON.parse(text) as unknown;
        } catch {
          record.body = text;
        }
      }
      requests.push(record);
    }
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };

    if (delayMs > 0) {
      await wait(delayMs);
      if (res.destroyed) return;
    }
    if (!authorized) return send(401, json({ errors: [{ status: 401, message: 'Bad credentials' }] }), { 'WWW-Authenticate': 'Basic realm="Artifactory Realm"' });
    if (route === 'unknown') return send(404, json({ errors: [{ status: 404, message: 'Not Found' }] }));
    if (!allowed) return send(405, json({ error: `method ${method} not allowed` }));

    // Queued faults stand for what sits in front of Xray (proxy, rate limiter), so they come first.
    let fault = takeQueued(route);
    let query: ViolationsQuery | undefined;
    const answered = fault?.kind === 'status' || fault?.kind === 'hang' || fault?.kind === 'reset' || fault?.kind === 'invalidJson';
    if (!answered && route === 'violations') {
      try {
        query = parseViolationsQuery(text);
      } catch (err) {
        if (err instanceof QueryError) return send(400, json({ error: err.message }));
        throw err;
      }
      const forPage = fault ? undefined : pageFaults.get(query.page);
      if (forPage?.length) fault = forPage.shift();
    }

    if (fault?.kind === 'slow') {
      await wait(fault.delayMs);
      if (res.destroyed) return;
    }
    if (fault?.kind === 'hang') {
      record.status = 0;
      return;
    }
    if (fault?.kind === 'reset') {
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (fault.status === 429) headers['Retry-After'] = String(fault.retryAfterSec ?? 1);
      const html = fault.body === undefined && fault.status >= 502 && fault.status <= 504;
      if (html) headers['Content-Type'] = 'text/html';
      const body = fault.body ?? (html ? PROXY_HTML(fault.status) : fault.status === 429 ? json({ error: 'Too many requests' }) : json({ error: `Simulated HTTP ${fault.status}` }));
      return send(fault.status, body, headers);
    }
    if (fault?.kind === 'invalidJson') return send(200, '<!DOCTYPE html><html><head><title>JFrog</title></head><body>Sign in</body></html>', { 'Content-Type': 'text/html;charset=UTF-8' });

    let body: string;
    if (route === 'ping') body = json({ status: 'pong' });
    else if (route === 'watches') {
      if (watchesForbidden) return send(403, json({ error: 'User is not permitted to perform this action: Manage Watches' }));
      if (watchName !== undefined) {
        const w = data.watches.find((x) => x.name === watchName);
        if (!w) return send(404, json({ error: `Failed to find watch ${watchName}` }));
        body = json(watchBody(w));
      } else body = json(data.watches.map(watchBody));
    } else if (route === 'details') {
      const watchId = u.searchParams.get('watch_id');
      const issueId = u.searchParams.get('issue_id');
      const comp = u.searchParams.get('comp_id');
      if (!watchId || !issueId || !comp) return send(400, json({ error: 'watch_id, issue_id and comp_id are required' }));
      const row = findDetails(watchId, issueId, comp);
      if (!row) return send(404, json({ error: 'Violation not found' }));
      // JFrog's details sample has no violation_details_url of its own.
      const { violation_details_url: _url, ...details } = row.v;
      body = json(details);
    } else {
      const q = query!;
      if (q.watchName !== undefined && !watchIdByName.has(q.watchName) && unknownWatch !== 'empty') {
        return send(unknownWatch.status, json(unknownWatch.body ?? { error: `Watch ${q.watchName} does not exist` }));
      }
      const all = matching(q);
      const start = (q.page - 1) * q.limit;
      const items: unknown[] = all.slice(start, start + q.limit).map((r) => omitListed(q.includeDetails ? r.v : withoutDetails(r.v)));
      if (fault?.kind === 'corrupt') corrupt(items, fault.how, fault.index ?? 0);
      const page: Record<string, unknown> = { total_violations: all.length };
      if (items.length > 0 || emptyViolations === 'array') page.violations = items;
      else if (emptyViolations === 'null') page.violations = null;
      body = json(page);
    }

    if (fault?.kind === 'truncate') {
      record.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      return;
    }
    send(200, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(json({ error: `simulator error: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const replace = (row: Row, v: XrayViolation): XrayViolation => {
    row.v = v;
    changed();
    return v;
  };

  return {
    url,
    data,
    requests,
    counts,
    failNext(fault, { route, times = 1, skip = 0, page } = {}) {
      if (page !== undefined) {
        const list = pageFaults.get(page) ?? [];
        for (let i = 0; i < times; i++) list.push(fault);
        pageFaults.set(page, list);
        return;
      }
      // A skipped slot is a "fault" of undefined that still consumes a matching request.
      for (let i = 0; i < skip; i++) queue.push({ fault: undefined, route });
      for (let i = 0; i < times; i++) queue.push({ fault, route });
    },
    clearFaults() {
      queue.length = 0;
      pageFaults.clear();
    },
    setDelay(ms) {
      delayMs = ms;
    },
    setWatchesForbidden(forbidden) {
      watchesForbidden = forbidden;
    },
    setCredentials(c) {
      Object.assign(credentials, c);
    },
    setIgnoredViolations(mode) {
      ignoredMode = mode;
      matchCache.clear();
    },
    setUnknownWatch(mode) {
      unknownWatch = mode;
    },
    addViolation(init = {}) {
      const v = data.makeViolation({ ...init, created: init.created ?? now() });
      const ms = Date.parse(v.created);
      // After every row of the same second: a new violation never sorts before an older one.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (rows[mid]!.ms <= ms) lo = mid + 1;
        else hi = mid;
      }
      rows.splice(lo, 0, { v, ms, seq: nextSeq++ });
      changed();
      return v;
    },
    resolveViolations(match) {
      const before = rows.length;
      if (typeof match === 'function') rows = rows.filter((r) => !match(r.v));
      else {
        const row = findRow(match);
        rows = rows.filter((r) => r !== row);
      }
      changed();
      return before - rows.length;
    },
    ignoreViolation(ref, info = {}) {
      const row = findRow(ref);
      return replace(row, {
        ...row.v,
        ignore_rule_info: {
          id: info.id ?? `sim-ignore-${version + 1}`,
          ignore_rule_type: info.ignore_rule_type ?? 'vulnerability',
          author: info.author ?? 'vbsim',
          created: info.created ?? xrayTime(now().getTime()),
          notes: info.notes ?? 'ignored by the simulator',
          is_expired: info.is_expired ?? false,
          ...(info.expires_at ? { expires_at: info.expires_at } : {}),
        },
      });
    },
    setSeverity(ref, severity) {
      const row = findRow(ref);
      return replace(row, { ...row.v, severity });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
