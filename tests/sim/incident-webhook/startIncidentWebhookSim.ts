import type { IncomingHttpHeaders } from 'node:http';
import { faultAnswer, FaultQueue, SimHttpServer, type SimAnswer, type SimDownMode, type SimFault, type SimIncoming } from '../pagerduty/simServer.js';

export type { SimDownMode, SimFault } from '../pagerduty/simServer.js';

/** The API key the simulator accepts unless told otherwise. */
export const INCIDENT_WEBHOOK_SIM_API_KEY = 'vbsim-lir-webhook-api-key-3Fq9xT';

/** Optional auth on top of the URL's key; the same shapes as the webhook action's `auth`. */
export type IncidentWebhookAuth = { bearer: string } | { basic: { username: string; password: string } } | { header: { name: string; value: string } };

export interface IncidentWebhookSimOptions {
  port?: number;
  /** Accepted values of the key query parameter (default [INCIDENT_WEBHOOK_SIM_API_KEY]); [] = no key needed. */
  apiKeys?: readonly string[];
  /** The query parameter carrying the key (default `apiKey`). */
  apiKeyParam?: string;
  auth?: IncidentWebhookAuth;
  /** Dot paths tried in order for the dedup key (default `alert.dedup_key`, then `dedup_key`). */
  dedupKeyPaths?: readonly string[];
  /** Dot path of the state (default `alert.state`, e.g. `Open` / `Closed`). */
  statePath?: string;
  /** Clock for record times (default Date.now). */
  now?: () => number;
  /** Keep every request in `requests` (default true). Incidents are kept either way. */
  recordRequests?: boolean;
  /** Bodies over this are refused with 413 (default 1 MiB; nothing is documented). */
  maxBodyBytes?: number;
  /** Status of an accepted event (default 200; Lightstep documents no response). */
  acceptStatus?: number;
}

export interface IncidentWebhookRequest {
  method: string;
  path: string;
  /** The key parameter shows as `<redacted>`. */
  query: Record<string, string>;
  /** Lower-case names; Authorization and the auth header keep only their scheme / `<redacted>`. */
  headers: Record<string, string>;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty or too large. */
  body?: unknown;
  dedupKey?: string;
  state?: string;
  /** 0 when the request was hung or reset. */
  status: number;
  at: number;
}

export interface IncidentWebhookIncident {
  dedupKey: string;
  /** The state of the latest event that carried one (undefined if none did). */
  state: string | undefined;
  /** Each change of state, in order (the first state included). */
  transitions: string[];
  /** Accepted events with this key. */
  events: number;
  lastBody: unknown;
  /** Path of the latest event. */
  lastPath: string;
  firstAt: number;
  lastAt: number;
}

export interface IncidentWebhookSimCounts {
  requests: number;
  accepted: number;
  /** Accepted events with no dedup key at any of the paths. */
  ungrouped: number;
  unauthorized: number;
  invalid: number;
  faulted: number;
  unavailable: number;
}

export interface IncidentWebhookSim {
  readonly url: string;
  /** `${url}${path}?apiKey=<first accepted key>`: what a user pastes as the integration URL. */
  webhookUrl(path?: string): string;
  readonly apiKeys: readonly string[];
  readonly requests: IncidentWebhookRequest[];
  readonly counts: IncidentWebhookSimCounts;
  /** One per dedup key, in order of first arrival (live objects). */
  incidents(): IncidentWebhookIncident[];
  incident(dedupKey: string): IncidentWebhookIncident | undefined;
  /** The next `times` (default 1) requests get this fault (a number = that status) instead of an answer. */
  failNext(fault: SimFault | number, opts?: { times?: number }): void;
  clearFaults(): void;
  /** 'refuse' (default): stop listening; 'unavailable': answer 503 to everything. */
  goDown(mode?: SimDownMode): Promise<void>;
  comeUp(): Promise<void>;
  close(): Promise<void>;
}

/** `a.b.c` in a parsed JSON body; a string or a number counts as a value. */
export function valueAt(body: unknown, dotPath: string): string | undefined {
  let cur: unknown = body;
  for (const part of dotPath.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'string' && cur !== '') return cur;
  if (typeof cur === 'number') return String(cur);
  return undefined;
}

const REDACTED = '<redacted>';

function redactHeaders(headers: IncomingHttpHeaders, authHeader: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (name === 'authorization') out[name] = `${text.split(/\s+/)[0]} ${REDACTED}`;
    else if (name === authHeader) out[name] = REDACTED;
    else out[name] = text;
  }
  return out;
}

