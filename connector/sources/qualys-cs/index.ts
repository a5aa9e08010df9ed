export { qualysCsSource, CS_GONE_STATUS, type QualysCsDeps } from './source.js';
export { qualysCsConfigSchema, csModuleName, type QualysCsConfig, type QualysCsConfigInput, type CsObjectKind } from './qualysCsConfig.js';
export { csFindingKey, csObjectScope } from './pullCsObjects.js';
