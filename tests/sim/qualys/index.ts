export { startQualysSim, QUALYS_SIM_CREDENTIALS, type QualysSim, type QualysSimApi, type QualysSimFault, type QualysSimOptions, type RecordedCall, type RateLimitConfig } from './startQualysSim.js';
export { generateVmdrData, QualysSimData, type SimChange, type SimDetection, type SimHost, type SimKbEntry, type VmdrDataOptions } from './generateVmdrData.js';
