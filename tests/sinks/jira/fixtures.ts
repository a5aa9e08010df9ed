import { silentLogger } from '../../../connector/log.js';
import { jiraSink } from '../../../connector/sinks/jira/sink.js';
import type { JiraSinkConfig } from '../../../connector/sinks/jira/config.js';
import type { TicketSink } from '../../../connector/sinks/types.js';
import type { CustomFieldTemplate, RenderedTicket, RichText, TicketScheme, TicketTemplate } from '../../../connector/templates/types.js';
import { SIM_CREDENTIALS, type JiraSim } from '../../sim/jira/startJiraSim.js';

export const ENV = { JIRA_API_TOKEN: SIM_CREDENTIALS.token, JIRA_PAT: SIM_CREDENTIALS.pat };

export function rich(text: string, value = false): RichText {
  return [{ text, value }];
}

const WORKFLOW = { New: 'Open', Active: 'Open', Fixed: 'Closed', 'Re-Opened': 'Reopened' };

function template(p: Partial<TicketTemplate> & Pick<TicketTemplate, 'role' | 'issueType'>): TicketTemplate {
  return {
    summary: 'QID: ${QID}',
    description: 'details',
    labels: [],
    customFields: [],
    primaryKey: 'QID:${QID}',
    priority: { jiraDefault: false, matchWith: '${QDS}', criteria: [{ priority: 'High', min: 70, max: 100 }, { priority: 'Low', min: 0, max: 69 }] },
    ...p,
  };
}

export function cf(name: string, customFieldId?: string): CustomFieldTemplate {
  return { name, value: `\${${name}}`, customFieldId };
}

/** A one-ticket-per-finding scheme like Per_Detection_Separate_Ticket_Scheme.json. */
export function singleScheme(p: { issueType?: string; customFields?: CustomFieldTemplate[]; workflow?: Record<string, string>; priorities?: string[] } = {}): TicketScheme {
  return {
    file: 'templates/per-detection.json',
    name: 'per-detection',
    moduleName: 'VMDR',
    kind: 'single',
    operationField: '${STATUS}',
    operationMappings: { New: 'open', Active: 'open', Fixed: 'close', 'Re-Opened': 'open' },
    workflowMappings: p.workflow ?? WORKFLOW,
    tickets: {
      single: template({
        role: 'single',
        issueType: p.issueType ?? 'Host Vulnerability',
        customFields: p.customFields ?? [cf('Host ID'), cf('QID'), cf('Asset Tag'), cf('Diagnosis'), cf('Primary Key')],
        ...(p.priorities
          ? { priority: { jiraDefault: false, matchWith: '${QDS}', criteria: p.priorities.map((priority, i) => ({ priority, equals: String(i) })) } }
          : {}),
      }),
    },
  };
}

/** A host parent with vulnerability children, like Host_Vuln_Linking_Ticket_Scheme.json. */
export function linkedScheme(): TicketScheme {
  return {
    file: 'templates/host-vuln.json',
    name: 'host-vuln',
    moduleName: 'VMDR',
    kind: 'linked',
    operationField: '${STATUS}',
    operationMappings: { New: 'link', Active: 'link', Fixed: 'unlink', 'Re-Opened': 'link' },
    workflowMappings: WORKFLOW,
    tickets: {
      parent: template({ role: 'parent', issueType: 'Vulnerable Host', customFields: [cf('Host ID'), cf('Asset Tag'), cf('Primary Key')] }),
      child: template({ role: 'child', issueType: 'Vulnerability', customFields: [cf('QID'), cf('Port'), cf('Solution'), cf('Primary Key')] }),
    },
  };
}

/** An object parent with sub-task children, like CS_Image_Sub_Ticket_Scheme.json (openDiff/closeAll). */
export function subtaskScheme(childType = 'Sub-task'): TicketScheme {
  return {
    file: 'templates/cs-image-sub.json',
    name: 'cs-image-sub',
    moduleName: 'CS-Image',
    kind: 'linked',
    operationField: '${imageStatus}',
    operationMappings: { Active: 'openDiff', Fixed: 'closeAll' },
    workflowMappings: { Active: 'Open', Fixed: 'Closed' },
    subtasks: true,
    tickets: {
      parent: template({ role: 'parent', issueType: 'Task', customFields: [cf('Primary Key')] }),
      child: template({ role: 'child', issueType: childType, customFields: [cf('Primary Key')] }),
    },
  };
}

export function ticket(p: Partial<RenderedTicket> = {}): RenderedTicket {
  return {
    role: 'single',
    primaryKey: 'QID:38170-Port:443',
    issueType: 'Host Vulnerability',
    summary: 'QID: 38170 : SSL Certificate - Subject Common Name Does Not Match Server FQDN',
    description: [
      { text: 'Host details: IP ', value: false },
      { text: '10.0.0.5', value: true },
    ],
    labels: ['qualys-host-101', 'qid-38170'],
    priority: 'High',
    customFields: [],
    ...p,
  };
}

export interface TestSink {
  sink: TicketSink;
  waits: number[];
}

/** A Jira sink pointed at the simulator, with recorded (not slept) Retry-After waits and no backoff. */
export function sinkFor(sim: Pick<JiraSim, 'url' | 'flavor'>, config: Partial<JiraSinkConfig> = {}): TestSink {
  const waits: number[] = [];
  const base =
    sim.flavor === 'cloud'
      ? { type: 'jira', url: sim.url, flavor: 'cloud', email: SIM_CREDENTIALS.email, token: { env: 'JIRA_API_TOKEN' } }
      : { type: 'jira', url: sim.url, flavor: 'datacenter', token: { env: 'JIRA_PAT' } };
  const parsed = jiraSink.configSchema.parse({ ...base, ...config });
  const sink = jiraSink.create(parsed, {
    log: silentLogger(),
    secret: (ref) => {
      const value = ref.env ? ENV[ref.env as keyof typeof ENV] : undefined;
      if (value === undefined) throw new Error(`test: no secret for ${JSON.stringify(ref)}`);
      return value;
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
    retry: { retries: 3, minTimeoutMs: 0, maxTimeoutMs: 0 },
  });
  return { sink, waits };
}
