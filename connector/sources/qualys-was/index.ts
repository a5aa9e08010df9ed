export { qualysWasSource, type QualysWasDeps } from './source.js';
export { qualysWasConfigSchema, WAS_STATUSES, type QualysWasConfig, type QualysWasFilters } from './qualysWasConfig.js';
