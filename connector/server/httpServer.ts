import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, describeError } from '../errors.js';
import { answerWebhook } from './answerWebhook.js';
import { clip } from './clip.js';
import type { HealthReport } from './healthReport.js';
import { HttpAnswer } from './httpAnswer.js';
import type { HttpServerOptions } from './httpServerOptions.js';
import { parseWebhookPath } from './parseWebhookPath.js';
import { drainUnreadBody } from './readRequestBody.js';
import { answerStatusPage } from './statusPage/answerStatusPage.js';

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops listening, lets requests in flight finish (within the grace), ends idle keep-alive sockets. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `complete` turns true only after the request handler starts, even for a GET: look at the framing instead. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The webhook listener: `POST /webhooks/<kind>/<job>`, `GET /healthz`, `/readyz`, `/metrics` and `/status`. */
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

  function onlyGet(req: IncomingMessage, path: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpAnswer(405, `use GET ${path}`, { allow: 'GET, HEAD' });
  }

  /** `/healthz` (liveness) and `/readyz` (readiness): 200 when `ok`, 503 otherwise. */
  function answerHealth(req: IncomingMessage, res: ServerResponse, path: string, read: () => HealthReport): void {
    onlyGet(req, path);
    let report: HealthReport;
    try {
      report = read();
    } catch (err) {
      report = { status: 'degraded', error: describeError(err) };
    }
    send(req, res, report.status === 'ok' ? 200 : 503, report);
  }

  /** `/metrics`: Prometheus text, read from the state at each scrape. */
  async function answerMetrics(req: IncomingMessage, res: ServerResponse, metrics: NonNullable<HttpServerOptions['metrics']>): Promise<void> {
    onlyGet(req, '/metrics');
    const { contentType, text } = await metrics();
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store', ...(closing ? { connection: 'close' } : {}) });
    res.end(req.method === 'HEAD' ? '' : text);
  }

  /** `/status`: the HTML status page, read from the state at each request. */
  function answerStatus(req: IncomingMessage, res: ServerResponse, page: NonNullable<HttpServerOptions['statusPage']>): void {
    const { headers, body } = answerStatusPage(req, page, log);
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)), ...(closing ? { connection: 'close' } : {}) });
    res.end(req.method === 'HEAD' ? '' : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const remoteAddress = req.socket.remoteAddress;
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/healthz') return answerHealth(req, res, path, opts.health);
      if (path === '/readyz') return answerHealth(req, res, path, opts.ready ?? opts.health);
      if (path === '/metrics' && opts.metrics) return await answerMetrics(req, res, opts.metrics);
      if ((path === '/status' || path === '/status/') && opts.statusPage) return answerStatus(req, res, opts.statusPage);
      const route = parseWebhookPath(path);
      if (!route) throw new HttpAnswer(404, `nothing here: webhooks go to POST /webhooks/<kind>/<job>`);
      await answerWebhook(req, route, { receivedAt, remoteAddress }, {
        log,
        maxBodyBytes,
        webhookTarget: (kind, job) => opts.webhookTarget(kind, job),
        continueIfAwaited: () => {
          if (awaitingContinue.delete(req)) res.writeContinue();
        },
        sendAccepted: (accepted) => send(req, res, 202, accepted),
      });
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
