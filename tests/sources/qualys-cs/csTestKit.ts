import type { Logger } from '../../../connector/log.js';
import type { Finding } from '../../../connector/model/finding.js';
import { qualysCsConfigSchema, qualysCsSource, type QualysCsConfig } from '../../../connector/sources/qualys-cs/index.js';
import type { Source } from '../../../connector/sources/types.js';
import { QUALYS_CS_SIM_CREDENTIALS } from '../../sim/qualys-cs/startQualysCsSim.js';
import { captureLogger, pullAll, pullContext, testSourceDeps, type PullOutcome } from '../qualys-vmdr/qualysTestKit.js';

export { captureLogger, fakeSleep, pullAll, pullContext, pullError } from '../qualys-vmdr/qualysTestKit.js';

export function makeCsConfig(overrides: Record<string, unknown> = {}): QualysCsConfig {
  return qualysCsConfigSchema.parse({
    type: 'qualys-cs',
    gateway: 'https://gateway.test.example',
    username: { env: 'QUALYS_CS_USERNAME' },
    password: { env: 'QUALYS_CS_PASSWORD' },
    objects: 'images',
    ...overrides,
  });
}

export interface CsSourceOptions {
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  username?: string;
  password?: string;
}

/** A CS source with the simulator's credentials (or the given ones), no backoff, an optional clock. */
export function makeCsSource(overrides: Record<string, unknown> = {}, opts: CsSourceOptions = {}): Source {
  const creds = {
    QUALYS_CS_USERNAME: opts.username ?? QUALYS_CS_SIM_CREDENTIALS.username,
    QUALYS_CS_PASSWORD: opts.password ?? QUALYS_CS_SIM_CREDENTIALS.password,
  };
  const deps = testSourceDeps(creds, { log: opts.log ?? captureLogger().log, ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  return qualysCsSource.create(makeCsConfig(overrides), { ...deps, ...(opts.now ? { now: opts.now } : {}) });
}

export function findingsOf(outcome: PullOutcome): Finding[] {
  return outcome.pages.flatMap((p) => p.findings);
}

export async function pullFindings(source: Source, log?: Logger): Promise<PullOutcome & { findings: Finding[] }> {
  const outcome = await pullAll(source, pullContext({}, undefined, log));
  return { ...outcome, findings: findingsOf(outcome) };
}

/** A JWT whose payload says `exp` (seconds); signature is junk, the source never checks it. */
export function fakeJwt(expSec?: number, id = 'a'): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'u', jti: id, ...(expSec !== undefined ? { exp: expSec } : {}) })}.sig${id}`;
}
