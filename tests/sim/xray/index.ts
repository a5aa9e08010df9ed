export {
  startXraySim,
  XRAY_SIM_CREDENTIALS,
  type XraySim,
  type XraySimFault,
  type XraySimOptions,
  type XraySimRequest,
  type XraySimRoute,
  type XrayViolationRef,
  type UnknownWatchMode,
} from './startXraySim.js';
export { generateXrayData, componentOf, artifactsOf, XRAY_INTERNAL_BASE_URL, type XrayDataOptions, type XraySimData, type XrayViolationInit } from './generateXrayData.js';
export {
  buildLegacyWebhookPayload,
  buildWebhookPayloadV11,
  sendXrayWebhook,
  infectedFileIdentity,
  impactedArtifactObject,
  XRAY_WEBHOOK_VERSION,
  type WebhookPayloadOptions,
  type SendXrayWebhookOptions,
  type SendXrayWebhookResult,
  type XrayLegacySeverity,
  type XrayLegacyWebhookIssue,
  type XrayLegacyWebhookPayload,
  type XrayWebhookImpactedArtifact,
  type XrayWebhookInfectedFile,
  type XrayWebhookIssueV11,
  type XrayWebhookPayloadV11,
} from './webhookPayloads.js';
export { goPathEscape, goRfc3339Nano, xrayTime } from './xrayFormat.js';
export * from './xrayTypes.js';
