import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, describeError, VulnbridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import { BodyReadError, decoderFor, drainUnreadBody, readRequestBody, SUPPORTED_ENCODINGS } from './readRequestBody.js';

export interface WebhookTarget {
  /** Constant-time credential check; undefined = the job has no webhook secret configured. */
  authenticate?: (headers: IncomingHttpHeaders) => boolean;
  /** `basic` makes a failed check answer `WWW-Authenticate: Basic`, so the sender sees which scheme is wanted. */
  authScheme?: 'basic' | 'header';
  /** Validate the parsed JSON and store it durably; resolves once stored. Throws VulnbridgeError code WEBHOOK_INVALID for a payload it does not accept. */
  accept(body: unknown, meta: { remoteAddress?: string; receivedAt: Date }): Promise<{ id: number | string; description: string }>;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  [k: string]: unknown;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  log: Logger;
  webhookTarget(kind: string, job: string): WebhookTarget | undefined;
  health(): HealthReport;
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

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops listening, lets requests in flight finish (within the grace), ends idle keep-alive sockets. */
  close(): Promise<void>;
}

/** An answer decided before the normal end of a request: thrown, then sent by one place. */
class HttpAnswer {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

const WEBHOOK_PATH = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Retry hint when storing failed; Xray itself may not retry, a relay might. */
const RETRY_AFTER_SECONDS = '30';

/** Names from the URL are echoed in answers and logs: keep them short. */
function clip(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded === '' ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** No content type, or one a JSON sender might plausibly use; `text/html` or a form is clearly not JSON. */
function isJsonish(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === '*/*') return true;
  return (
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'text/json' ||
    type === 'application/x-json' ||
    type === 'text/plain' ||
    type === 'application/octet-stream'
  );
}

/** `complete` turns true only after the request handler starts, even for a GET: look at the framing instead. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function parseJson(body: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new HttpAnswer(400, 'invalid JSON: the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpAnswer(400, 'invalid JSON: the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpAnswer(400, `invalid JSON: ${(err as Error).message}`);
  }
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { log, maxBodyBytes } = opts;
  const requestMs = opts.timeouts?.requestMs ?? 30_000;
  const headersMs = opts.timeouts?.headersMs ?? 10_000;
  const closeGraceMs = opts.timeouts?.closeGraceMs ?? 5_000;
  const lingerMs = opts.timeouts?.lingerMs ?? 2_000;
  let closing = false;
  const inFlight = new Set<Promise<void>>();
  /** Requests that sent `Expect: 100-continue` and have not been told to go on. */
  const awaitingContinue = new WeakSet<IncomingMessage>();

  const server = createServer({
    requestTimeout: requestMs,
    headersTimeout: Math.min(headersMs, requestMs),
    // The timeouts above are only enforced when this check runs (default every 30 s).
    connectionsCheckingInterval: Math.max(250, Math.min(2_000, headersMs)),
  });
  server.keepAliveTimeout = opts.timeouts?.keepAliveMs ?? 5_000;

