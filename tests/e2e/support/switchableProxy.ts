import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP forwarder on 127.0.0.1 in front of a simulator, so a test can take the host
 * "down" (every connection is cut) and bring it back with its data intact, or let a
 * request through and lose its answer (the server acted, the client never hears of it).
 */
export interface SwitchableProxy {
  readonly url: string;
  down(): void;
  up(): void;
  /** The next request whose `METHOD /path` matches reaches the server; its answer is cut off. */
  loseNextResponse(match: RegExp): void;
  close(): Promise<void>;
}

export async function startSwitchableProxy(targetUrl: string): Promise<SwitchableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let isDown = false;
  let lose: RegExp | undefined;

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    if (isDown) {
      req.socket.destroy();
      return;
    }
    const cut = lose?.test(`${req.method} ${req.url}`) ?? false;
    if (cut) lose = undefined;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (cut) {
          // Read the whole answer (the server is done), then drop the client's connection.
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };

  const server = createServer(forward);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    loseNextResponse(match) {
      lose = match;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
