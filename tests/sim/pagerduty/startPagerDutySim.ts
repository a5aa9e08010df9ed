import path from 'node:path';
import type { OpenApiBodyValidator } from './openApiBodyValidator.js';
import { AlertStore, type PagerDutyDroppedEvent, type PagerDutySimAlert } from './alertStore.js';
import { eventErrors, invalidEvent, PAGERDUTY_LIMITS, routingKeyError, THROTTLED, UNRECOGNIZED_OBJECT, type PagerDutyEvent } from './pagerDutyEvent.js';
import { faultAnswer, FaultQueue, SimHttpServer, type SimAnswer, type SimDownMode, type SimFault, type SimIncoming } from './simServer.js';
import { SlidingWindowLimiter } from './slidingWindowLimiter.js';

export type { PagerDutySimAlert, PagerDutyAlertStatus, PagerDutyDroppedEvent } from './alertStore.js';
export type { PagerDutyEvent, PagerDutyPayload, PagerDutySeverity } from './pagerDutyEvent.js';
export type { SimDownMode, SimFault } from './simServer.js';

/** Integration keys the simulator accepts unless told otherwise (32 characters, as PagerDuty's are). */
export const PD_SIM_ROUTING_KEYS: readonly string[] = ['vbsimpagerdutyroutingkey00000001', 'vbsimpagerdutyroutingkey00000002'];

/** PagerDuty's published OpenAPI document for the Events API v2. */
export const PAGERDUTY_OPENAPI_PATH = process.env.PAGERDUTY_OPENAPI_PATH ?? path.resolve(process.cwd(), '../shared/reference/pagerduty/events-v2.openapi.json');

export interface PagerDutySimOptions {
  port?: number;
  /** Integration keys that route somewhere (default PD_SIM_ROUTING_KEYS). */
  routingKeys?: readonly string[];
  /**
   * Calls per routing key in any 60 s looking back (default 120, PagerDuty's; Infinity = no
   * limit). PagerDuty counts calls, so an invalid event with a known key counts too; a
   * throttled call does not.
   */
  eventsPerMinute?: number;
  /** Clock for the rate limit and alert times (default Date.now). */
  now?: () => number;
  /** Keep every request with its body in `requests` (default true; a bench turns it off). */
  recordRequests?: boolean;
  /**
   * Check every event body against PagerDuty's OpenAPI document (default true). Violations go
   * to `openApiViolations` and get a 400. ajv and the document are loaded only when on: the
   * demo runs this simulator where neither is.
   */
  validateAgainstOpenApi?: boolean;
  openApiPath?: string;
  /**
   * Status for a body over 512 KB. PagerDuty documents the limit but lists no status for it;
   * 400 is the one it documents for a bad event, 413 is what an HTTP front end may answer.
   */
  oversizeStatus?: 400 | 413;
}

export interface PagerDutySimRequest {
  method: string;
  path: string;
  /** The routing key the event was for: the body's, or the legacy URL's. */
  routingKey?: string;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty or too large. */
  body?: unknown;
  bytes: number;
  /** 0 when the request was hung or reset. */
  status: number;
  at: number;
}

export interface PagerDutySimViolation {
  method: string;
  path: string;
  operationId?: string;
  errors: string[];
}

export interface PagerDutySimCounts {
  requests: number;
  /** 202s. */
  accepted: number;
  /** 400s (and an oversize 413). */
  invalid: number;
  /** 429s from the rate limit (a queued 429 fault counts as `faulted`). */
  throttled: number;
  faulted: number;
  /** 503s answered while down in 'unavailable' mode. */
  unavailable: number;
}

