import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeKb } from '../qualys/kbResponse.js';
import { simpleReturnXml } from '../qualys/simpleReturnXml.js';
import { XmlStreamWriter } from '../qualys/xmlWriter.js';
import { findingJson } from './findingJson.js';
import { generateWasData, type WasDataOptions, type WasSimData } from './generateWasData.js';
import { criteriaOf, limitOf, SearchRequestError, searchPage, type SimCriterion } from './searchFindings.js';

/** The only credentials the simulator accepts (Basic auth). */
export const QUALYS_WAS_SIM_CREDENTIALS = { username: 'vbsim_was', password: 'vbsim-W4s-pass' } as const;

export const WAS_SEARCH_PATH = '/qps/rest/3.0/search/was/finding';

export type QualysWasSimFault =
  /** 409 with the Qualys rate-limit headers and a CODE 1965 body (qualys.md §1), or 429 with Retry-After. */
  | { kind: 'rateLimit'; status?: 409 | 429; toWaitSec: number }
  | { kind: 'status'; status: number; body?: string }
  /** A ServiceResponse error envelope (HTTP 200 unless `status`), e.g. INVALID_REQUEST. */
  | { kind: 'serviceError'; responseCode: string; message: string; status?: number }
  /** The first finding of the page loses its id and webApp. */
  | { kind: 'malformed' }
  /** hasMoreRecords true with the page's own lastId again on the next page: a server loop. */
  | { kind: 'stuckLastId' };

export interface RecordedWasCall {
  api: 'search' | 'kb' | 'unknown';
  method: string;
  path: string;
  /** Parsed JSON body (search) or form parameters (kb). */
  body: unknown;
  criteria?: SimCriterion[];
  limitResults?: number;
  authorized: boolean;
  requestedWith?: string;
  contentType?: string;
  accept?: string;
  status?: number;
}

export interface QualysWasSimOptions extends WasDataOptions {
  data?: WasSimData;
  port?: number;
}

export interface QualysWasSim {
  readonly url: string;
  readonly data: WasSimData;
  readonly calls: RecordedWasCall[];
  /** Answer the next `times` search calls (default 1) with `fault`, after letting `skip` through. */
  failNext(fault: QualysWasSimFault, opts?: { times?: number; skip?: number }): void;
  close(): Promise<void>;
}

