import { secretSourceName } from '../../secrets.js';
import { sleep as realSleep, type Sleep } from '../../http/sleep.js';
import type { Source, SourceDeps, SourceFactory } from '../types.js';
import { checkWatches } from './checkWatches.js';
import { jfrogXrayConfigSchema, type JfrogXrayConfig } from './jfrogXrayConfig.js';
import { pullViolations } from './pullViolations.js';
import { createWebhookIntake } from './webhookIntake.js';
import { XrayApi, type XrayAuth, type XrayRetryTuning } from './xrayApi.js';

/** What tests may add to the standard deps. */
export interface JfrogXrayDeps extends SourceDeps {
  sleep?: Sleep;
  retry?: XrayRetryTuning;
}

function authOf(config: JfrogXrayConfig, deps: SourceDeps): { auth: XrayAuth; credentialNames: string } {
  if (config.token) return { auth: { token: deps.secret(config.token, 'Xray access token') }, credentialNames: secretSourceName(config.token) };
  // The config schema guarantees username + password when there is no token.
  const username = config.username ?? {};
  const password = config.password ?? {};
  return {
    auth: { username: deps.secret(username, 'Xray username'), password: deps.secret(password, 'Xray password') },
    credentialNames: `${secretSourceName(username)}/${secretSourceName(password)}`,
  };
}

/**
 * What Get Violations items may lack that a schema 1.1 webhook issue carries (list items
 * shaped like JFrog's SIEM fixture have no summary, provider or matched_policies, api-notes
 * §1.3): left empty by a pull, these keep the value a push brought.
 */
export const PULL_LACKS: readonly string[] = ['SUMMARY', 'PROVIDER', 'POLICY', 'RULE', 'IMPACTED_ARTIFACT_DETAILS'];

/** A webhook issue's `created` is the (with its own milliseconds), not the listed violation's. */
export const PUSH_LACKS: readonly string[] = ['CREATED'];

/**
 * JFrog Xray policy violations: pulled per watch from Get Violations, or pushed by Xray
 * policy webhooks. Xray stops listing a violation once it is fixed instead of marking
 * it, so a violation gone from a complete listing of its watch is Resolved.
 */
export const jfrogXraySource: SourceFactory<JfrogXrayConfig> & { create(config: JfrogXrayConfig, deps: JfrogXrayDeps): Source } = {
  type: 'jfrog-xray',
  webhookKind: 'xray',
  moduleName: 'XRAY',
  configSchema: jfrogXrayConfigSchema,
  create(config: JfrogXrayConfig, deps: JfrogXrayDeps): Source {
    const log = deps.log.child({ source: 'jfrog-xray' });
    const api = new XrayApi({
      baseUrl: config.url,
      ...authOf(config, deps),
      timeoutMs: config.timeoutSeconds * 1000,
      projectKey: config.projectKey,
      log,
      sleep: deps.sleep ?? realSleep,
      retry: deps.retry,
    });
    let watchesChecked = false;
    return {
      type: 'jfrog-xray',
      host: api.host,
      vendor: 'JFrog Xray',
      moduleName: 'XRAY',
      lookupTtlSec: {},
      resolvesByAbsence: { status: 'Resolved' },
      pullLacks: PULL_LACKS,
      pushLacks: PUSH_LACKS,
      webhook: createWebhookIntake(api, config),
      async *pull(ctx) {
        if (!watchesChecked) {
          await checkWatches(api, config.watches, ctx.signal, ctx.log);
          watchesChecked = true;
        }
        return yield* pullViolations(api, config, ctx);
      },
      // Violations carry everything the templates use: no lookups to fetch.
      async enrich() {},
      async check(signal, checkLog) {
        await checkWatches(api, config.watches, signal, checkLog);
        watchesChecked = true;
      },
    };
  },
};
