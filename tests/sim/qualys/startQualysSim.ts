import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateVmdrData, type QualysSimData, type VmdrDataOptions } from './generateVmdrData.js';
import { writeHldPage } from './hldResponse.js';
import { writeHostList } from './hostListResponse.js';
import { writeKb } from './kbResponse.js';
import { HLD_PARAMS, HOST_LIST_PARAMS, KB_PARAMS, unknownParams } from './simParams.js';
import { simpleReturnXml } from './simpleReturnXml.js';
import { XmlStreamWriter, type WriterFaults } from './xmlWriter.js';

/** The only credentials the simulator accepts (Basic auth). */
export const QUALYS_SIM_CREDENTIALS = { username: 'vbsim_api', password: 'vbsim-Qu4lys-pass' } as const;

export type QualysSimApi = 'hld' | 'kb' | 'hostList';

export type QualysSimFault =
  /** 409 CODE 1960, body like qualys_409_code1960_concurrency.xml. */
  | { kind: 'concurrency' }
  /** 409 CODE 1965 with SECONDS_TO_WAIT, body like qualys_409_code1965_ratelimit.xml. */
  | { kind: 'rateLimit'; secondsToWait: number }
  | { kind: 'status'; status: number; body?: string }
  /** A Qualys error body (e.g. 200 + CODE 1903), as real Qualys sometimes sends. */
  | { kind: 'simpleReturn'; status?: number; code: string; text: string }
  /** The body ends cleanly after this many bytes: an incomplete document. */
  | { kind: 'truncate'; afterBytes: number }
  /** The connection is destroyed after this many bytes. */
  | { kind: 'reset'; afterBytes: number }
  /** A broken element after `afterHosts` hosts (HLD). */
  | { kind: 'malformed'; afterHosts?: number }
  /** Wait before answering (real timer; cleared by close()). */
  | { kind: 'slow'; delayMs: number }
  /** Hold the call (counted as running) until `releaseHeld()`: a concurrency test without timers. */
  | { kind: 'hold' };

export interface RecordedCall {
  api: QualysSimApi | 'unknown';
  method: string;
  path: string;
  version?: string;
  /** Query and form parameters merged (form wins). */
  params: Record<string, string>;
  username?: string;
  authorized: boolean;
  requestedWith?: string;
  contentType?: string;
  status?: number;
}

export interface RateLimitConfig {
  /** X-RateLimit-Limit: calls per window per API (300 on the standard tier, qualys.md §1). */
  limit: number;
  windowSec: number;
  /** X-Concurrency-Limit-Limit (2 on the standard tier). */
  concurrencyLimit: number;
}

export interface QualysSimOptions extends VmdrDataOptions {
  /** Use this data instead of generating it. */
  data?: QualysSimData;
  /** Base (scheme://host[:port]) of WARNING URLs; default the sim's own URL. Real Qualys may name another host. */
  publicUrl?: string;
  rateLimit?: Partial<RateLimitConfig>;
  port?: number;
  /** Keep a record of calls (default true; the standalone bench process turns it off). */
  recordCalls?: boolean;
}

export interface QualysSim {
  readonly url: string;
  readonly data: QualysSimData;
  readonly calls: RecordedCall[];
  /** Answer `times` calls to `api` (default 1) with `fault`, after letting `skip` calls (default 0) through. */
  failNext(api: QualysSimApi, fault: QualysSimFault, opts?: { times?: number; skip?: number }): void;
  setRateLimit(api: QualysSimApi, config: Partial<RateLimitConfig> & { used?: number }): void;
  setPublicUrl(url: string | undefined): void;
  /** Let calls held by a `hold` fault go on. */
  releaseHeld(): void;
  close(): Promise<void>;
}

