import { basename } from 'node:path';
import type { TemplateError } from '../errors.js';
import { isJiraDefault, parseCriterion } from './priorityCriteria.js';
import type { SchemeFile, SchemePriorityRule, SchemeTicket } from './schemeSchema.js';
import { templateProblem } from './templateProblem.js';
import type { OperationWord, PriorityCriterion, PriorityRule, TicketRole, TicketScheme, TicketTemplate } from './types.js';

export const PRIMARY_KEY_FIELD = 'Primary Key';

/** JSON path of a role's ticket and priority rule in the file (for messages). */
export function ticketPath(kind: TicketScheme['kind'], role: TicketRole): string {
  if (kind === 'single') return 'template.payload';
  return role === 'parent' ? 'template.payload.parent' : 'template.payload.relatedTicket';
}
export function priorityPath(kind: TicketScheme['kind'], role: TicketRole): string {
  if (kind === 'single') return 'template.metadata.priorityMapping';
  return role === 'parent' ? 'template.metadata.priorityMapping.parent' : 'template.metadata.priorityMapping.relatedTicket';
}

type RawMapping = NonNullable<SchemeFile['template']['metadata']['priorityMapping']>;

/**
 * A shape-valid scheme file as the engine's TicketScheme. Problems that need the raw
 * file (criteria syntax, priorityMapping form vs payload form, projectKey) are returned;
 * the rest is validateScheme's job.
 */
export function toTicketScheme(
  raw: SchemeFile,
  file: string,
  lines: Readonly<Record<string, number>> = {},
): { scheme: TicketScheme; problems: TemplateError[] } {
  const problems: TemplateError[] = [];
  const problem = (path: string, message: string, hint?: string): void => {
    problems.push(templateProblem(file, path, message, { hint, lines }));
  };
  const { metadata, payload } = raw.template;
  const kind: TicketScheme['kind'] = 'parent' in payload ? 'linked' : 'single';
  const mapping = metadata.priorityMapping;
  const perRole = mapping !== undefined && 'parent' in mapping;

  if (mapping && kind === 'single' && perRole) {
    problem('template.metadata.priorityMapping', 'priorityMapping has parent/relatedTicket rules but the payload is a single ticket', 'use one rule: {"matchWith": "${QDS.content}", "criteria": {...}}');
  }
  if (mapping && kind === 'linked' && !perRole) {
    problem('template.metadata.priorityMapping', 'priorityMapping is a single rule but the payload has parent and relatedTicket', 'use {"parent": {"matchWith": ..., "criteria": ...}, "relatedTicket": {...}}');
  }
  if (metadata.projectKey !== undefined && metadata.projectKey.trim() !== '${PROJECT_KEY}') {
    problem('template.metadata.projectKey', `projectKey "${metadata.projectKey}" is not supported`, 'keep "${PROJECT_KEY}": the Jira project comes from the job configuration (jira.project)');
  }

  const ruleFor = (role: TicketRole): PriorityRule => {
    const path = priorityPath(kind, role);
    let rule: SchemePriorityRule | undefined;
    if (mapping && kind === 'single' && !perRole) rule = mapping as SchemePriorityRule;
    if (mapping && kind === 'linked' && perRole) {
      const roles = mapping as Extract<RawMapping, { parent: unknown }>;
      rule = role === 'parent' ? roles.parent : roles.relatedTicket;
    }
    return convertRule(rule, path, problem);
  };

  const tickets: Partial<Record<TicketRole, TicketTemplate>> = {};
  if ('parent' in payload) {
    tickets.parent = convertTicket('parent', payload.parent, ruleFor('parent'));
    tickets.child = convertTicket('child', payload.relatedTicket, ruleFor('child'));
  } else {
    tickets.single = convertTicket('single', payload, ruleFor('single'));
  }

  const scheme: TicketScheme = {
    file,
    name: basename(file).replace(/\.json$/i, ''),
    moduleName: metadata.moduleName,
    kind,
    operationField: metadata.operationField,
    // Words are checked (with the list of allowed ones) by validateScheme.
    operationMappings: metadata.operationMappings as Record<string, OperationWord>,
    workflowMappings: metadata.workflowMappings,
    tickets,
    sourceLines: lines,
  };
  scheme.subtasks = schemeUsesSubtasks(scheme);
  if (metadata.jiraTicketAction !== undefined) scheme.ticketAction = metadata.jiraTicketAction;
  if (metadata.dueDateField !== undefined) scheme.dueDateField = metadata.dueDateField;
  return { scheme, problems };
}

/** The sub-task operation words (CS `*_Sub` schemes): children are created as sub-tasks of the parent. */
export function schemeUsesSubtasks(scheme: Pick<TicketScheme, 'kind' | 'operationMappings' | 'subtasks'>): boolean {
  if (scheme.subtasks !== undefined) return scheme.subtasks;
  return scheme.kind === 'linked' && Object.values(scheme.operationMappings).some((op) => op === 'openDiff' || op === 'closeAll');
}

function convertTicket(role: TicketRole, t: SchemeTicket, priority: PriorityRule): TicketTemplate {
  const customFields = Object.entries(t.custom_fields ?? {}).map(([name, f]) => ({
    name,
    value: f.value,
    ...(f.customFieldId ? { customFieldId: f.customFieldId } : {}),
    ...(f.type ? { type: f.type } : {}),
    ...(f.options ? { options: f.options } : {}),
    ...(f.required ? { required: true } : {}),
  }));
  const template: TicketTemplate = {
    role,
    issueType: t.issueType,
    summary: t.summary,
    description: t.description ?? '',
    labels: t.labels ?? [],
    customFields,
    primaryKey: customFields.find((f) => f.name === PRIMARY_KEY_FIELD)?.value ?? '',
    priority,
  };
  if (t.comment !== undefined) template.comment = t.comment;
  if (t.attachment !== undefined) template.attachment = t.attachment;
  return template;
}

function convertRule(
  rule: SchemePriorityRule | undefined,
  path: string,
  problem: (path: string, message: string, hint?: string) => void,
): PriorityRule {
  if (!rule) return { jiraDefault: true };
  const entries = Object.entries(rule.criteria);
  if (isJiraDefault(rule.matchWith)) {
    if (entries.length) problem(`${path}.criteria`, 'criteria must be empty ({}) when matchWith is "Jira default"', 'remove the criteria, or set matchWith to a placeholder such as "${QDS.content}"');
    return { jiraDefault: true };
  }
  if (entries.length === 0) {
    problem(`${path}.criteria`, `no criteria for matchWith "${rule.matchWith}"`, 'add priority ranges such as {"High": "70-89"}, or set matchWith to "Jira default"');
  }
  const criteria: PriorityCriterion[] = [];
  for (const [priority, value] of entries) {
    const parsed = parseCriterion(priority, value);
    if (typeof parsed === 'string') {
      problem(`${path}.criteria.${priority}`, `criterion for ${priority} ${parsed}`, 'allowed: an inclusive range "lo-hi", an integer, or a text');
    } else criteria.push(parsed);
  }
  return { jiraDefault: false, matchWith: rule.matchWith, criteria };
}
