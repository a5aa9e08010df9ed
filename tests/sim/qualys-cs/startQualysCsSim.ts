import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCsData, type CsDataOptions, type CsSimContainer, type CsSimData, type CsSimImage, type CsSimVuln } from './csSimData.js';

/** The only credentials the simulator accepts at /auth. */
export const QUALYS_CS_SIM_CREDENTIALS = { username: 'vbsim_cs', password: 'vbsim-CS-g4teway' } as const;
/** Token lifetime of the real gateway (qualys.md §4). */
export const CS_SIM_TOKEN_LIFETIME_MS = 4 * 3600_000;

export type CsSimKind = 'images' | 'containers';
export type CsSimApi = 'auth' | 'list' | 'vuln';

export type CsSimFault =
  | { kind: 'status'; status: number; retryAfterSec?: number; body?: string }
  /** List: a record without sha first on the page; vuln: an entry without qid appended. */
  | { kind: 'malformed' }
  /** A 200 whose body is not JSON (a proxy's login page). */
  | { kind: 'notJson' };

export interface CsSimCall {
  api: CsSimApi | 'unknown';
  method: string;
  path: string;
  params: Record<string, string>;
  status: number;
}

export interface QualysCsSimOptions extends CsDataOptions {
  data?: CsSimData;
  port?: number;
  /** Epoch ms now: token expiry follows it (tests move it instead of waiting). */
  now?: () => number;
  tokenLifetimeMs?: number;
  /** Put `exp` in the JWT payload (the source then renews from it). */
  jwtWithExp?: boolean;
}

export interface QualysCsSim {
  url: string;
  data: CsSimData;
  calls: CsSimCall[];
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Next call of `api` answers with `fault` (queued, each used once). */
  fault(api: CsSimApi, fault: CsSimFault): void;
  /** Every issued token stops working (the next API call answers 401). */
  revokeTokens(): void;
  /** Remove a vulnerability (fixed) from an image or container. */
  fixVuln(sha: string, qid: number): void;
  /** Container state → DELETED (its vulnerabilities stay listed, as the API keeps them). */
  deleteContainer(sha: string): void;
  setContainerState(sha: string, state: string): void;
  addImage(image: CsSimImage, vulns: CsSimVuln[]): void;
  /** The image/container is gone entirely (list and /vuln). */
  removeObject(sha: string): void;
  /** Listed, but deleted before its /vuln call: /vuln answers 404. */
  vanishBeforeVuln(sha: string): void;
  close(): Promise<void>;
}

const LIST_RE = /^\/csapi\/v1\.3\/(images|containers)\/list$/;
const VULN_RE = /^\/csapi\/v1\.3\/(images|containers)\/([^/]+)\/vuln$/;

/**
 * Qualys Container Security on 127.0.0.1: gateway /auth (JWT), bulk lists paged by the
 * `Link` header, per-object /vuln, with mutators and fault knobs for tests.
 */
