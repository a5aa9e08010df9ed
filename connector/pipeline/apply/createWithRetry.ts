import type { ExternalHostError } from '../../errors.js';
import { isCancelled, isRetryable } from '../../http/failurePolicy.js';
import { sleep as realSleep, type Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import type { CreateRequest, CreateResult, TicketSink } from '../../sinks/types.js';

/** Tries of one batch within a cycle, the first included: the next cycle takes over after that. */
export const CREATE_TRIES = 3;
/** The longest wait between tries we accept from Retry-After: longer, and the next cycle is sooner. */
const MAX_WAIT_MS = 60_000;

export interface CreateRetryDeps {
  sink: Pick<TicketSink, 'createMany' | 'findByMarkers'>;
  project: string;
  log: Logger;
  sleep?: Sleep;
  signal?: AbortSignal;
}

/**
 * One bulk create, tried again within the cycle when the host failed it (5xx, a reset,
 * 429 after the HTTP layer's own retries), honouring Retry-After. Before each new try
 * the items' markers are looked up: a create whose answer was lost (Jira made the issue,
 * we never heard) is taken over, never made twice. The caller has written the intent
 * rows already, so a crash in between is recovered the same way by the next cycle.
 */
export async function createWithRetry(d: CreateRetryDeps, requests: readonly CreateRequest[]): Promise<Map<string, CreateResult>> {
  const results = new Map<string, CreateResult>();
  let todo = [...requests];
  for (let tryNo = 1; ; tryNo++) {
    let answers: CreateResult[];
    try {
      answers = await d.sink.createMany(todo);
    } catch (err) {
      if (!canTryAgain(err) || tryNo >= CREATE_TRIES) throw err;
      answers = todo.map((r) => ({ ref: r.ref, error: err }));
    }
    const byRef = new Map(answers.map((a) => [a.ref, a]));
    const again: CreateRequest[] = [];
    let wait: ExternalHostError | undefined;
    for (const r of todo) {
      const a = byRef.get(r.ref) ?? { ref: r.ref };
      if (a.error && canTryAgain(a.error) && tryNo < CREATE_TRIES) {
        again.push(r);
        wait ??= a.error as ExternalHostError;
      } else {
        results.set(r.ref, a);
      }
    }
    if (again.length === 0 || !wait) return results;
    const ms = Math.min(wait.retryAfterMs ?? 1000 * 2 ** (tryNo - 1), MAX_WAIT_MS);
    d.log.warn('a bulk create failed at the host; looking for lost answers, then trying again', {
      tickets: again.length,
      try: tryNo,
      waitSeconds: Math.round(ms / 100) / 10,
      error: wait.message,
    });
    await (d.sleep ?? realSleep)(ms, d.signal);
    // A lost answer: the issue exists with our marker. Take it over as created.
    const found = new Map<string, CreateResult>();
    for (const issue of await d.sink.findByMarkers(d.project, again.map((r) => r.ref))) {
      for (const label of issue.labels) found.set(label, { ref: label, key: issue.key, id: issue.id });
    }
    todo = [];
    for (const r of again) {
      const hit = found.get(r.ref);
      if (hit) results.set(r.ref, hit);
      else todo.push(r);
    }
    if (todo.length === 0) return results;
  }
}

/** The host could not take the request now (the one failure policy says so): safe to try again once a lost answer is looked for. */
function canTryAgain(err: unknown): err is ExternalHostError {
  return isRetryable(err) && !isCancelled(err);
}
