export { qualysVmdrSource, type QualysVmdrDeps } from './source.js';
export { qualysVmdrConfigSchema, type QualysVmdrConfig } from './qualysVmdrConfig.js';
