import { nested, plain, type PlaceholderEntries } from './placeholderInfo.js';

// Container Security raw JSON field names (qualys.md §0 and §4).
export const CS_VULN_PLACEHOLDERS: PlaceholderEntries = {
  ...plain([
    'qid', 'title', 'result', 'severity', 'customerSeverity', 'qdsScore', 'patchAvailable', 'published', 'port', 'status',
    'risk', 'category', 'discoveryType', 'authType', 'supportedBy', 'product', 'vendor', 'cveids', 'softwares',
    'lastFound', 'firstFound', 'typeDetected', 'scanType', 'diagnosis', 'consequence', 'solution', 'impact',
  ]),
  cvssInfo: nested('cvssInfo.baseScore, cvssInfo.temporalScore, cvssInfo.accessVector.'),
  cvss3Info: nested('cvss3Info.baseScore, cvss3Info.temporalScore.'),
  threatIntel: nested(),
  software: nested(),
};

export const CS_CONTAINER_PLACEHOLDERS: PlaceholderEntries = {
  ...plain([
    'containerId', 'name', 'imageId', 'command', 'arguments', 'sha', 'uuid', 'operatingSystem', 'privileged', 'state',
    'stateChanged', 'created', 'updated', 'lastScanned', 'isDrift', 'isRoot', 'riskScore', 'maxQdsScore', 'qdsSeverity',
    'scanTypes',
  ]),
  cluster: nested(),
};

export const CS_IMAGE_PLACEHOLDERS: PlaceholderEntries = {
  ...plain([
    'imageRegistry', 'imageRepository', 'imageTags', 'sha', 'imageId', 'uuid', 'size', 'dockerVersion', 'operatingSystem',
    'author', 'created', 'updated', 'lastUsedDate', 'lastScanned', 'lastVmScanDate', 'scanTypes', 'scanStatus', 'source',
    'otherImageRegistry', 'otherImageRepository', 'totalVulCount', 'isDockerHubOfficial', 'associatedHosts',
    'associatedContainersCount', 'associatedHostsCount', 'lastFoundOnHost', 'repoDigests', 'imageStatus', 'jiraTicketAction',
  ]),
  repo: nested('Registry/repository/tag entries.'),
  vulnerabilities: nested('Counts per severity (severity1Count..severity5Count).'),
  layers: nested(),
};

/** The `host.` namespace of CS container templates: the host running the container. */
export const CS_HOST_PLACEHOLDERS: PlaceholderEntries = plain(['sensorUuid', 'hostname', 'ipAddress', 'uuid', 'lastUpdated']);
