/**
 * Who wants to know about outbound HTTP traffic (the daemon's metrics): every answer a
 * vendor gave, by host and status, and every wait a vendor's rate limit imposed. The
 * HTTP code reports here; the daemon registers an observer that feeds its Prometheus
 * registry. Nothing here may break a call: an observer that throws is ignored.
 */
export interface HttpObserver {
  /**
   * One answer (its status) or a transport failure (`'error'`: refused, DNS, timeout,
   * reset). `throttled`: the host refused the call for its rate limit (429, Qualys 409).
   */
  onResponse(host: string, status: number | 'error', throttled: boolean): void;
  /** Seconds spent waiting because the host asked for it (Retry-After, Qualys' limits, a 429 pause). */
  onThrottleWait(host: string, seconds: number): void;
}

const observers = new Set<HttpObserver>();

/** Registers an observer (the daemon's metrics); the returned function removes it. */
export function observeHttp(observer: HttpObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function noteResponse(host: string, status: number | 'error', throttled = status === 429): void {
  for (const o of observers) {
    try {
      o.onResponse(host, status, throttled);
    } catch {
      // Metrics must never fail a vendor call.
    }
  }
}

export function noteThrottleWait(host: string | undefined, ms: number): void {
  if (!host || !(ms > 0)) return;
  for (const o of observers) {
    try {
      o.onThrottleWait(host, ms / 1000);
    } catch {
      // Metrics must never fail a vendor call.
    }
  }
}
