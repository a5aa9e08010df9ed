import { readFileSync } from 'node:fs';
import type { Logger } from '../../../connector/log.js';
import { qualysWasConfigSchema, qualysWasSource, type QualysWasConfig } from '../../../connector/sources/qualys-was/index.js';
import type { Source } from '../../../connector/sources/types.js';
import { QUALYS_SAMPLES } from '../../support/sharedPaths.js';
import { testSourceDeps } from '../qualys-vmdr/qualysTestKit.js';

export { captureLogger, enrichContext, fakeSleep, pullAll, pullContext, pullError } from '../qualys-vmdr/qualysTestKit.js';

export const WAS_USER = 'qualys-was-user';
export const WAS_PASSWORD = 'W4s-Sup3r-S3cret-PW';
export const BASE = 'https://qualysapi.test.example';
export const SEARCH = '/qps/rest/3.0/search/was/finding';
export const KB = '/api/2.0/fo/knowledge_base/vuln/';

export function makeWasConfig(overrides: Record<string, unknown> = {}): QualysWasConfig {
  return qualysWasConfigSchema.parse({
    type: 'qualys-was',
    url: BASE,
    username: { env: 'QUALYS_WAS_USERNAME' },
    password: { env: 'QUALYS_WAS_PASSWORD' },
    ...overrides,
  });
}

export function makeWasSource(
  overrides: Record<string, unknown> = {},
  opts: { log?: Logger; sleep?: (ms: number) => Promise<void>; username?: string; password?: string; retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number } } = {},
): Source {
  const creds = { QUALYS_WAS_USERNAME: opts.username ?? WAS_USER, QUALYS_WAS_PASSWORD: opts.password ?? WAS_PASSWORD };
  return qualysWasSource.create(makeWasConfig(overrides), testSourceDeps(creds, opts));
}

/** The verbose sample finding. The upstream fixture lacks a comma after "uniqueId" (qualys.md §6); fixed here. */
export function verboseSample(): { ServiceResponse: { data: Array<{ Finding: Record<string, unknown> }> } & Record<string, unknown> } {
  const text = readFileSync(`${QUALYS_SAMPLES}/was_finding_verbose_elastic_qualys_was.json.txt`, 'utf8').replace(
    '"12345678-abcd-efabcd-234-123456789012" "severity"',
    '"12345678-abcd-efabcd-234-123456789012", "severity"',
  );
  return JSON.parse(text) as ReturnType<typeof verboseSample>;
}

export function searchPageSample(): { ServiceResponse: { data: Array<{ Finding: Record<string, unknown> }> } & Record<string, unknown> } {
  return JSON.parse(readFileSync(`${QUALYS_SAMPLES}/was_finding_search_page_elastic_qualys_was.json`, 'utf8')) as ReturnType<typeof searchPageSample>;
}

export const KB_150112 = (): string => readFileSync(`${QUALYS_SAMPLES}/kb_elastic_qualys_was_qid150112.xml`, 'utf8');

/** A minimal verbose finding; `over` replaces fields. */
export function rawFinding(id: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    uniqueId: `u-${id}`,
    qid: 150112,
    name: 'Sensitive form field has not disabled autocomplete',
    type: 'VULNERABILITY',
    potential: 'false',
    findingType: 'QUALYS',
    severity: '2',
    url: 'https://testurl.com/login',
    status: 'ACTIVE',
    firstDetectedDate: '2021-01-27T10:00:41Z',
    lastDetectedDate: '2025-04-22T06:18:42Z',
    lastTestedDate: '2025-04-22T06:18:42Z',
    timesDetected: 3,
    isIgnored: 'false',
    webApp: { id: 1, name: 'PCI Serverless Scan', url: 'https://testurl.com' },
    ...over,
  };
}

/** A SUCCESS ServiceResponse with `findings`; `lastId` only with `hasMore` (like the samples). */
export function searchResponse(findings: Array<Record<string, unknown>>, hasMore = false): Record<string, unknown> {
  const last = findings[findings.length - 1];
  return {
    ServiceResponse: {
      responseCode: 'SUCCESS',
      count: findings.length,
      hasMoreRecords: String(hasMore),
      ...(hasMore && last ? { lastId: last.id } : {}),
      ...(findings.length ? { data: findings.map((f) => ({ Finding: f })) } : {}),
    },
  };
}

export interface Criterion {
  field: string;
  operator: string;
  value: string;
}

export function criteriaOf(body: unknown): Criterion[] {
  return (body as { ServiceRequest: { filters?: { Criteria: Criterion[] } } }).ServiceRequest.filters?.Criteria ?? [];
}
