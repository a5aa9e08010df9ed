import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { readSecret } from '../../connector/secrets.js';
import { VulnbridgeError } from '../../connector/errors.js';
import type { IncidentSenderDeps } from '../../connector/incidents/senderDeps.js';
import type { IncidentEvent } from '../../connector/incidents/types.js';
import { SHARED_DIR } from '../support/sharedPaths.js';
import { captureLogger, type LogLine } from '../sources/qualys-vmdr/qualysTestKit.js';

/** A 32-character Events API v2 integration key, as PagerDuty issues them. */
export const ROUTING_KEY = 'R0UT1NGKEYe93facc04764012d7bfb00';
export const LIGHTSTEP_API_KEY = 'lsk_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
export const LIGHTSTEP_URL = `https://api.incident.lightstep.com/webhooks/generic/7f3a?apiKey=${LIGHTSTEP_API_KEY}`;
export const BEARER = 'bearer-tok-0c1d2e3f4a5b6c7d8e9f';

export const ENV: NodeJS.ProcessEnv = {
  PD_ROUTING_KEY: ROUTING_KEY,
  LIGHTSTEP_WEBHOOK_URL: LIGHTSTEP_URL,
  HOOK_TOKEN: BEARER,
  HOOK_USER: 'hookuser',
  HOOK_PASSWORD: 'hook-pass-5566778899',
};

export function testDeps(extra: Partial<IncidentSenderDeps> = {}): { deps: IncidentSenderDeps; lines: LogLine[] } {
  const { log, lines } = captureLogger();
  return {
    deps: { log, secret: (ref, what) => readSecret(ref, what, ENV), now: () => new Date('2026-03-01T10:00:00Z'), ...extra },
    lines,
  };
}

export const FIXED_NOW = (): Date => new Date('2026-03-01T10:00:00Z');

export async function sendError(send: () => Promise<void>): Promise<VulnbridgeError> {
  try {
    await send();
  } catch (err) {
    expect(err).to.be.instanceOf(VulnbridgeError);
    return err as VulnbridgeError;
  }
  throw new Error('expected send to fail');
}

/** Nothing a user or log reader sees names the secret. */
export function expectNoSecret(texts: unknown[], secrets: string[]): void {
  const all = texts.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join('\n');
  for (const s of secrets) expect(all).not.to.contain(s);
}

export function errorTexts(err: VulnbridgeError): string[] {
  return [err.message, err.describe(), err.hint ?? '', err.host ?? '', err.path ?? '', String(err.stack ?? '')];
}

export function triggerEvent(overrides: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    action: 'trigger',
    dedupKey: 'xray|prod|XRAY-1|npm://lodash:4.17.19',
    summary: '[High] XRAY-1 CVE-2021-23337 in npm://lodash:4.17.19 (watch prod)',
    severity: 'error',
    source: 'prod',
    component: 'npm://lodash:4.17.19',
    group: 'prod',
    class: 'Security',
    timestamp: '2021-06-16T21:22:18.000Z',
    customDetails: { cve: 'CVE-2021-23337', severity: 'High', watch: 'prod' },
    links: [{ href: 'https://acme.jfrog.io/ui/watchesNew/edit/prod?activeTab=violations', text: 'Xray watch violations' }],
    ...overrides,
  };
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let enqueueValidator: ValidateFunction | undefined;

/** The request body schema of POST /enqueue in PagerDuty's published Events API v2 OpenAPI document. */
export function validatePagerDutyBody(body: unknown): string[] {
  if (!enqueueValidator) {
    const spec = JSON.parse(readFileSync(path.join(SHARED_DIR, 'reference/pagerduty/events-v2.openapi.json'), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(ajv);
    ajv.addSchema(spec, 'pd.json');
    enqueueValidator = ajv.compile({ $ref: 'pd.json#/paths/~1enqueue/post/requestBody/content/application~1json/schema' });
  }
  const ok = enqueueValidator(body);
  return ok ? [] : (enqueueValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
