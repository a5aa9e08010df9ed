import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';

/** A port on 127.0.0.1 that nothing listens on (for "unreachable host" tests). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Inside a describe: nock intercepts everything, only 127.0.0.1 is reachable, mocks are dropped after each test. */
export function nockLocalOnly(): void {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());
}
