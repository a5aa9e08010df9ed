import type { Logger } from '../log.js';

/** What a sender needs from the daemon. */
export interface IncidentSenderDeps {
  log: Logger;
  /** Resolve a secret named in config (env var or file), registering it for redaction. */
  secret(ref: { env?: string; file?: string }, what: string): string;
  /** Per request; default 30 s (an incident endpoint answers fast or not at all). */
  timeoutMs?: number;
  /** Clock (webhook format `xray`: the alert's `created`). */
  now?: () => Date;
  /** Where a relative `template` path of a webhook action is resolved; default the working directory. */
  baseDir?: string;
}