export async function startQualysCsSim(opts: QualysCsSimOptions = {}): Promise<QualysCsSim> {
  const data = opts.data ?? generateCsData(opts);
  const now = opts.now ?? Date.now;
  const lifetime = opts.tokenLifetimeMs ?? CS_SIM_TOKEN_LIFETIME_MS;
  const tokens = new Map<string, number>();
  let issued = 0;
  const faults: Record<CsSimApi, CsSimFault[]> = { auth: [], list: [], vuln: [] };
  const vanishing = new Set<string>();
  const calls: CsSimCall[] = [];
  let url = '';

  const issueJwt = (): string => {
    issued++;
    const exp = now() + lifetime;
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub: QUALYS_CS_SIM_CREDENTIALS.username, iat: Math.floor(now() / 1000), jti: String(issued), ...(opts.jwtWithExp === false ? {} : { exp: Math.floor(exp / 1000) }) };
    const jwt = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
    tokens.set(jwt, exp);
    return jwt;
  };

  const authorized = (req: IncomingMessage): boolean => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const exp = m ? tokens.get(m[1] as string) : undefined;
    return exp !== undefined && now() < exp;
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): number => {
    res.writeHead(status, { 'Content-Type': body.startsWith('{') || body.startsWith('[') ? 'application/json' : 'text/plain', ...headers });
    res.end(body);
    return status;
  };

  const objectsOf = (kind: CsSimKind): Array<CsSimImage | CsSimContainer> => (kind === 'images' ? data.images : data.containers);

  const handle = async (req: IncomingMessage, res: ServerResponse, call: CsSimCall): Promise<number> => {
    const u = new URL(req.url ?? '/', 'http://x');
    call.path = u.pathname;
    call.params = Object.fromEntries(u.searchParams);
    if (req.method === 'POST' && u.pathname === '/auth') {
      call.api = 'auth';
      const form = new URLSearchParams(await readBody(req));
      call.params = { ...call.params, username: form.get('username') ?? '', token: form.get('token') ?? '' };
      const f = faults.auth.shift();
      if (f) return sendFault(res, f, send);
      if (form.get('username') !== QUALYS_CS_SIM_CREDENTIALS.username || form.get('password') !== QUALYS_CS_SIM_CREDENTIALS.password || form.get('token') !== 'true') {
        return send(res, 401, '{"errorCode":"401","message":"Invalid username or password"}');
      }
      return send(res, 201, issueJwt());
    }
    const list = LIST_RE.exec(u.pathname);
    const vuln = VULN_RE.exec(u.pathname);
    if (req.method !== 'GET' || (!list && !vuln)) return send(res, 404, '{"message":"Not Found"}');
    call.api = list ? 'list' : 'vuln';
    if (!authorized(req)) return send(res, 401, '{"message":"Unauthorized"}');
    const f = faults[call.api].shift();
    if (f && f.kind !== 'malformed') return sendFault(res, f, send);

    if (list) {
      const kind = list[1] as CsSimKind;
      const limit = Number(u.searchParams.get('limit') ?? '50');
      if (!Number.isInteger(limit) || limit < 1 || limit > 250) return send(res, 400, '{"message":"limit must be 1..250"}');
      const filter = u.searchParams.get('filter');
      let rows = objectsOf(kind);
      if (filter) {
        const m = /^(\w+):`([^`]*)`$/.exec(filter.trim());
        if (!m) return send(res, 400, '{"message":"unsupported filter"}');
        rows = rows.filter((r) => String((r as unknown as Record<string, unknown>)[m[1] as string]) === m[2]);
      }
      const pq = u.searchParams.get('paginationQuery');
      const offset = pq ? Number(Buffer.from(pq, 'base64url').toString('utf8').replace(/^offset=/, '')) : 0;
      if (!Number.isInteger(offset) || offset < 0) return send(res, 400, '{"message":"bad paginationQuery"}');
      const pageRows: unknown[] = rows.slice(offset, offset + limit).map(({ ...r }) => {
        if ('imageSha' in r) delete (r as Partial<CsSimContainer>).imageSha;
        return r;
      });
      if (f?.kind === 'malformed') pageRows.unshift({ imageId: 'broken', created: 'x' });
      const nextOffset = offset + limit;
      const next = Buffer.from(`offset=${nextOffset}`).toString('base64url');
      const link = nextOffset < rows.length ? `<${url}${u.pathname}?limit=${limit}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}&paginationQuery=${next}>;rel=next` : 'null';
      return send(res, 200, JSON.stringify({ data: pageRows }), { Link: link });
    }
    const kind = vuln![1] as CsSimKind;
    const sha = decodeURIComponent(vuln![2] as string);
    if (vanishing.has(sha) || !objectsOf(kind).some((o) => o.sha === sha)) return send(res, 404, `{"message":"${kind} ${sha} not found"}`);
    const type = u.searchParams.get('type') ?? 'SUMMARY';
    const details: unknown[] = (data.vulns.get(sha) ?? []).map((v) => (type === 'SUMMARY' ? { qid: v.qid, severity: v.severity } : v));
    if (f?.kind === 'malformed') details.push({ title: 'entry without qid', severity: 3 });
    return send(res, 200, JSON.stringify({ details }));
  };

  const server = createServer((req, res) => {
    const call: CsSimCall = { api: 'unknown', method: req.method ?? '', path: '', params: {}, status: 0 };
    calls.push(call);
    handle(req, res, call).then(
      (status) => {
        call.status = status;
      },
      () => {
        call.status = 500;
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const findObject = (sha: string): CsSimImage | CsSimContainer | undefined =>
    data.images.find((i) => i.sha === sha) ?? data.containers.find((c) => c.sha === sha);

  const setContainerState = (sha: string, state: string): void => {
    const c = data.containers.find((x) => x.sha === sha);
    if (!c) throw new Error(`sim: no container ${sha}`);
    c.state = state;
    c.stateChanged = String(now());
  };

  return {
    url,
    data,
    calls,
    tokensIssued: () => issued,
    fault: (api, f) => faults[api].push(f),
    revokeTokens: () => tokens.clear(),
    fixVuln(sha, qid) {
      const list = data.vulns.get(sha);
      if (!list || !list.some((v) => v.qid === qid)) throw new Error(`sim: ${sha} has no QID ${qid}`);
      data.vulns.set(sha, list.filter((v) => v.qid !== qid));
    },
    deleteContainer: (sha) => setContainerState(sha, 'DELETED'),
    setContainerState,
    addImage(image, vulns) {
      data.images.push(image);
      data.vulns.set(image.sha, vulns);
    },
    removeObject(sha) {
      if (!findObject(sha)) throw new Error(`sim: no object ${sha}`);
      data.images = data.images.filter((i) => i.sha !== sha);
      data.containers = data.containers.filter((c) => c.sha !== sha);
      data.vulns.delete(sha);
    },
    vanishBeforeVuln(sha) {
      if (!findObject(sha)) throw new Error(`sim: no object ${sha}`);
      vanishing.add(sha);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendFault(res: ServerResponse, f: CsSimFault, send: (res: ServerResponse, status: number, body: string, headers?: Record<string, string>) => number): number {
  if (f.kind === 'notJson') return send(res, 200, '<html><body>Please log in</body></html>', { 'Content-Type': 'text/html' });
  if (f.kind === 'status') return send(res, f.status, f.body ?? `{"message":"simulated ${f.status}"}`, f.retryAfterSec !== undefined ? { 'Retry-After': String(f.retryAfterSec) } : {});
  return send(res, 500, '{}');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