  /**
   * Answers with JSON. When the request body is still unread (an early refusal), the
   * connection is closed after the answer, but only once the client has finished
   * sending or the linger time has passed (see drainUnreadBody).
   */
  function send(req: IncomingMessage, res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    const text = req.method === 'HEAD' ? '' : json;
    const unread = hasBody(req) && !(req.complete || req.readableEnded || req.destroyed);
    // Refused before `100 Continue`: the client holds the body back, nothing to drain.
    const bodyHeldBack = awaitingContinue.has(req);
    res.writeHead(status, {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(json)),
      'cache-control': 'no-store',
      ...(closing || unread ? { connection: 'close' } : {}),
      ...headers,
    });
    if (!unread || bodyHeldBack) {
      res.end(text);
      return;
    }
    res.write(text);
    drainUnreadBody(req, lingerMs, () => res.end());
  }

  function answerHealth(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpAnswer(405, 'use GET /healthz', { allow: 'GET, HEAD' });
    let report: HealthReport;
    try {
      report = opts.health();
    } catch (err) {
      report = { status: 'degraded', error: describeError(err) };
    }
    send(req, res, report.status === 'ok' ? 200 : 503, report);
  }

  async function answerWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    route: { kind: string; job: string },
    ctx: { receivedAt: Date; remoteAddress?: string },
  ): Promise<void> {
    const { kind, job } = route;
    const where = { job: clip(job), kind: clip(kind), remoteAddress: ctx.remoteAddress };
    const target = opts.webhookTarget(kind, job);
    if (!target) {
      // Most likely a typo in the URL set in Xray: the operator should see it.
      log.warn('webhook for a job not configured for webhooks', where);
      throw new HttpAnswer(404, `job ${clip(job)} is not configured for ${clip(kind)} webhooks`);
    }
    if (req.method !== 'POST') throw new HttpAnswer(405, 'use POST to deliver a webhook', { allow: 'POST' });

    if (!target.authenticate) {
      log.warn('webhook refused: the job has no webhook secret', where);
      throw new HttpAnswer(
        401,
        `no webhook secret is configured for job ${clip(job)}: set webhook.basicAuth or webhook.header in the config`,
      );
    }
    if (!target.authenticate(req.headers)) {
      // Which scheme was presented helps the operator; the credentials themselves never reach a log.
      const presented = req.headers.authorization?.trim().split(/\s+/)[0]?.toLowerCase();
      log.warn('webhook refused: wrong or missing credentials', {
        ...where,
        // Not named `authorization`: the log redactor blanks that key whatever it holds.
        presentedScheme: presented ? clip(presented, 20) : 'none',
        userAgent: clip(req.headers['user-agent'] ?? '', 80),
      });
      throw new HttpAnswer(
        401,
        `wrong or missing credentials for job ${clip(job)}`,
        target.authScheme === 'basic' ? { 'www-authenticate': 'Basic realm="vulnbridge", charset="UTF-8"' } : {},
      );
    }

    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      log.warn('webhook refused: body too large', { ...where, contentLength: Number(declared), maxBodyBytes });
      throw new HttpAnswer(413, `the body (${declared} bytes) is larger than the limit of ${maxBodyBytes} bytes; nothing was stored`);
    }
    const decoder = decoderFor(req.headers['content-encoding']);
    if (decoder === undefined) {
      const coding = clip(req.headers['content-encoding'] ?? '', 40);
      log.warn('webhook refused: unsupported content-encoding', { ...where, contentEncoding: coding });
      throw new HttpAnswer(415, `unsupported content-encoding ${coding}: send ${SUPPORTED_ENCODINGS.join(', ')} or none`);
    }
    if (!isJsonish(req.headers['content-type'])) {
      const type = clip(req.headers['content-type'] ?? '', 80);
      log.warn('webhook refused: not JSON', { ...where, contentType: type });
      throw new HttpAnswer(415, `content-type ${type} is not JSON: send application/json`);
    }

    if (awaitingContinue.delete(req)) res.writeContinue();
    let read;
    try {
      read = await readRequestBody(req, maxBodyBytes, decoder);
    } catch (err) {
      if (!(err instanceof BodyReadError)) throw err;
      if (err.reason === 'aborted') {
        log.debug('webhook sender went away before the body was complete', where);
        return;
      }
      log.warn('webhook refused: body unreadable', { ...where, error: err.message });
      throw new HttpAnswer(err.reason === 'too-large' ? 413 : 400, err.message);
    }

    let body: unknown;
    try {
      body = parseJson(read.body);
    } catch (err) {
      if (err instanceof HttpAnswer) log.warn('webhook refused: invalid JSON', { ...where, error: err.error });
      throw err;
    }

    let stored: { id: number | string; description: string };
    try {
      stored = await target.accept(body, { remoteAddress: ctx.remoteAddress, receivedAt: ctx.receivedAt });
    } catch (err) {
      if (err instanceof VulnbridgeError && err.code === 'WEBHOOK_INVALID') {
        log.warn('webhook refused: payload not accepted', { ...where, error: err.describe() });
        throw new HttpAnswer(400, err.describe());
      }
      log.error('webhook could not be stored', { ...where, error: describeError(err) });
      throw new HttpAnswer(503, 'the payload could not be stored and was not kept: retry later', { 'retry-after': RETRY_AFTER_SECONDS });
    }
    log.info('webhook accepted', {
      ...where,
      id: stored.id,
      description: stored.description,
      bytes: read.body.length,
      ...(decoder ? { wireBytes: read.wireBytes } : {}),
    });
    send(req, res, 202, { accepted: true, id: stored.id, description: stored.description });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const remoteAddress = req.socket.remoteAddress;
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/healthz') return answerHealth(req, res);
      const m = WEBHOOK_PATH.exec(path);
      const kind = m && decodeSegment(m[1] as string);
      const job = m && decodeSegment(m[2] as string);
      if (!kind || !job) throw new HttpAnswer(404, `nothing here: webhooks go to POST /webhooks/<kind>/<job>`);
      await answerWebhook(req, res, { kind, job }, { receivedAt, remoteAddress });
    } catch (err) {
      let answer: HttpAnswer;
      if (err instanceof HttpAnswer) answer = err;
      else {
        log.error('webhook server failed on a request', { url: clip(req.url ?? '', 200), remoteAddress, error: describeError(err) });
        answer = new HttpAnswer(500, 'internal error; nothing was stored');
      }
      send(req, res, answer.status, { error: answer.error }, answer.headers);
    }
  }

  function track(req: IncomingMessage, res: ServerResponse): void {
    const p = handle(req, res)
      // handle() answers its own failures; this only guards against a throw while answering.
      .catch((err: unknown) => {
        log.error('webhook server could not answer', { error: describeError(err) });
        res.destroy();
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  server.on('request', track);
  // Answering the header checks before `100 Continue` spares the sender uploading a body we refuse.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    track(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new ConfigError('CONFIG_INVALID', `cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`, {
          hint: err.code === 'EADDRINUSE' ? 'another process uses this port; set server.port' : 'check server.host and server.port',
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error('webhook server error', { error: describeError(err) }));

  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), closeGraceMs);
        cut.unref();
        await stopped;
        clearTimeout(cut);
        // A store still running after its connection was cut finishes before we report closed.
        await Promise.allSettled([...inFlight]);
      })();
      return closed;
    },
  };
}
