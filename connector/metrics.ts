import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The daemon's Prometheus metrics (`GET /metrics`), with prom-client. A neutral module at
 * the bottom: the daemon records each cycle here and tells it how to read the state; the
 * server only asks for the text. It imports nothing of vulnbridge, so the shapes it takes
 * are plain values (docs/operations.md lists the series).
 */

/** What a cycle reports (pipeline/runCycle.ts CycleReport has this shape). */
export interface CycleSample {
  job: string;
  result: 'ok' | 'partial' | 'failed';
  counts: { findings: number; created: number; updated: number; transitioned: number; linked: number; failed: number };
  errorCode?: string;
  durationMs: number;
}

/** What the gauges read from the state when scraped. */
export interface StateSample {
  outbox: Array<{ job: string; lane: string; waiting: number; rejected: number; oldestWaitingAt?: string }>;
  inbox: Array<{ job: string; waiting: number; setAside: number }>;
  /** Jobs with an SLA policy only. */
  sla: Array<{ job: string; breached: number; dueSoon: number }>;
  /** Jobs that could not start (bad template, missing secret). */
  broken: string[];
}

export const TICKET_ACTIONS = ['created', 'updated', 'transitioned', 'linked', 'failed'] as const;

export interface Metrics {
  registry: Registry;
  /** Counts one finished cycle. `kind`: `pull` (scheduled) or `push` (webhooks). */
  recordCycle(sample: CycleSample, kind: string, endedAt?: Date): void;
  /**
   * Vendor HTTP traffic (scanners, Jira, incident endpoints), by host: the shape of
   * http/httpObserver.ts HttpObserver, which the daemon registers it as.
   */
  http: {
    /** One answer (its status) or a transport failure (`'error'`); `throttled`: refused for the host's rate limit. */
    onResponse(host: string, status: number | 'error', throttled: boolean): void;
    /** Seconds waited because the host asked for it (Retry-After, Qualys' limits, a 429 pause). */
    onThrottleWait(host: string, seconds: number): void;
  };
  /** How the gauges read the state at scrape time; without it they stay empty. */
  readStateWith(read: () => StateSample): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

/** One registry per daemon (tests start several in one process). */
export function createMetrics(opts: { now?: () => Date; defaultMetrics?: boolean } = {}): Metrics {
  const now = opts.now ?? (() => new Date());
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  let readState: (() => StateSample) | undefined;
  let sample: StateSample | undefined;
  /** Read once per scrape, shared by every gauge's collect(). */
  const current = (): StateSample | undefined => sample;

  const duration = new Histogram({
    name: 'vulnbridge_cycle_duration_seconds',
    help: 'Duration of a job cycle (pull: scheduled; push: webhook payloads).',
    labelNames: ['job', 'kind', 'result'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers: [registry],
  });
  const cycles = new Counter({ name: 'vulnbridge_cycles_total', help: 'Cycles finished, by result (ok, partial, failed).', labelNames: ['job', 'kind', 'result'] as const, registers: [registry] });
  const failures = new Counter({
    name: 'vulnbridge_cycle_failures_total',
    help: 'Failed cycles by error code (AUTH_FAILED: a scanner or Jira answered 401/403).',
    labelNames: ['job', 'code'] as const,
    registers: [registry],
  });
  const lastSuccess = new Gauge({ name: 'vulnbridge_last_success_timestamp_seconds', help: 'Unix time the job’s last ok or partial cycle ended.', labelNames: ['job'] as const, registers: [registry] });
  const lastFailure = new Gauge({ name: 'vulnbridge_last_failure_timestamp_seconds', help: 'Unix time the job’s last failed cycle ended.', labelNames: ['job'] as const, registers: [registry] });
  const findings = new Counter({ name: 'vulnbridge_findings_pulled_total', help: 'Findings pulled from the scanner or received by webhook.', labelNames: ['job'] as const, registers: [registry] });
  const tickets = new Counter({
    name: 'vulnbridge_tickets_total',
    help: 'Ticket writes by action: created, updated, transitioned, linked, failed.',
    labelNames: ['job', 'action'] as const,
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'vulnbridge_http_requests_total',
    help: 'HTTP calls to scanners, Jira and incident endpoints by host and status class (2xx, 3xx, 4xx, 5xx; error: no answer).',
    labelNames: ['host', 'class'] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'vulnbridge_http_throttled_total',
    help: 'Answers refusing a call for the host’s rate limit (429; Qualys 409).',
    labelNames: ['host'] as const,
    registers: [registry],
  });
  const throttleWait = new Counter({
    name: 'vulnbridge_http_throttle_wait_seconds_total',
    help: 'Seconds waited because a host asked for it (Retry-After, Qualys rate limits, a 429 pause of an incident endpoint).',
    labelNames: ['host'] as const,
    registers: [registry],
  });

  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: StateSample) => void) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const s = current();
        if (s) fill(this, s);
      },
    });
  gauge('vulnbridge_outbox_events', 'Incident events waiting in the outbox, per job and endpoint.', ['job', 'endpoint'], (g, s) => {
    for (const o of s.outbox) g.set({ job: o.job, endpoint: o.lane }, o.waiting);
  });
  gauge('vulnbridge_outbox_set_aside_events', 'Incident events the endpoint rejected for good (kept, never sent).', ['job', 'endpoint'], (g, s) => {
    for (const o of s.outbox) g.set({ job: o.job, endpoint: o.lane }, o.rejected);
  });
  gauge('vulnbridge_outbox_oldest_event_age_seconds', 'Age of the oldest incident event waiting, per job and endpoint (0 when none waits).', ['job', 'endpoint'], (g, s) => {
    const at = now().getTime();
    for (const o of s.outbox) g.set({ job: o.job, endpoint: o.lane }, o.oldestWaitingAt ? Math.max(0, (at - Date.parse(o.oldestWaitingAt)) / 1000) : 0);
  });
  gauge('vulnbridge_inbox_payloads', 'Webhook payloads stored and not yet processed, per job.', ['job'], (g, s) => {
    for (const i of s.inbox) g.set({ job: i.job }, i.waiting);
  });
  gauge('vulnbridge_inbox_set_aside_payloads', 'Webhook payloads set aside after repeated failures, per job.', ['job'], (g, s) => {
    for (const i of s.inbox) g.set({ job: i.job }, i.setAside);
  });
  gauge('vulnbridge_sla_breached_tickets', 'Open tickets past their due date (jobs with an SLA policy).', ['job'], (g, s) => {
    for (const x of s.sla) g.set({ job: x.job }, x.breached);
  });
  gauge('vulnbridge_sla_due_soon_tickets', 'Open tickets due within 7 days (jobs with an SLA policy).', ['job'], (g, s) => {
    for (const x of s.sla) g.set({ job: x.job }, x.dueSoon);
  });
  gauge('vulnbridge_job_broken', 'Jobs that could not start (1): see /readyz for why.', ['job'], (g, s) => {
    for (const job of s.broken) g.set({ job }, 1);
  });

  return {
    registry,
    recordCycle(c, kind, endedAt = now()) {
      const labels = { job: c.job, kind, result: c.result };
      duration.observe(labels, c.durationMs / 1000);
      cycles.inc(labels);
      const at = endedAt.getTime() / 1000;
      if (c.result === 'failed') {
        lastFailure.set({ job: c.job }, at);
        failures.inc({ job: c.job, code: c.errorCode ?? 'UNKNOWN' });
      } else lastSuccess.set({ job: c.job }, at);
      findings.inc({ job: c.job }, c.counts.findings);
      for (const action of TICKET_ACTIONS) tickets.inc({ job: c.job, action }, c.counts[action]);
    },
    http: {
      onResponse(host, status, isThrottled) {
        httpRequests.inc({ host, class: statusClass(status) });
        if (isThrottled) throttled.inc({ host });
      },
      onThrottleWait(host, seconds) {
        if (seconds > 0) throttleWait.inc({ host }, seconds);
      },
    },
    readStateWith(read) {
      readState = read;
    },
    async render() {
      sample = readState?.();
      try {
        return { contentType: registry.contentType, text: await registry.metrics() };
      } finally {
        sample = undefined;
      }
    },
  };
}

/** `2xx` … `5xx` of a status; `error` for a call that got no answer. */
export function statusClass(status: number | 'error'): string {
  return status === 'error' ? 'error' : `${Math.floor(status / 100)}xx`;
}
