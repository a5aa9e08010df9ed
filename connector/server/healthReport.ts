/** What `GET /healthz` and `GET /readyz` answer: 200 when `ok`, 503 when `degraded`. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  [k: string]: unknown;
}
