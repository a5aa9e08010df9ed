/**
 * What the Jira simulator knows before any issue exists: projects, issue types, a
 * classic workflow, priorities, fields and link types. Tests may change the object a
 * simulator was started with (`sim.data`) to take something away.
 */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface SimStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}
export interface SimIssueType {
  id: string;
  name: string;
  subtask: boolean;
}
export interface SimProject {
  id: string;
  key: string;
  name: string;
}
export interface SimFieldSchema {
  type: string;
  items?: string;
  custom?: string;
  customId?: number;
  system?: string;
}
export interface SimField {
  id: string;
  name: string;
  custom: boolean;
  schema?: SimFieldSchema;
  /** Allowed option values of select/radio/multiselect/checkbox fields. */
  options?: string[];
}
export interface SimTransition {
  id: string;
  name: string;
  /** Status names it starts from. */
  from: string[];
  to: string;
  /** The transition screen requires a resolution. */
  requiresResolution?: boolean;
}
export interface SimLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface SimData {
  projects: SimProject[];
  issueTypes: SimIssueType[];
  statuses: SimStatus[];
  /** Issue type name → its workflow's statuses; absent = all statuses. */
  statusesByIssueType: Record<string, string[]>;
  initialStatus: string;
  transitions: SimTransition[];
  priorities: Array<{ id: string; name: string }>;
  resolutions: Array<{ id: string; name: string }>;
  fields: SimField[];
  linkTypes: SimLinkType[];
  /** Field ids the create screen requires. */
  requiredFields: string[];
  /** Field ids not on the create/edit screens. */
  offScreenFields: string[];
  /**
   * Screens, screen schemes and issue type screen schemes (simScreens.ts). A field that
   * existed before the simulator started is on every screen (unless in offScreenFields);
   * one created through POST /field is on a screen only once a tab lists it.
   */
  screens?: SimScreen[];
  screenSchemes?: SimScreenScheme[];
  issueTypeScreenSchemes?: SimIssueTypeScreenScheme[];
  /** Field ids created through POST /field. */
  apiCreatedFields?: string[];
  /** Custom field contexts by field id (select options live on the field, `options`). */
  fieldContexts?: Record<string, Array<{ id: string; name: string }>>;
  /** The account has the Administer Jira global permission (default true). */
  admin?: boolean;
  /** The account's "Create shared objects" global permission (dashboards); absent: granted. */
  createSharedObjects?: boolean;
  /** The account's Schedule Issues permission (sets `duedate`); absent: granted. */
  schedulePermission?: boolean;
  /** The account's global Bulk Change permission (Cloud bulk edit and transition); absent: granted. */
  bulkChange?: boolean;
}

export interface SimScreen {
  id: number;
  name: string;
  tabs: Array<{ id: number; name: string; fields: string[] }>;
}
export interface SimScreenScheme {
  id: number;
  name: string;
  screens: { default: number; create?: number; edit?: number };
}
export interface SimIssueTypeScreenScheme {
  id: string;
  name: string;
  projectIds: string[];
  /** Issue type id (or `default`) → screen scheme id. */
  mappings: Record<string, number>;
}

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

export const STATUS_CATEGORIES: Record<StatusCategoryKey, { id: number; key: StatusCategoryKey; colorName: string; name: string }> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export type CustomKind = 'float' | 'textfield' | 'textarea' | 'labels' | 'datetime' | 'datepicker' | 'select' | 'radiobuttons' | 'multiselect' | 'multicheckboxes' | 'url' | 'readonlyfield';
export const SCHEMA_TYPE: Record<CustomKind, Pick<SimFieldSchema, 'type' | 'items'>> = {
  float: { type: 'number' },
  textfield: { type: 'string' },
  textarea: { type: 'string' },
  labels: { type: 'array', items: 'string' },
  datetime: { type: 'datetime' },
  datepicker: { type: 'date' },
  select: { type: 'option' },
  radiobuttons: { type: 'option' },
  multiselect: { type: 'array', items: 'option' },
  multicheckboxes: { type: 'array', items: 'option' },
  url: { type: 'string' },
  readonlyfield: { type: 'string' },
};

export function customField(customId: number, name: string, kind: CustomKind, options?: string[]): SimField {
  return { id: `customfield_${customId}`, name, custom: true, schema: { ...SCHEMA_TYPE[kind], custom: `${CF}${kind}`, customId }, options };
}

