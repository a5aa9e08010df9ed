import type { Logger } from '../log.js';
import type { HealthReport } from './healthReport.js';
import type { StatusPageOptions } from './statusPage/answerStatusPage.js';
import type { WebhookTarget } from './webhookTarget.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  log: Logger;
  webhookTarget(kind: string, job: string): WebhookTarget | undefined;
  /** Liveness (`/healthz`): answers while the process serves. */
  health(): HealthReport;
  /** Readiness (`/readyz`): `degraded` names the jobs that cannot work and why. Defaults to `health`. */
  ready?(): HealthReport;
  /** Prometheus text for `GET /metrics`; without it the path is not served. */
  metrics?(): Promise<{ contentType: string; text: string }>;
  /** `GET /status`, the HTML status page (`server.statusPage`); without it the path is not served (404). */
  statusPage?: StatusPageOptions;
  /** Defaults suit production; tests may shorten them. */
  timeouts?: {
    /** Whole request, headers and body (slow senders). Default 30 s. */
    requestMs?: number;
    /** Headers only. Default 10 s. */
    headersMs?: number;
    /** Idle keep-alive connection. Default 5 s. */
    keepAliveMs?: number;
    /** How long close() lets requests in flight finish before cutting connections. Default 5 s. */
    closeGraceMs?: number;
    /** How long an early answer (401, 413...) keeps draining the unread body. Default 2 s. */
    lingerMs?: number;
  };
}
