export { jfrogXraySource, type JfrogXrayDeps } from './source.js';
export { jfrogXrayConfigSchema, type JfrogXrayConfig } from './jfrogXrayConfig.js';