const KB_PATH = /^\/api\/\d+\.\d+\/fo\/knowledge_base\/vuln\/?$/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function basicUser(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const serviceError = (responseCode: string, errorMessage: string, errorResolution?: string): string =>
  JSON.stringify({ ServiceResponse: { responseCode, responseErrorDetails: { errorMessage, ...(errorResolution ? { errorResolution } : {}) } } });

/**
 * A Qualys WAS API simulator on 127.0.0.1: the findings search (`/qps/rest/3.0/search/
 * was/finding`, JSON ServiceRequest/ServiceResponse like the Elastic sample, paging by
 * hasMoreRecords/lastId with `id GREATER`) and the KnowledgeBase for its QIDs (the VMDR
 * sim's writeKb). Basic auth + X-Requested-With, faults on demand.
 */
export async function startQualysWasSim(opts: QualysWasSimOptions = {}): Promise<QualysWasSim> {
  const data = opts.data ?? generateWasData(opts);
  const calls: RecordedWasCall[] = [];
  const faults: Array<QualysWasSimFault | undefined> = [];

  const send = (res: ServerResponse, call: RecordedWasCall, status: number, body: string, headers: Record<string, string> = {}, type = 'application/json'): void => {
    call.status = status;
    res.writeHead(status, { 'Content-Type': type, ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = req.method === 'POST' ? await readBody(req) : '';
    const api = u.pathname === WAS_SEARCH_PATH ? 'search' : KB_PATH.test(u.pathname) ? 'kb' : 'unknown';
    const user = basicUser(req.headers.authorization);
    const requestedWith = req.headers['x-requested-with'] as string | undefined;
    const authorized = user?.username === QUALYS_WAS_SIM_CREDENTIALS.username && user.password === QUALYS_WAS_SIM_CREDENTIALS.password && !!requestedWith;
    const call: RecordedWasCall = {
      api,
      method: req.method ?? '',
      path: u.pathname,
      body: raw,
      authorized,
      requestedWith,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
    };
    calls.push(call);

    if (api === 'kb') {
      const params: Record<string, string> = { ...Object.fromEntries(u.searchParams), ...Object.fromEntries(new URLSearchParams(raw)) };
      call.body = params;
      if (!authorized) return send(res, call, 401, simpleReturnXml(data.now(), 'Bad Login/Password'), {}, 'text/xml;charset=UTF-8');
      call.status = 200;
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8' });
      return writeKb(new XmlStreamWriter(res), data.kbData, params);
    }
    // QPS answers a bad login with 401 and an INVALID_CREDENTIALS envelope.
    if (!authorized) return send(res, call, 401, serviceError('INVALID_CREDENTIALS', 'Bad Login/Password'));
    if (api === 'unknown' || req.method !== 'POST') return send(res, call, 404, serviceError('NOT_FOUND', `Unknown API ${req.method ?? ''} ${u.pathname}`));

    const fault = faults.shift();
    if (fault?.kind === 'rateLimit') {
      const status = fault.status ?? 409;
      const headers: Record<string, string> =
        status === 409
          ? { 'X-RateLimit-Limit': '300', 'X-RateLimit-Window-Sec': '3600', 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': String(fault.toWaitSec), 'X-Concurrency-Limit-Limit': '2', 'X-Concurrency-Limit-Running': '0' }
          : { 'Retry-After': String(fault.toWaitSec) };
      const body = simpleReturnXml(data.now(), `This API cannot be run again for another ${fault.toWaitSec} seconds.`, '1965', { SECONDS_TO_WAIT: fault.toWaitSec });
      return send(res, call, status, body, headers, 'text/xml;charset=UTF-8');
    }
    if (fault?.kind === 'status') return send(res, call, fault.status, fault.body ?? serviceError('OTHER_FAILED', `Simulated HTTP ${fault.status}`));
    if (fault?.kind === 'serviceError') return send(res, call, fault.status ?? 200, serviceError(fault.responseCode, fault.message));

    let request: unknown;
    try {
      request = JSON.parse(raw) as unknown;
    } catch {
      return send(res, call, 400, serviceError('INVALID_REQUEST', 'The request body is not valid JSON'));
    }
    call.body = request;
    let criteria: SimCriterion[];
    let limit: number;
    try {
      criteria = criteriaOf(request);
      limit = limitOf(request);
    } catch (err) {
      if (err instanceof SearchRequestError) return send(res, call, 200, serviceError('INVALID_REQUEST', err.message));
      throw err;
    }
    call.criteria = criteria;
    call.limitResults = limit;
    let result;
    try {
      result = searchPage(data, criteria, limit);
    } catch (err) {
      if (err instanceof SearchRequestError) return send(res, call, 200, serviceError('INVALID_REQUEST', err.message));
      throw err;
    }
    const records = result.page.map((f) => {
      const json = findingJson(f, data.webApp(f.webAppId)!);
      return { Finding: json };
    });
    if (fault?.kind === 'malformed' && records[0]) {
      const broken = records[0].Finding as Record<string, unknown>;
      delete broken.id;
      delete broken.webApp;
    }
    const last = result.page[result.page.length - 1];
    const afterId = criteria.find((c) => c.field === 'id' && c.operator === 'GREATER')?.value;
    const lastId = fault?.kind === 'stuckLastId' && afterId ? Number(afterId) : last?.id;
    const response: Record<string, unknown> = { responseCode: 'SUCCESS', count: records.length, hasMoreRecords: String(result.hasMore || fault?.kind === 'stuckLastId') };
    if ((result.hasMore || fault?.kind === 'stuckLastId') && lastId !== undefined) response.lastId = lastId;
    if (records.length) response.data = records;
    return send(res, call, 200, JSON.stringify({ ServiceResponse: response }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`simulator error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    data,
    calls,
    failNext(fault, { times = 1, skip = 0 } = {}) {
      for (let i = 0; i < skip; i++) faults.push(undefined);
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
