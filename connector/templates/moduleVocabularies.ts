import { CS_CONTAINER_PLACEHOLDERS, CS_HOST_PLACEHOLDERS, CS_IMAGE_PLACEHOLDERS, CS_VULN_PLACEHOLDERS } from './csPlaceholders.js';
import { KB_PLACEHOLDERS } from './kbPlaceholders.js';
import type { ModuleName } from './moduleNames.js';
import { leaf, type PlaceholderEntries, type PlaceholderInfo } from './placeholderInfo.js';
import { VMDR_DETECTION_PLACEHOLDERS, VMDR_HOST_PLACEHOLDERS, VMDR_TRURISK_PLACEHOLDERS } from './vmdrPlaceholders.js';
import { SLA_PLACEHOLDERS } from './sla/slaContext.js';
import { WAS_PLACEHOLDERS } from './wasPlaceholders.js';
import { XRAY_PLACEHOLDERS } from './xrayPlaceholders.js';

export interface ModuleVocabulary {
  /** Names usable directly: `${ID}`, `${QDS.content}`. */
  names: Readonly<Record<string, PlaceholderInfo>>;
  /** Namespaces whose second segment is checked too: `VULN` → KnowledgeBase elements. */
  namespaces: Readonly<Record<string, Readonly<Record<string, PlaceholderInfo>>>>;
}

/** Allowed in every module: the Jira project key of the job (Qualys: from config.json). */
const COMMON: PlaceholderEntries = {
  PROJECT_KEY: leaf('Jira project key the job writes to (from the job config, not from Qualys).'),
};

/**
 * The placeholder vocabulary of each module. Sources: the names the eight Qualys
 * ticketing templates use (qualys.md §0), the VMDR Host List Detection XML elements
 * (§1), the Host List TruRisk elements (§1 "TruRisk / ACS"), the KnowledgeBase VULN
 * elements (§2), the Container Security fields (§4) and our Xray normalization.
 */
export const MODULE_VOCABULARIES: Readonly<Record<ModuleName, ModuleVocabulary>> = {
  VMDR: {
    names: { ...COMMON, ...VMDR_HOST_PLACEHOLDERS, ...VMDR_TRURISK_PLACEHOLDERS, ...VMDR_DETECTION_PLACEHOLDERS },
    namespaces: { VULN: KB_PLACEHOLDERS, SLA: SLA_PLACEHOLDERS },
  },
  WAS: { names: { ...COMMON, ...WAS_PLACEHOLDERS }, namespaces: { VULN: KB_PLACEHOLDERS, SLA: SLA_PLACEHOLDERS } },
  'CS-Container': {
    names: { ...COMMON, ...CS_CONTAINER_PLACEHOLDERS },
    namespaces: { vuln: CS_VULN_PLACEHOLDERS, host: CS_HOST_PLACEHOLDERS, SLA: SLA_PLACEHOLDERS },
  },
  'CS-Image': { names: { ...COMMON, ...CS_IMAGE_PLACEHOLDERS }, namespaces: { vuln: CS_VULN_PLACEHOLDERS, SLA: SLA_PLACEHOLDERS } },
  XRAY: { names: { ...COMMON, ...XRAY_PLACEHOLDERS }, namespaces: { SLA: SLA_PLACEHOLDERS } },
};
