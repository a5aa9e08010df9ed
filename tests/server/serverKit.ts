import { VulnbridgeError } from '../../connector/errors.js';
import type { Logger } from '../../connector/log.js';
import type { HealthReport } from '../../connector/server/healthReport.js';
import { startHttpServer, type RunningHttpServer } from '../../connector/server/httpServer.js';
import type { WebhookTarget } from '../../connector/server/webhookTarget.js';
import { webhookAuthenticator, type ResolvedWebhookAuth } from '../../connector/http/webhookAuth.js';

export interface LogEntry {
  level: string;
  message: string;
  meta: Record<string, unknown>;
}

/** Records log calls synchronously, so a test can assert right after the answer arrives. */
export function captureLogger(): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (message: string, meta: Record<string, unknown> = {}) => {
    entries.push({ level, message, meta });
  };
  const log = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  // The server only calls these four methods; a full winston logger would log asynchronously.
  return { log: log as unknown as Logger, entries };
}

export const BASIC = { kind: 'basic', username: 'xray', password: 's3cret:with-colon' } as const satisfies ResolvedWebhookAuth;
export const HEADER = { kind: 'header', name: 'X-Vulnbridge-Token', value: 'tok-0123456789abcdef' } as const satisfies ResolvedWebhookAuth;

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface Accepted {
  body: unknown;
  meta: { remoteAddress?: string; receivedAt: Date };
}

export type AcceptFn = WebhookTarget['accept'];

export interface TestServer extends RunningHttpServer {
  accepted: Accepted[];
  /** Calls of `accept`, including those that threw. */
  acceptCalls(): number;
  logs: LogEntry[];
  setAccept(fn: AcceptFn): void;
  setHealth(fn: () => HealthReport): void;
}

/**
 * Jobs: `basic-job` (Basic auth), `header-job` (custom header), `open-job` (no secret),
 * all of kind `xray`; kind `broken` makes the lookup throw. `accept` stores into `accepted` unless replaced.
 */
export async function startTestServer(opts: { maxBodyBytes?: number; closeGraceMs?: number } = {}): Promise<TestServer> {
  const accepted: Accepted[] = [];
  let calls = 0;
  let accept: AcceptFn = async (body, meta) => {
    accepted.push({ body, meta });
    return { id: accepted.length, description: `payload ${accepted.length}` };
  };
  let health: () => HealthReport = () => ({ status: 'ok' });
  const target = (auth?: ResolvedWebhookAuth): WebhookTarget => ({
    authenticate: auth && webhookAuthenticator(auth),
    authScheme: auth?.kind,
    accept: (body, meta) => {
      calls++;
      return accept(body, meta);
    },
  });
  const targets = new Map<string, WebhookTarget>([
    ['basic-job', target(BASIC)],
    ['header-job', target(HEADER)],
    ['open-job', target(undefined)],
  ]);
  const { log, entries } = captureLogger();
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024,
    log,
    webhookTarget: (kind, job) => {
      if (kind === 'broken') throw new Error(`lookup of ${job} failed`);
      return kind === 'xray' ? targets.get(job) : undefined;
    },
    health: () => health(),
    timeouts: { closeGraceMs: opts.closeGraceMs ?? 2_000, lingerMs: 1_000 },
  });
  return {
    ...server,
    accepted,
    acceptCalls: () => calls,
    logs: entries,
    setAccept: (fn) => void (accept = fn),
    setHealth: (fn) => void (health = fn),
  };
}

export function invalid(message: string): VulnbridgeError {
  return new VulnbridgeError('WEBHOOK_INVALID', message, { path: 'issues[0]' });
}
