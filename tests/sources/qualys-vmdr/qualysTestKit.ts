import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../../connector/log.js';
import type { FindingPage, TemplateContext } from '../../../connector/model/finding.js';
import { registerSecret } from '../../../connector/redact.js';
import { qualysVmdrConfigSchema, qualysVmdrSource, type QualysVmdrConfig } from '../../../connector/sources/qualys-vmdr/index.js';
import type { EnrichContext, PullContext, PullResult, Source } from '../../../connector/sources/types.js';

export const TEST_USER = 'qualys-test-user';
export const TEST_PASSWORD = 'Sup3r-S3cret-Qualys-PW';

/**
 * Source deps for tests: secrets from `creds` by env var name (registered for redaction
 * like real ones), a sleep that does not wait, and no backoff between attempts.
 */
export function testSourceDeps(
  creds: Record<string, string>,
  opts: { log?: Logger; sleep?: (ms: number) => Promise<void>; retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number } } = {},
) {
  return {
    log: opts.log ?? captureLogger().log,
    secret: (ref: { env?: string; file?: string }) => {
      const value = creds[ref.env ?? ''] ?? '';
      registerSecret(value);
      return value;
    },
    sleep: opts.sleep ?? (async () => {}),
    retry: opts.retry ?? { minTimeoutMs: 0, maxTimeoutMs: 0 },
  };
}

export interface LogLine {
  level: string;
  message: string;
  meta: Record<string, unknown>;
}

/** A real winston logger whose lines land in an array, so tests can assert on them. */
export function captureLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _enc, done) {
      const { level, message, ...meta } = info;
      lines.push({ level: String(level), message: String(message), meta });
      done();
    },
  });
  const log = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] });
  return { log, lines };
}

export interface Sleeps {
  calls: number[];
  sleep: (ms: number) => Promise<void>;
}

/** An injected sleep that returns at once and remembers what it was asked to wait. */
export function fakeSleep(onSleep?: (ms: number) => void): Sleeps {
  const calls: number[] = [];
  return {
    calls,
    sleep: async (ms: number) => {
      calls.push(ms);
      onSleep?.(ms);
    },
  };
}

export function makeConfig(overrides: Record<string, unknown> = {}): QualysVmdrConfig {
  return qualysVmdrConfigSchema.parse({
    type: 'qualys-vmdr',
    url: 'https://qualysapi.test.example',
    username: { env: 'QUALYS_USERNAME' },
    password: { env: 'QUALYS_PASSWORD' },
    ...overrides,
  });
}

export function makeSource(
  overrides: Record<string, unknown> = {},
  opts: { log?: Logger; sleep?: (ms: number) => Promise<void>; username?: string; password?: string } = {},
): Source {
  const creds: Record<string, string> = { QUALYS_USERNAME: opts.username ?? TEST_USER, QUALYS_PASSWORD: opts.password ?? TEST_PASSWORD };
  return qualysVmdrSource.create(makeConfig(overrides), testSourceDeps(creds, opts));
}

export interface PullOutcome {
  pages: FindingPage[];
  result: PullResult;
  progress: Array<Parameters<PullContext['progress']>[0]>;
}

export function pullContext(cursors: Record<string, string> = {}, cycleStartedAt = new Date('2026-01-10T12:00:00Z'), log?: Logger): PullContext & { progressEvents: PullOutcome['progress'] } {
  const progressEvents: PullOutcome['progress'] = [];
  return {
    cursors,
    cycleStartedAt,
    signal: new AbortController().signal,
    log: log ?? captureLogger().log,
    progress: (e) => progressEvents.push(e),
    progressEvents,
  };
}

export async function pullAll(source: Source, ctx = pullContext()): Promise<PullOutcome> {
  const pages: FindingPage[] = [];
  const gen = source.pull(ctx);
  for (;;) {
    const step = await gen.next();
    if (step.done) return { pages, result: step.value, progress: ctx.progressEvents };
    pages.push(step.value);
  }
}

/** Runs `pull` and returns the error it throws (fails the test when it does not throw). */
export async function pullError(source: Source, ctx = pullContext()): Promise<unknown> {
  try {
    await pullAll(source, ctx);
  } catch (err) {
    return err;
  }
  throw new Error('expected the pull to fail');
}

export function enrichContext(wanted: Record<string, string[]>, log?: Logger): EnrichContext & { puts: Array<{ ns: string; id: string; data: TemplateContext }> } {
  const puts: Array<{ ns: string; id: string; data: TemplateContext }> = [];
  return {
    signal: new AbortController().signal,
    log: log ?? captureLogger().log,
    wanted: new Map(Object.entries(wanted)),
    put: (ns, id, data) => puts.push({ ns, id, data }),
    puts,
  };
}

/** The form body nock saw, as an object. */
export function form(body: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : ''));
}
