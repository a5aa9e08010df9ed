import path from 'node:path';

/** Where the demo's simulators listen. */
export interface DemoUrls {
  qualys: string;
  qualysWas: string;
  qualysCs: string;
  xray: string;
  jira: string;
  pagerduty: string;
}

export function demoConfig(urls: DemoUrls, stateDir: string, templates: string, o: { jiraEmail: string; kevFile: string }): string {
  return `# Written by \`vulnbridge demo\`: every job points at the simulators it started.
stateDir: ${JSON.stringify(stateDir)}
log: { level: warn }

# Remediation SLAs for every job: DefectDojo's days (critical 7, high 30, medium 90,
# low 120) from when the scanner first found each finding; a CVE in the KEV catalog
# (a small demo copy in CISA's format) is due by the catalog's date when earlier.
sla: {}
kev:
  source: ${JSON.stringify(o.kevFile)}

x-qualys: &qualys
  type: qualys-vmdr
  url: ${urls.qualys}
  username: { env: VB_DEMO_QUALYS_USERNAME }
  password: { env: VB_DEMO_QUALYS_PASSWORD }
  includeIgnored: true
  truncationLimit: 5

x-qualys-was: &qualysWas
  type: qualys-was
  url: ${urls.qualysWas}
  username: { env: VB_DEMO_QUALYS_WAS_USERNAME }
  password: { env: VB_DEMO_QUALYS_WAS_PASSWORD }
  pageSize: 10

x-qualys-cs: &qualysCs
  type: qualys-cs
  gateway: ${urls.qualysCs}
  username: { env: VB_DEMO_QUALYS_CS_USERNAME }
  password: { env: VB_DEMO_QUALYS_CS_PASSWORD }

x-xray: &xray
  type: jfrog-xray
  url: ${urls.xray}
  token: { env: VB_DEMO_XRAY_TOKEN }
  watches: [prod-docker-watch, npm-apps-watch]
  pageSize: 10
  # A complete listing at least every 36 ms: every demo cycle sees what went away.
  fullPullHours: 0.00001

x-jira: &jira
  type: jira
  url: ${urls.jira}
  flavor: cloud
  email: ${o.jiraEmail}
  token: { env: VB_DEMO_JIRA_TOKEN }
  linkType: Relates

jobs:
  - name: vmdr-detections
    schedule: "0 */4 * * *"
    template: ${JSON.stringify(path.join(templates, 'vmdr-per-detection.json'))}
    project: VULN
    source: *qualys
    sink: *jira
  - name: vmdr-hosts
    schedule: "30 */4 * * *"
    template: ${JSON.stringify(path.join(templates, 'vmdr-host-linking.json'))}
    project: OPS
    source: *qualys
    sink: *jira
  - name: xray-violations
    schedule: "*/30 * * * *"
    template: ${JSON.stringify(path.join(templates, 'xray-per-violation.json'))}
    project: SEC
    source: *xray
    sink: *jira
    # The first rule that matches a violation decides what happens to it.
    routes:
      - name: critical-to-pager
        when: { minSeverity: Critical }
        actions: [ { jira: {} }, { pagerduty: { routingKey: { env: VB_DEMO_PD_KEY }, url: "${urls.pagerduty}" } } ]
      - name: licenses-to-lightstep
        when: { types: [license] }
        actions: [ { webhook: { url: { env: VB_DEMO_LIGHTSTEP_URL }, format: lightstep } } ]
      - name: medium-and-up
        when: { minSeverity: Medium }
        actions: [ { jira: {} } ]
    webhook:
      basicAuth:
        username: { env: VB_DEMO_WEBHOOK_USER }
        password: { env: VB_DEMO_WEBHOOK_PASSWORD }
  - name: was-findings
    schedule: "15 */4 * * *"
    template: ${JSON.stringify(path.join(templates, 'was-per-finding.json'))}
    project: WEB
    source: *qualysWas
    sink: *jira
  - name: cs-images
    schedule: "45 */4 * * *"
    template: ${JSON.stringify(path.join(templates, 'cs-image-linking.json'))}
    project: CNT
    source: { <<: *qualysCs, objects: images }
    sink: *jira
  - name: cs-containers
    schedule: "50 */4 * * *"
    template: ${JSON.stringify(path.join(templates, 'cs-container-subtasks.json'))}
    project: CNT
    source: { <<: *qualysCs, objects: containers }
    sink: *jira

# The webhook listener on any free loopback port.
server: { host: 127.0.0.1, port: 0 }
`;
}
