import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * HTTP plumbing shared by the incident simulators (PagerDuty and the generic incident
 * webhook): a 127.0.0.1 listener that reads bounded bodies, queued faults, and a down
 * switch that either refuses connections or answers 503.
 */

/** What a fault does to one request, instead of the simulator's answer. */
export type SimFault =
  /** This status; `retryAfter` becomes a Retry-After header; `body` (JSON) replaces the default error body. */
  | { kind: 'status'; status: number; retryAfter?: number | string; body?: unknown; headers?: Record<string, string> }
  /** Never answer; close() (or going down) drops the connection. */
  | { kind: 'hang' }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' };

/** 'refuse': the listener closes, connections are refused; 'unavailable': everything gets a 503. */
export type SimDownMode = 'refuse' | 'unavailable';

export interface SimReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SimAnswer = SimReply | { hang: true } | { reset: true };

export interface SimIncoming {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8, or '' when it was over the limit. */
  text: string;
  bytes: number;
  tooLarge: boolean;
}

/** Faults waiting for the next requests, oldest first. */
export class FaultQueue {
  private readonly queue: SimFault[] = [];

  push(fault: SimFault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  take(): SimFault | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue.length = 0;
  }

  get size(): number {
    return this.queue.length;
  }
}

/** The answer a queued fault gives; `errorBody` makes the default body for a status. */
export function faultAnswer(fault: SimFault, errorBody: (status: number) => unknown): SimAnswer {
  if (fault.kind === 'hang') return { hang: true };
  if (fault.kind === 'reset') return { reset: true };
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  return { status: fault.status, headers, body: fault.body ?? errorBody(fault.status) };
}

export interface SimHttpServerOptions {
  port?: number;
  /** Bodies over this many bytes are drained, not kept: the handler sees `tooLarge`. */
  maxBodyBytes: number;
  handle(req: SimIncoming): SimAnswer;
}

/** A node:http server on 127.0.0.1 whose URL stays the same across down and up. */
export class SimHttpServer {
  private readonly server: Server;
  private port = 0;
  private listening = false;
  private downMode: SimDownMode | undefined;
  url = '';

  constructor(private readonly opts: SimHttpServerOptions) {
    this.server = createServer((req, res) => this.onRequest(req, res));
  }

  get down(): SimDownMode | undefined {
    return this.downMode;
  }

  async listen(): Promise<void> {
    await this.bind(this.opts.port ?? 0);
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** 'unavailable' keeps listening (the handler answers 503); 'refuse' stops listening. */
  async goDown(mode: SimDownMode = 'refuse'): Promise<void> {
    this.downMode = mode;
    if (mode === 'refuse') await this.unbind();
  }

  /** Listens again on the same port. */
  async comeUp(): Promise<void> {
    this.downMode = undefined;
    if (!this.listening) await this.bind(this.port);
  }

  async close(): Promise<void> {
    await this.unbind();
  }

  private bind(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        this.listening = true;
        resolve();
      });
    });
  }

  private unbind(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive and hung sockets would hold close() open.
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes <= this.opts.maxBodyBytes) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => {
      const tooLarge = bytes > this.opts.maxBodyBytes;
      let answer: SimAnswer;
      try {
        answer = this.opts.handle({
          method: req.method ?? 'GET',
          url: new URL(req.url ?? '/', 'http://127.0.0.1'),
          headers: req.headers,
          text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'),
          bytes,
          tooLarge,
        });
      } catch (err) {
        answer = { status: 500, body: { status: 'error', message: `simulator error: ${err instanceof Error ? err.message : String(err)}` } };
      }
      if ('hang' in answer) return;
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(text ? { 'Content-Type': 'application/json' } : {}), ...answer.headers });
      res.end(text);
    });
  }
}
