import type { IncomingHttpHeaders } from 'node:http';

/** What the HTTP server hands a webhook to: the job's credential check and durable store. */
export interface WebhookTarget {
  /** Constant-time credential check; undefined = the job has no webhook secret configured. */
  authenticate?: (headers: IncomingHttpHeaders) => boolean;
  /** `basic` makes a failed check answer `WWW-Authenticate: Basic`, so the sender sees which scheme is wanted. */
  authScheme?: 'basic' | 'header';
  /** Validate the parsed JSON and store it durably; resolves once stored. Throws VulnbridgeError code WEBHOOK_INVALID for a payload it does not accept. */
  accept(body: unknown, meta: { remoteAddress?: string; receivedAt: Date }): Promise<{ id: number | string; description: string }>;
}
