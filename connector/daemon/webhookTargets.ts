import type { JobRuntime } from '../pipeline/jobRuntime.js';
import type { WebhookTarget } from '../server/webhookTarget.js';
import type { Inbox } from '../state/inbox.js';

/**
 * `POST /webhooks/<kind>/<job>` → the job, when its source takes pushes of that kind.
 * A payload is checked (unknown shapes are refused before anything is stored), stored
 * in the inbox, and only then acknowledged; `stored` asks the scheduler to process it.
 */
export function webhookTargets(
  jobs: readonly JobRuntime[],
  inbox: Inbox,
  stored: (job: string) => void,
): (kind: string, job: string) => WebhookTarget | undefined {
  return (kind, name) => {
    const rt = jobs.find((j) => j.config.name === name);
    const intake = rt?.source.webhook;
    if (!rt || !intake || rt.config.source.factory.webhookKind !== kind) return undefined;
    return {
      ...(rt.authenticateWebhook ? { authenticate: rt.authenticateWebhook, authScheme: rt.webhookAuthScheme } : {}),
      async accept(body, meta) {
        const { description } = intake.check(body);
        const id = inbox.add(name, JSON.stringify(body), description, meta.receivedAt);
        stored(name);
        return { id, description };
      },
    };
  };
}