export interface PagerDutySim {
  readonly url: string;
  /** `${url}/v2/enqueue` */
  readonly eventsUrl: string;
  /** The legacy form `${url}/integration/<key>/enqueue`. */
  integrationUrl(routingKey: string): string;
  readonly routingKeys: readonly string[];
  readonly requests: PagerDutySimRequest[];
  /** Bodies the OpenAPI document refuses (tests assert this stays empty). */
  readonly openApiViolations: PagerDutySimViolation[];
  readonly counts: PagerDutySimCounts;
  /** Every alert ever opened, in creation order (live objects). */
  alerts(): PagerDutySimAlert[];
  /** Alerts not resolved (triggered or acknowledged). */
  openAlerts(): PagerDutySimAlert[];
  /** Every alert with this dedup key (one per open-resolve cycle), optionally for one routing key. */
  alertsByDedupKey(dedupKey: string, routingKey?: string): PagerDutySimAlert[];
  /** Acknowledge/resolve events that found no open alert (answered 202, applied to nothing). */
  dropped(): PagerDutyDroppedEvent[];
  /** The next `times` (default 1) requests get this fault (a number = that status) instead of an answer. */
  failNext(fault: SimFault | number, opts?: { times?: number }): void;
  clearFaults(): void;
  /** 'refuse' (default): stop listening; 'unavailable': answer 503 to everything. */
  goDown(mode?: SimDownMode): Promise<void>;
  /** Back up, on the same URL. */
  comeUp(): Promise<void>;
  setEventsPerMinute(limit: number): void;
  close(): Promise<void>;
}

const EVENTS_PATH = '/v2/enqueue';
const LEGACY_PATH = /^\/integration\/([^/]+)\/enqueue$/;

const errorBody = (status: number): unknown =>
  status === 429 ? THROTTLED : { status: 'error', message: `simulated HTTP ${status}`, errors: [`simulated HTTP ${status}`] };

/**
 * A PagerDuty Events API v2 simulator on 127.0.0.1 (port 0 by default): `POST /v2/enqueue`
 * and the legacy `POST /integration/<key>/enqueue`, PagerDuty's validation and answers,
 * alerts with its dedup semantics, its per-key rate limit, fault knobs (api-notes §3).
 * `GET /__sim/stats` and `GET /__sim/alerts` serve a simulator in its own process.
 */
