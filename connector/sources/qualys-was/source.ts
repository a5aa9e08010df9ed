import type { Sleep } from '../../http/sleep.js';
import { enrichKb, KB_NS } from '../qualys-vmdr/enrichLookups.js';
import { QualysApi, qualysApiOptions, type QualysRetryTuning } from '../qualys-vmdr/qualysApi.js';
import { qualysVmdrConfigSchema, type QualysVmdrConfig} from '../qualys-vmdr/qualysVmdrConfig.js';
import type { Source, SourceDeps, SourceFactory } from '../types.js';
import { pullFindings } from './pullFindings.js';
import { qualysWasConfigSchema, type QualysWasConfig } from './qualysWasConfig.js';
import { WasApi } from './wasApi.js';

/** What tests (and the bench) may add to the standard deps. */
export interface QualysWasDeps extends SourceDeps {
  sleep?: Sleep;
  retry?: QualysRetryTuning;
}


/**
 * enrichKb takes a whole VMDR config; a parsed one (defaults filled) with this job's
 * server and KB settings keeps it that way without a cast.
 */
function kbConfig(config: QualysWasConfig): QualysVmdrConfig {
  return qualysVmdrConfigSchema.parse({
    type: 'qualys-vmdr',
    url: config.url,
    username: config.username,
    password: config.password,
    kbApiVersion: config.kbApiVersion,
    kbBatchSize: config.kbBatchSize,
    userAgent: config.userAgent,
    requestedWith: config.requestedWith,
    timeoutSeconds: config.timeoutSeconds,
  });
}

/**
 * Qualys WAS: findings from the WAS findings search API (QPS JSON), KnowledgeBase
 * entries (`qualys.kb`, into `VULN`) from the VM API as for VMDR.
 */
export const qualysWasSource: SourceFactory<QualysWasConfig> & { create(config: QualysWasConfig, deps: QualysWasDeps): Source } = {
  type: 'qualys-was',
  moduleName: 'WAS',
  configSchema: qualysWasConfigSchema,
  create(config: QualysWasConfig, deps: QualysWasDeps): Source {
    const log = deps.log.child({ source: 'qualys-was' });
    if (config.filters.statuses && !config.filters.statuses.includes('FIXED')) {
      log.warn('filters.statuses does not list FIXED: tickets of fixed findings will never close', { configured: config.filters.statuses });
    }
    const common = qualysApiOptions(config, deps, log);
    const was = new WasApi(common);
    const vm = new QualysApi(common);
    const kb = kbConfig(config);
    return {
      type: 'qualys-was',
      host: was.host,
      vendor: 'Qualys',
      moduleName: 'WAS',
      // KB entries change rarely (LAST_SERVICE_MODIFICATION_DATETIME), as for VMDR.
      lookupTtlSec: { [KB_NS]: 7 * 24 * 3600 },
      pull: (ctx) => pullFindings(was, config, ctx),
      async enrich(ctx) {
        await enrichKb(vm, kb, ctx);
      },
    };
  },
};