/** The custom fields the two VMDR Qualys schemes name, with the types a Jira admin would pick. */
const VMDR_FIELDS: Array<[string, CustomKind]> = [
  ['Host ID', 'float'],
  ['Asset ID', 'float'],
  ['IP', 'textfield'],
  ['IPV6', 'textfield'],
  ['Detection Status', 'textfield'],
  ['Tracking Method', 'textfield'],
  ['OS', 'textfield'],
  ['Last Scan Datetime', 'textfield'],
  ['Last VM Scanned Date', 'textfield'],
  ['Asset Tag', 'labels'],
  ['TruRisk Score', 'float'],
  ['Asset Criticality Score', 'float'],
  ['QID', 'float'],
  ['Port', 'float'],
  ['Severity', 'float'],
  ['Vuln Type', 'textfield'],
  ['Patchable', 'textfield'],
  ['PCI Flag', 'textfield'],
  ['Vuln Category', 'textfield'],
  ['Published Datetime', 'textfield'],
  ['CVSS Base', 'textfield'],
  ['CVSS Temporal', 'textfield'],
  ['CVSS V3 Base', 'textfield'],
  ['CVSS V3 Temporal', 'textfield'],
  ['Last Service Modification Datetime', 'textfield'],
  ['CVEs', 'textfield'],
  ['Diagnosis', 'textarea'],
  ['Consequence', 'textarea'],
  ['Solution', 'textarea'],
  ['QDS', 'float'],
  ['Primary Key', 'textfield'],
];

function systemField(id: string, name: string, type: string, items?: string): SimField {
  return { id, name, custom: false, schema: { type, items, system: id } };
}

export function defaultSimData(): SimData {
  return {
    projects: [
      { id: '10000', key: 'VULN', name: 'Vulnerabilities' },
      { id: '10001', key: 'OPS', name: 'Operations' },
    ],
    issueTypes: [
      { id: '10001', name: 'Task', subtask: false },
      { id: '10002', name: 'Bug', subtask: false },
      { id: '10003', name: 'Sub-task', subtask: true },
      { id: '10004', name: 'Vulnerable Host', subtask: false },
      { id: '10005', name: 'Vulnerability', subtask: false },
      { id: '10006', name: 'Host Vulnerability', subtask: false },
    ],
    statuses: [
      { id: '1', name: 'Open', category: 'new' },
      { id: '3', name: 'In Progress', category: 'indeterminate' },
      { id: '4', name: 'Reopened', category: 'new' },
      { id: '6', name: 'Closed', category: 'done' },
      { id: '10001', name: 'Done', category: 'done' },
    ],
    statusesByIssueType: {},
    initialStatus: 'Open',
    transitions: [
      { id: '11', name: 'Start Progress', from: ['Open', 'Reopened'], to: 'In Progress' },
      { id: '21', name: 'Stop Progress', from: ['In Progress'], to: 'Open' },
      { id: '31', name: 'Close Issue', from: ['Open', 'In Progress', 'Reopened'], to: 'Closed', requiresResolution: true },
      { id: '41', name: 'Done', from: ['In Progress'], to: 'Done' },
      { id: '51', name: 'Reopen Issue', from: ['Closed', 'Done'], to: 'Reopened' },
    ],
    priorities: [
      { id: '1', name: 'Highest' },
      { id: '2', name: 'High' },
      { id: '3', name: 'Medium' },
      { id: '4', name: 'Low' },
      { id: '5', name: 'Lowest' },
    ],
    resolutions: [
      { id: '10000', name: 'Done' },
      { id: '10001', name: "Won't Do" },
      { id: '10002', name: 'Duplicate' },
    ],
    fields: [
      systemField('summary', 'Summary', 'string'),
      systemField('description', 'Description', 'string'),
      systemField('environment', 'Environment', 'string'),
      systemField('labels', 'Labels', 'array', 'string'),
      systemField('priority', 'Priority', 'priority'),
      systemField('issuetype', 'Issue Type', 'issuetype'),
      systemField('project', 'Project', 'project'),
      systemField('parent', 'Parent', 'issuelink'),
      systemField('status', 'Status', 'status'),
      systemField('resolution', 'Resolution', 'resolution'),
      systemField('issuelinks', 'Linked Issues', 'array', 'issuelinks'),
      systemField('created', 'Created', 'datetime'),
      systemField('updated', 'Updated', 'datetime'),
      ...VMDR_FIELDS.map(([name, kind], i) => customField(10100 + i, name, kind)),
      // Extra types for coercion tests.
      customField(10200, 'First Seen', 'datetime'),
      customField(10201, 'Remediation Due', 'datepicker'),
      customField(10202, 'Deployment Tier', 'select', ['Production', 'Staging', 'Development']),
      customField(10203, 'Exposure', 'radiobuttons', ['Internet', 'Internal']),
      customField(10204, 'Affected Zones', 'multiselect', ['dmz', 'internal', 'cloud']),
      customField(10205, 'Compliance', 'multicheckboxes', ['PCI', 'SOX', 'HIPAA']),
      customField(10206, 'Advisory URL', 'url'),
      customField(10207, 'Scanner Note', 'readonlyfield'),
    ],
    linkTypes: [
      { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
      { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
      { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
    ],
    requiredFields: [],
    offScreenFields: [],
    // A classic project's defaults: one screen for create, edit and view.
    screens: [{ id: 1, name: 'Default Screen', tabs: [{ id: 10000, name: 'Field Tab', fields: [] }] }],
    screenSchemes: [{ id: 1, name: 'Default Screen Scheme', screens: { default: 1 } }],
    issueTypeScreenSchemes: [{ id: '1', name: 'Default Issue Type Screen Scheme', projectIds: ['10000', '10001'], mappings: { default: 1 } }],
    apiCreatedFields: [],
    fieldContexts: {},
    admin: true,
  };
}
