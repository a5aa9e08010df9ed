import nock from 'nock';
import type { Logger } from '../../../connector/log.js';
import { jfrogXrayConfigSchema, jfrogXraySource, type JfrogXrayConfig } from '../../../connector/sources/jfrog-xray/index.js';
import type { XrayRetryTuning } from '../../../connector/sources/jfrog-xray/xrayApi.js';
import type { Source } from '../../../connector/sources/types.js';
import { testSourceDeps } from '../qualys-vmdr/qualysTestKit.js';

export { captureLogger, fakeSleep, pullAll, pullContext, pullError } from '../qualys-vmdr/qualysTestKit.js';

export const BASE = 'https://acme.jfrog.io';
export const HOST = 'acme.jfrog.io';
export const VIOLATIONS = '/xray/api/v1/violations';
export const WATCHES = '/xray/api/v2/watches';
export const TOKEN = 'xray-Test-Token-9f8e7d6c5b4a39281706';
export const USER = 'xray-reader';
export const PASSWORD = 'Xray-Basic-Pa55word-42';

export function makeConfig(overrides: Record<string, unknown> = {}): JfrogXrayConfig {
  return jfrogXrayConfigSchema.parse({ type: 'jfrog-xray', url: BASE, token: { env: 'XRAY_TOKEN' }, watches: ['prod-watch'], ...overrides });
}

export function makeSource(
  overrides: Record<string, unknown> = {},
  opts: { log?: Logger; sleep?: (ms: number) => Promise<void>; retry?: XrayRetryTuning } = {},
): Source {
  const creds: Record<string, string> = { XRAY_TOKEN: TOKEN, XRAY_USER: USER, XRAY_PASSWORD: PASSWORD };
  return jfrogXraySource.create(makeConfig(overrides), testSourceDeps(creds, { ...opts, retry: opts.retry ?? { retries: 2, minTimeoutMs: 0, maxTimeoutMs: 0 } }));
}

/** A security violation as Get Violations returns it with include_details (§1.3). */
export function securityViolation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    violation_id: '1710136527020015616',
    issue_id: 'XRAY-94620',
    type: 'Security',
    watch_name: 'prod-watch',
    severity: 'High',
    created: '2026-01-05T10:00:00Z',
    summary: 'Prototype pollution in lodash',
    description: 'lodash before 4.17.21 allows command injection via template.',
    provider: 'JFrog',
    infected_components: ['npm://lodash:4.17.19'],
    infected_versions: ['< 4.17.21'],
    fix_versions: ['4.17.21'],
    impacted_artifacts: ['default/npm-local/app/-/app-1.0.0.tgz'],
    violation_details_url:
      'http://localhost:8046/xray/api/v1/violations?watch_id=b241c1986818d68993093e35&issue_id=XRAY-94620&comp_id=npm:%2F%2Flodash:4.17.19',
    matched_policies: [{ policy: 'sec-policy', rule: 'high-and-above', is_blocking: false }],
    properties: [
      {
        cve: 'CVE-2021-23337',
        cvss_v2: '6.5/AV:N/AC:L/Au:S/C:P/I:P/A:P',
        cvss_v3: '7.2/CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
        cwe: ['CWE-94'],
      },
    ],
    ...overrides,
  };
}

/** The SIEM plugin's license fixture (§1.3). */
export function licenseViolation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'The Apache Software License, Version 1.1',
    severity: 'High',
    type: 'License',
    infected_components: ['gav://struts:struts:1.1'],
    created: '2021-06-16T21:22:18Z',
    watch_name: 'license-watch',
    issue_id: 'Apache-1.1',
    violation_details_url:
      'http://localhost:8046/xray/api/v1/violations?watch_id=b241c1986818d68993093e35&issue_id=Apache-1.1&comp_id=gav:%2F%2Fstruts:struts:1.1',
    impacted_artifacts: ['default/maven-repo-1/struts/struts/1.1/struts-1.1.jar'],
    ...overrides,
  };
}

/** Violation n of a watch: distinct issue, created n minutes after 2026-01-05T10:00Z. */
export function numbered(n: number, watch = 'prod-watch', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const created = new Date(Date.parse('2026-01-05T10:00:00Z') + n * 60_000).toISOString().replace('.000Z', 'Z');
  return securityViolation({
    issue_id: `XRAY-${1000 + n}`,
    watch_name: watch,
    created,
    violation_id: String(9000 + n),
    infected_components: [`npm://pkg${n}:1.0.${n}`],
    violation_details_url: `${BASE}${VIOLATIONS}?watch_id=w1&issue_id=XRAY-${1000 + n}&comp_id=npm:%2F%2Fpkg${n}:1.0.${n}`,
    ...overrides,
  });
}

export function range(from: number, to: number, watch = 'prod-watch'): Array<Record<string, unknown>> {
  return Array.from({ length: to - from + 1 }, (_, i) => numbered(from + i, watch));
}

export const listBody = (violations: unknown[], total = violations.length) => ({ total_violations: total, violations });

/** Get Watches answering with these names. */
export function nockWatches(names: string[] = ['prod-watch']): nock.Scope {
  return nock(BASE)
    .get(WATCHES)
    .reply(
      200,
      names.map((name) => ({ general_data: { name, active: true }, project_resources: { resources: [] }, assigned_policies: [] })),
    );
}

export interface ListCall {
  filters: Record<string, unknown>;
  pagination: { limit: number; offset: number; order_by: string; direction: string };
}

/**
 * Get Violations served from `pages(call)`: the handler sees each request body (recorded
 * in `calls`) and answers with a list body. Persisted until nock.cleanAll.
 */
export function nockViolations(pages: (call: ListCall) => { violations: unknown[]; total?: number }): { calls: ListCall[]; scope: nock.Scope } {
  const calls: ListCall[] = [];
  const scope = nock(BASE)
    .persist()
    .post(VIOLATIONS)
    .query(true)
    .reply(200, (_uri, body) => {
      const call = body as ListCall;
      calls.push(call);
      const page = pages(call);
      return listBody(page.violations, page.total ?? page.violations.length);
    });
  return { calls, scope };
}

/** Serve `all` (already filtered) as Get Violations would page it. */
export function paged(all: unknown[]): (call: ListCall) => { violations: unknown[]; total: number } {
  return (call) => {
    const { limit, offset } = call.pagination;
    return { violations: all.slice((offset - 1) * limit, offset * limit), total: all.length };
  };
}
