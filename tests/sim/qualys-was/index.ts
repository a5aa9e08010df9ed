export {
  startQualysWasSim,
  QUALYS_WAS_SIM_CREDENTIALS,
  WAS_SEARCH_PATH,
  type QualysWasSim,
  type QualysWasSimFault,
  type QualysWasSimOptions,
  type RecordedWasCall,
} from './startQualysWasSim.js';
export { generateWasData, WasSimData, WasKbData, WAS_QID_BASE, type SimWasFinding, type SimWebApp, type WasStatus, type WasDataOptions } from './generateWasData.js';