const APIS: ReadonlyArray<{ api: QualysSimApi; re: RegExp; params: ReadonlySet<string> }> = [
  { api: 'hld', re: /^\/api\/(\d+\.\d+)\/fo\/asset\/host\/vm\/detection\/?$/, params: HLD_PARAMS },
  { api: 'kb', re: /^\/api\/(\d+\.\d+)\/fo\/knowledge_base\/vuln\/?$/, params: KB_PARAMS },
  { api: 'hostList', re: /^\/api\/(\d+\.\d+)\/fo\/asset\/host\/?$/, params: HOST_LIST_PARAMS },
];

interface Window {
  config: RateLimitConfig;
  startMs: number;
  used: number;
  running: number;
}

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

/**
 * A Qualys VMDR API simulator on 127.0.0.1 (port 0 by default): Host List Detection,
 * KnowledgeBase and Host List, with WARNING/1980 paging, filters, rate-limit headers,
 * 409s, auth, and broken responses on demand. Pages are generated while they are sent.
 */
export async function startQualysSim(opts: QualysSimOptions = {}): Promise<QualysSim> {
  const data = opts.data ?? generateVmdrData(opts);
  const now = (): Date => data.now();
  const calls: RecordedCall[] = [];
  // `undefined` entries are calls let through untouched (`skip`).
  const faults = new Map<QualysSimApi, Array<QualysSimFault | undefined>>();
  const timers = new Set<NodeJS.Timeout>();
  const held = new Set<() => void>();
  const baseConfig: RateLimitConfig = { limit: 300, windowSec: 3600, concurrencyLimit: 2, ...opts.rateLimit };
  const windows = new Map<QualysSimApi, Window>(
    APIS.map(({ api }) => [api, { config: { ...baseConfig }, startMs: now().getTime(), used: 0, running: 0 }]),
  );
  let publicUrl = opts.publicUrl;
  let url = '';

  const rateHeaders = (w: Window): Record<string, string> => {
    const remaining = Math.max(0, w.config.limit - w.used);
    const toWait = remaining > 0 ? 0 : Math.max(0, Math.ceil((w.startMs + w.config.windowSec * 1000 - now().getTime()) / 1000));
    return {
      'X-RateLimit-Limit': String(w.config.limit),
      'X-RateLimit-Window-Sec': String(w.config.windowSec),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-ToWait-Sec': String(toWait),
      'X-Concurrency-Limit-Limit': String(w.config.concurrencyLimit),
      'X-Concurrency-Limit-Running': String(w.running),
    };
  };

  const send = (res: ServerResponse, call: RecordedCall, status: number, body: string, headers: Record<string, string> = {}): void => {
    call.status = status;
    res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = req.method === 'POST' ? await readBody(req) : '';
    const params: Record<string, string> = Object.fromEntries(u.searchParams);
    if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    const route = APIS.map((a) => ({ ...a, m: a.re.exec(u.pathname) })).find((a) => a.m);
    const user = basicUser(req.headers.authorization);
    const requestedWith = req.headers['x-requested-with'] as string | undefined;
    const authorized = user?.username === QUALYS_SIM_CREDENTIALS.username && user.password === QUALYS_SIM_CREDENTIALS.password && !!requestedWith;
    const call: RecordedCall = {
      api: route?.api ?? 'unknown',
      method: req.method ?? '',
      path: u.pathname,
      version: route?.m?.[1],
      params,
      username: user?.username,
      authorized,
      requestedWith,
      contentType: req.headers['content-type'],
    };
    if (opts.recordCalls !== false) calls.push(call);

    // Qualys answers a bad login and a missing X-Requested-With alike (DOC-7025 "Bad Login/Password").
    if (!authorized) return send(res, call, 401, simpleReturnXml(now(), 'Bad Login/Password'));
    if (!route) return send(res, call, 404, simpleReturnXml(now(), `Unknown API ${u.pathname}`));
    const api = route.api;
    const w = windows.get(api)!;
    if (now().getTime() >= w.startMs + w.config.windowSec * 1000) {
      w.startMs = now().getTime();
      w.used = 0;
    }
    // Concurrency is checked first: "Concurrency-limit error takes precedence" (api_limits.htm).
    if (w.running >= w.config.concurrencyLimit) {
      return send(res, call, 409, simpleReturnXml(now(), `This API cannot be run again until ${w.running} currently running API instance has finished.`, '1960', { CALLS_TO_FINISH: w.running }), rateHeaders(w));
    }
    if (w.used >= w.config.limit) {
      const headers = rateHeaders(w);
      const wait = headers['X-RateLimit-ToWait-Sec']!;
      return send(res, call, 409, simpleReturnXml(now(), `This API cannot be run again for another ${wait} seconds.`, '1965', { SECONDS_TO_WAIT: wait }), headers);
    }

    // From here the call counts as running (X-Concurrency-Limit-Running), slow or not.
    w.running++;
    res.on('close', () => {
      w.running--;
    });
    w.used++;
    const fault = faults.get(api)?.shift();
    if (fault?.kind === 'slow' || fault?.kind === 'hold') {
      await new Promise<void>((resolve) => {
        if (fault.kind === 'hold') {
          held.add(resolve);
          return;
        }
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, fault.delayMs);
        timers.add(t);
      });
      if (res.destroyed) return;
    }
    if (fault?.kind === 'concurrency') {
      return send(res, call, 409, simpleReturnXml(now(), 'This API cannot be run again until 1 currently running API instance has finished.', '1960', { CALLS_TO_FINISH: 2 }), rateHeaders(w));
    }
    if (fault?.kind === 'rateLimit') {
      const headers = { ...rateHeaders(w), 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': String(fault.secondsToWait) };
      return send(res, call, 409, simpleReturnXml(now(), `This API cannot be run again for another ${fault.secondsToWait} seconds.`, '1965', { SECONDS_TO_WAIT: fault.secondsToWait }), headers);
    }
    if (fault?.kind === 'status') return send(res, call, fault.status, fault.body ?? simpleReturnXml(now(), `Simulated HTTP ${fault.status}`), rateHeaders(w));
    if (fault?.kind === 'simpleReturn') return send(res, call, fault.status ?? 200, simpleReturnXml(now(), fault.text, fault.code), rateHeaders(w));

    const unknown = unknownParams(params, route.params);
    if (unknown.length) return send(res, call, 400, simpleReturnXml(now(), `Unrecognized parameter(s): ${unknown.join(',')}`, '1901'), rateHeaders(w));
    if (params.action !== 'list') return send(res, call, 400, simpleReturnXml(now(), 'Missing required parameter(s): action', '1903'), rateHeaders(w));

    call.status = 200;
    res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8', ...rateHeaders(w) });
    const writerFaults: WriterFaults =
      fault?.kind === 'truncate' ? { truncateAfterBytes: fault.afterBytes } : fault?.kind === 'reset' ? { resetAfterBytes: fault.afterBytes } : {};
    const writer = new XmlStreamWriter(res, writerFaults);
    const urlBase = publicUrl ?? url;
    if (api === 'hld') {
      const malformedAfterHosts = fault?.kind === 'malformed' ? (fault.afterHosts ?? 1) : undefined;
      await writeHldPage(writer, data, params, { urlBase, path: u.pathname, malformedAfterHosts });
    } else if (api === 'kb') {
      await writeKb(writer, data, params);
    } else {
      await writeHostList(writer, data, params, { urlBase, path: u.pathname });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`simulator error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    data,
    calls,
    failNext(api, fault, { times = 1, skip = 0 } = {}) {
      const q = faults.get(api) ?? [];
      for (let i = 0; i < skip; i++) q.push(undefined);
      for (let i = 0; i < times; i++) q.push(fault);
      faults.set(api, q);
    },
    setRateLimit(api, config) {
      const w = windows.get(api)!;
      const { used, ...rest } = config;
      w.config = { ...w.config, ...rest };
      if (used !== undefined) w.used = used;
    },
    setPublicUrl(u) {
      publicUrl = u;
    },
    releaseHeld() {
      for (const release of held) release();
      held.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
