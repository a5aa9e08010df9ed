/** Codes that mean the host is down or refuses us: nothing more in this cycle will work. */
const FATAL = new Set(['HOST_UNREACHABLE', 'AUTH_FAILED', 'HOST_RATE_LIMITED', 'HOST_ERROR', 'ABORTED']);

/** Whether an error stops the whole cycle (else it concerns one item, which is recorded and retried). */
export function isFatalForCycle(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FATAL.has(code);
}
