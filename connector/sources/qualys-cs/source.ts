import { secretSourceName } from '../../secrets.js';
import { sleep as realSleep, type Sleep } from '../../http/sleep.js';
import type { Source, SourceDeps, SourceFactory } from '../types.js';
import type { Clock } from './gatewayAuth.js';
import { pullCsObjects } from './pullCsObjects.js';
import { QualysCsApi, type QualysCsRetryTuning } from './qualysCsApi.js';
import { csModuleName, qualysCsConfigSchema, type QualysCsConfig } from './qualysCsConfig.js';

/** What tests (and the bench) may add to the standard deps. */
export interface QualysCsDeps extends SourceDeps {
  sleep?: Sleep;
  retry?: QualysCsRetryTuning;
  /** Epoch ms now; drives JWT renewal. */
  now?: Clock;
}

/**
 * Status a child gets once a complete listing of its object no longer has it (the
 * vulnerability is gone from the image/container). The CS operationFields are
 * `${imageStatus}`/`${state}`, object-level values: the diff words (linkDiff/openDiff)
 * are what turn "no longer listed" into unlink/close of that one child.
 */
export const CS_GONE_STATUS = 'Fixed';

/**
 * Qualys Container Security: images or containers (one kind per job, `objects`) from the
 * gateway's bulk list, with each object's vulnerabilities. Module `CS-Image` or
 * `CS-Container` after `objects`; the factory's own moduleName is the images one.
 */
export const qualysCsSource: SourceFactory<QualysCsConfig> & { create(config: QualysCsConfig, deps: QualysCsDeps): Source } = {
  type: 'qualys-cs',
  moduleName: 'CS-Image',
  moduleNameOf: (config: QualysCsConfig) => csModuleName(config.objects),
  configSchema: qualysCsConfigSchema,
  create(config: QualysCsConfig, deps: QualysCsDeps): Source {
    const log = deps.log.child({ source: 'qualys-cs', objects: config.objects });
    const api = new QualysCsApi({
      gateway: config.gateway,
      apiVersion: config.apiVersion,
      username: deps.secret(config.username, 'Qualys CS username'),
      password: deps.secret(config.password, 'Qualys CS password'),
      credentialNames: `${secretSourceName(config.username)}/${secretSourceName(config.password)}`,
      timeoutMs: config.timeoutSeconds * 1000,
      now: deps.now ?? Date.now,
      log,
      sleep: deps.sleep ?? realSleep,
      retry: deps.retry,
    });
    return {
      type: 'qualys-cs',
      host: api.host,
      vendor: 'Qualys',
      moduleName: csModuleName(config.objects),
      lookupTtlSec: {},
      resolvesByAbsence: { status: CS_GONE_STATUS },
      pull: (ctx) => pullCsObjects(api, config, ctx),
      async enrich() {
        // Every template value comes with the object and its /vuln DETAILS: nothing to look up.
      },
      async check(signal) {
        await api.listPage(config.objects, { limit: 1, filter: config.filter }, `${config.objects} list (check)`, signal);
      },
    };
  },
};
