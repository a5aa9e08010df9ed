import type { Sleep } from '../../http/sleep.js';
import type { Source, SourceDeps, SourceFactory } from '../types.js';
import { enrichHosts, enrichKb, HOST_NS, KB_NS } from './enrichLookups.js';
import { effectiveStatuses } from './hldParams.js';
import { pullDetections } from './pullDetections.js';
import { QualysApi, qualysApiOptions, type QualysRetryTuning } from './qualysApi.js';
import { qualysVmdrConfigSchema, type QualysVmdrConfig} from './qualysVmdrConfig.js';

/** What tests (and the bench) may add to the standard deps. */
export interface QualysVmdrDeps extends SourceDeps {
  sleep?: Sleep;
  retry?: QualysRetryTuning;
}

/**
 * Qualys VMDR: detections from the Host List Detection API, KnowledgeBase entries
 * (`qualys.kb`, into `VULN`) and TruRisk scores from the Host List API (`qualys.host`).
 */
export const qualysVmdrSource: SourceFactory<QualysVmdrConfig> & { create(config: QualysVmdrConfig, deps: QualysVmdrDeps): Source } = {
  type: 'qualys-vmdr',
  moduleName: 'VMDR',
  configSchema: qualysVmdrConfigSchema,
  create(config: QualysVmdrConfig, deps: QualysVmdrDeps): Source {
    const log = deps.log.child({ source: 'qualys-vmdr' });
    const { addedFixed } = effectiveStatuses(config.status);
    if (addedFixed) {
      log.warn('status does not list Fixed; requesting Fixed anyway, otherwise tickets could never close', { configured: config.status });
    }
    const api = new QualysApi(qualysApiOptions(config, deps, log));
    return {
      type: 'qualys-vmdr',
      host: api.host,
      vendor: 'Qualys',
      moduleName: 'VMDR',
      // KB entries change rarely (LAST_SERVICE_MODIFICATION_DATETIME); TruRisk moves with every scan.
      lookupTtlSec: { [KB_NS]: 7 * 24 * 3600, [HOST_NS]: 0 },
      pull: (ctx) => pullDetections(api, config, ctx),
      async enrich(ctx) {
        await enrichKb(api, config, ctx);
        await enrichHosts(api, config, ctx);
      },
    };
  },
};