function authorized(auth: IncidentWebhookAuth | undefined, headers: IncomingHttpHeaders): boolean {
  if (!auth) return true;
  if ('bearer' in auth) return headers.authorization === `Bearer ${auth.bearer}`;
  if ('basic' in auth) return headers.authorization === `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
  return headers[auth.header.name.toLowerCase()] === auth.header.value;
}

/**
 * A generic incident webhook receiver on 127.0.0.1 (port 0 by default), like Lightstep
 * Incident Response's "Generic REST API" integration (api-notes §4): `POST /<any path>`
 * with JSON, an API key in the URL's query, optional Basic/Bearer/header auth. It keeps
 * what arrived and groups it into incidents by a dedup key at a JSON path, with the state
 * at another. `GET /__sim/stats` and `GET /__sim/incidents` serve it in its own process.
 */
export async function startIncidentWebhookSim(opts: IncidentWebhookSimOptions = {}): Promise<IncidentWebhookSim> {
  const now = opts.now ?? Date.now;
  const apiKeys = [...(opts.apiKeys ?? [INCIDENT_WEBHOOK_SIM_API_KEY])];
  const keyParam = opts.apiKeyParam ?? 'apiKey';
  const dedupKeyPaths = opts.dedupKeyPaths ?? ['alert.dedup_key', 'dedup_key'];
  const statePath = opts.statePath ?? 'alert.state';
  const recordRequests = opts.recordRequests ?? true;
  const acceptStatus = opts.acceptStatus ?? 200;
  const authHeader = opts.auth && 'header' in opts.auth ? opts.auth.header.name.toLowerCase() : undefined;
  const incidents = new Map<string, IncidentWebhookIncident>();
  const faults = new FaultQueue();
  const requests: IncidentWebhookRequest[] = [];
  const counts: IncidentWebhookSimCounts = { requests: 0, accepted: 0, ungrouped: 0, unauthorized: 0, invalid: 0, faulted: 0, unavailable: 0 };

  const errorBody = (status: number): unknown => ({ status: 'error', message: `simulated HTTP ${status}` });

  const accept = (req: SimIncoming, record: IncidentWebhookRequest): SimAnswer => {
    if (req.tooLarge) {
      counts.invalid++;
      return { status: 413, body: { status: 'error', message: `body of ${req.bytes} bytes is over the limit` } };
    }
    let body: unknown;
    try {
      body = JSON.parse(req.text);
    } catch {
      counts.invalid++;
      return { status: 400, body: { status: 'error', message: 'the body is not JSON' } };
    }
    const at = now();
    const dedupKey = dedupKeyPaths.map((p) => valueAt(body, p)).find((v) => v !== undefined);
    const state = valueAt(body, statePath);
    record.dedupKey = dedupKey;
    record.state = state;
    counts.accepted++;
    if (dedupKey === undefined) counts.ungrouped++;
    else {
      let incident = incidents.get(dedupKey);
      if (!incident) {
        incident = { dedupKey, state: undefined, transitions: [], events: 0, lastBody: body, lastPath: req.url.pathname, firstAt: at, lastAt: at };
        incidents.set(dedupKey, incident);
      }
      incident.events++;
      incident.lastBody = body;
      incident.lastPath = req.url.pathname;
      incident.lastAt = at;
      if (state !== undefined && state !== incident.state) incident.transitions.push(state);
      if (state !== undefined) incident.state = state;
    }
    return { status: acceptStatus, body: { status: 'ok' } };
  };

  const answer = (req: SimIncoming, record: IncidentWebhookRequest): SimAnswer => {
    if (server.down === 'unavailable') {
      counts.unavailable++;
      return { status: 503, body: { status: 'error', message: 'simulated outage' } };
    }
    const fault = faults.take();
    if (fault) {
      counts.faulted++;
      return faultAnswer(fault, errorBody);
    }
    const key = req.url.searchParams.get(keyParam);
    if ((apiKeys.length > 0 && (key === null || !apiKeys.includes(key))) || !authorized(opts.auth, req.headers)) {
      counts.unauthorized++;
      return { status: 401, body: { status: 'error', message: 'Unauthorized' } };
    }
    if (req.method !== 'POST') return { status: 405, headers: { Allow: 'POST' }, body: { status: 'error', message: `${req.method} is not allowed` } };
    return accept(req, record);
  };

  const server: SimHttpServer = new SimHttpServer({
    port: opts.port,
    maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
    handle(req) {
      if (req.method === 'GET' && req.url.pathname === '/__sim/stats') return { status: 200, body: { ...counts, incidents: incidents.size } };
      if (req.method === 'GET' && req.url.pathname === '/__sim/incidents') return { status: 200, body: [...incidents.values()] };
      counts.requests++;
      const query = Object.fromEntries(req.url.searchParams);
      if (keyParam in query) query[keyParam] = REDACTED;
      const record: IncidentWebhookRequest = { method: req.method, path: req.url.pathname, query, headers: redactHeaders(req.headers, authHeader), status: 0, at: now() };
      if (recordRequests) {
        if (req.text) {
          try {
            record.body = JSON.parse(req.text) as unknown;
          } catch {
            record.body = req.text;
          }
        }
        requests.push(record);
      }
      const out = answer(req, record);
      if ('status' in out) record.status = out.status;
      return out;
    },
  });
  await server.listen();
  const url = server.url;

  return {
    url,
    webhookUrl: (path = '/lir/webhook') => `${url}${path}${apiKeys.length ? `?${keyParam}=${encodeURIComponent(apiKeys[0]!)}` : ''}`,
    apiKeys,
    requests,
    counts,
    incidents: () => [...incidents.values()],
    incident: (dedupKey) => incidents.get(dedupKey),
    failNext: (fault, o = {}) => faults.push(typeof fault === 'number' ? { kind: 'status', status: fault } : fault, o.times ?? 1),
    clearFaults: () => faults.clear(),
    goDown: (mode) => server.goDown(mode),
    comeUp: () => server.comeUp(),
    close: () => server.close(),
  };
}