export async function startPagerDutySim(opts: PagerDutySimOptions = {}): Promise<PagerDutySim> {
  const now = opts.now ?? Date.now;
  const routingKeys = [...(opts.routingKeys ?? PD_SIM_ROUTING_KEYS)];
  const known = new Set(routingKeys);
  const recordRequests = opts.recordRequests ?? true;
  const limiter = new SlidingWindowLimiter(opts.eventsPerMinute ?? 120, 60_000);
  const oversizeStatus = opts.oversizeStatus ?? 400;
  const validator: OpenApiBodyValidator | undefined =
    (opts.validateAgainstOpenApi ?? true)
      ? (await import('./openApiBodyValidator.js')).OpenApiBodyValidator.load(opts.openApiPath ?? PAGERDUTY_OPENAPI_PATH)
      : undefined;
  const store = new AlertStore();
  const faults = new FaultQueue();
  const requests: PagerDutySimRequest[] = [];
  const openApiViolations: PagerDutySimViolation[] = [];
  const counts: PagerDutySimCounts = { requests: 0, accepted: 0, invalid: 0, throttled: 0, faulted: 0, unavailable: 0 };

  const stats = (): Record<string, number> => ({
    ...counts,
    alerts: store.all.length,
    openAlerts: store.openAlerts().length,
    dropped: store.dropped.length,
    openApiViolations: openApiViolations.length,
  });

  const ingest = (req: SimIncoming, record: PagerDutySimRequest, legacyKey: string | undefined): SimAnswer => {
    if (req.tooLarge) {
      counts.invalid++;
      return { status: oversizeStatus, body: invalidEvent([`Event is too large: ${req.bytes} bytes (the limit is 512 KB, ${PAGERDUTY_LIMITS.bodyBytes} bytes)`]) };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.text);
    } catch {
      counts.invalid++;
      return { status: 400, body: UNRECOGNIZED_OBJECT };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      counts.invalid++;
      return { status: 400, body: UNRECOGNIZED_OBJECT };
    }
    // The legacy URL carries the key; the body's routing_key, if any, is not what routes it.
    const body: Record<string, unknown> = legacyKey === undefined ? (parsed as Record<string, unknown>) : { ...(parsed as Record<string, unknown>), routing_key: legacyKey };
    const routingKey = body.routing_key;
    if (typeof routingKey === 'string') record.routingKey = routingKey;
    const keyError = routingKeyError(routingKey, known);
    if (keyError) {
      counts.invalid++;
      return { status: 400, body: invalidEvent([keyError]) };
    }
    if (!limiter.admit(routingKey as string, now())) {
      counts.throttled++;
      return { status: 429, body: THROTTLED };
    }
    const errors = eventErrors(body);
    if (validator) {
      const check = validator.checkRequest('POST', EVENTS_PATH, body);
      if (check.errors.length) {
        openApiViolations.push({ method: req.method, path: req.url.pathname, operationId: check.operationId, errors: check.errors.map((e) => e.text) });
        for (const e of check.errors) {
          if (!errors.some((m) => m.includes(`'${e.field}'`))) errors.push(`'${e.field}' ${e.message}`);
        }
      }
    }
    if (errors.length) {
      counts.invalid++;
      return { status: 400, body: invalidEvent(errors) };
    }
    const dedupKey = store.apply(routingKey as string, body as unknown as PagerDutyEvent, now());
    counts.accepted++;
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  };

  const answer = (req: SimIncoming, record: PagerDutySimRequest): SimAnswer => {
    if (server.down === 'unavailable') {
      counts.unavailable++;
      return { status: 503, body: { status: 'Service Unavailable', message: 'simulated outage' } };
    }
    const fault = faults.take();
    if (fault) {
      counts.faulted++;
      return faultAnswer(fault, errorBody);
    }
    const p = req.url.pathname;
    const legacy = LEGACY_PATH.exec(p);
    if (p !== EVENTS_PATH && !legacy) return { status: 404, body: { status: 'Not Found', message: `no route for ${p}` } };
    if (req.method !== 'POST') return { status: 405, headers: { Allow: 'POST' }, body: { status: 'Method Not Allowed', message: `${req.method} is not allowed on ${p}` } };
    return ingest(req, record, legacy ? decodeURIComponent(legacy[1]!) : undefined);
  };

  const server: SimHttpServer = new SimHttpServer({
    port: opts.port,
    maxBodyBytes: PAGERDUTY_LIMITS.bodyBytes,
    handle(req) {
      if (req.method === 'GET' && req.url.pathname === '/__sim/stats') return { status: 200, body: stats() };
      if (req.method === 'GET' && req.url.pathname === '/__sim/alerts') return { status: 200, body: store.all };
      counts.requests++;
      const record: PagerDutySimRequest = { method: req.method, path: req.url.pathname, bytes: req.bytes, status: 0, at: now() };
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
    eventsUrl: `${url}${EVENTS_PATH}`,
    integrationUrl: (routingKey) => `${url}/integration/${encodeURIComponent(routingKey)}/enqueue`,
    routingKeys,
    requests,
    openApiViolations,
    counts,
    alerts: () => [...store.all],
    openAlerts: () => store.openAlerts(),
    alertsByDedupKey: (dedupKey, routingKey) => store.all.filter((a) => a.dedupKey === dedupKey && (routingKey === undefined || a.routingKey === routingKey)),
    dropped: () => [...store.dropped],
    failNext: (fault, o = {}) => faults.push(typeof fault === 'number' ? { kind: 'status', status: fault } : fault, o.times ?? 1),
    clearFaults: () => faults.clear(),
    goDown: (mode) => server.goDown(mode),
    comeUp: () => server.comeUp(),
    setEventsPerMinute: (limit) => {
      limiter.limit = limit;
    },
    close: () => server.close(),
  };
}
