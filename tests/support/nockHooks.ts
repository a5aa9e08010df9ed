/**
 * Mocha root hook plugin (loaded for every run through `.mocharc.json` `require`):
 *
 * - nock answers or refuses every HTTP request: only loopback (the simulators, the
 *   daemon's listener, "closed port" tests) reaches the network, so a request no mock
 *   matches fails instead of leaking out;
 * - a test that ends with a mock it never used fails, naming the pending mocks: a mock
 *   nobody calls is either dead setup or a request the code under test stopped making;
 * - every mock is dropped after each test, so none leaks into the next.
 *
 * Mark a mock `.optionally()` only where "may or may not be called" is the point.
 */
import nock from 'nock';
import type { Context, Hook, RootHookObject } from 'mocha';

/** Hosts (as `host:port`) a test may really connect to. */
export const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/;

export function allowOnlyLoopback(): void {
  nock.disableNetConnect();
  nock.enableNetConnect(LOOPBACK);
}

export const mochaHooks: RootHookObject = {
  beforeAll() {
    allowOnlyLoopback();
  },
  beforeEach() {
    // A suite may have changed the policy (nock.enableNetConnect()): every test starts from the rule.
    allowOnlyLoopback();
  },
  afterEach(this: Context) {
    const pending = nock.isDone() ? [] : nock.pendingMocks();
    nock.cleanAll();
    const test = this.currentTest;
    // A failed test already says what went wrong; its unused mocks are a consequence.
    if (pending.length === 0 || !test || test.state === 'failed') return;
    // Failing the test (not the hook) keeps mocha running the tests after it.
    (this.runnable() as Hook).error(
      new Error(`the test left ${pending.length} HTTP mock(s) unused (remove them, or mark .optionally() if optional is the point):\n  ${pending.join('\n  ')}`),
    );
  },
};

/**
 * Between two phases of one test: what the after-each check does (every mock used, then
 * all dropped), so a phase's unused mock is not hidden by the clean slate of the next.
 */
export function expectAllMocksUsedThenClean(): void {
  const pending = nock.isDone() ? [] : nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`HTTP mock(s) left unused: ${pending.join(', ')}`);
}
