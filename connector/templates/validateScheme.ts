import { ProblemList, type TemplateError } from '../errors.js';
import { isModuleName, lookupPlaceholder, MODULE_NAMES, placeholderNames, suggestPlaceholder, type ModuleName } from './modulePlaceholders.js';
import { parseTemplate } from './parseTemplate.js';
import { criteriaProblems } from './priorityCriteria.js';
import { abbreviateList, templateProblem } from './templateProblem.js';
import { PRIMARY_KEY_FIELD, priorityPath, ticketPath } from './toTicketScheme.js';
import { OPERATION_WORDS, type OperationWord, type TicketScheme, type TicketTemplate } from './types.js';

/** Operation words per payload form (qualys.md §0: flat schemes open/close, linked ones link/unlink or the CS Diff/All words). */
const WORDS_FOR_KIND: Readonly<Record<TicketScheme['kind'], readonly OperationWord[]>> = {
  single: ['open', 'close'],
  linked: ['link', 'unlink', 'linkDiff', 'unlinkAll', 'openDiff', 'closeAll'],
};

/** Throws one ProblemList (TEMPLATE_INVALID) naming every problem of the scheme. */
export function validateScheme(scheme: TicketScheme): void {
  const problems = collectSchemeProblems(scheme);
  if (problems.length) throw schemeProblemList(scheme.file, problems);
}

/** One ProblemList for a file, problems in file order (those without a line last). */
export function schemeProblemList(file: string, problems: TemplateError[]): ProblemList {
  const n = problems.length;
  const sorted = [...problems].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  return new ProblemList('TEMPLATE_INVALID', `${file}: ${n} problem${n === 1 ? '' : 's'} in the ticketing scheme`, sorted);
}

/** Every meaning problem of a scheme: module, placeholders, operations, workflow, priorities, Primary Key. */
export function collectSchemeProblems(scheme: TicketScheme): TemplateError[] {
  const problems: TemplateError[] = [];
  const lines = scheme.sourceLines;
  const problem = (path: string, message: string, hint?: string): void => {
    problems.push(templateProblem(scheme.file, path, message, { hint, lines }));
  };

  const module = isModuleName(scheme.moduleName) ? scheme.moduleName : undefined;
  if (!module) {
    problem('template.metadata.moduleName', `unknown moduleName "${scheme.moduleName}"`, `known modules: ${MODULE_NAMES.join(', ')}`);
  }
  const checkText = (path: string, template: string): void => {
    const parsed = parseTemplate(template);
    for (const message of parsed.problems) problem(path, message);
    if (!module) return;
    for (const name of new Set(parsed.placeholders)) {
      if (lookupPlaceholder(module, name)) continue;
      problem(path, `unknown placeholder \${${name}} for module ${module}`, placeholderHint(module, name));
    }
  };

  checkText('template.metadata.operationField', scheme.operationField);
  if (parseTemplate(scheme.operationField).placeholders.length === 0) {
    problem('template.metadata.operationField', `operationField "${scheme.operationField}" has no placeholder, so every finding gets the same operation`, 'use the status placeholder, e.g. "${STATUS}"');
  }
  checkOperations(scheme, problem);
  checkWorkflow(scheme, problem);

  for (const ticket of Object.values(scheme.tickets)) {
    if (!ticket) continue;
    const base = ticketPath(scheme.kind, ticket.role);
    checkTicket(ticket, base, checkText, problem);
    const rule = ticket.priority;
    if (rule.jiraDefault) continue;
    const rulePath = priorityPath(scheme.kind, ticket.role);
    checkText(`${rulePath}.matchWith`, rule.matchWith);
    for (const p of criteriaProblems(rule.criteria)) problem(`${rulePath}.criteria.${p.priority}`, p.message, p.hint);
  }
  return problems;
}

type Report = (path: string, message: string, hint?: string) => void;

function checkOperations(scheme: TicketScheme, problem: Report): void {
  const entries = Object.entries(scheme.operationMappings);
  if (entries.length === 0) {
    problem('template.metadata.operationMappings', 'operationMappings is empty, so no finding would ever get a ticket', 'map each status value to an operation, e.g. {"Active": "open", "Fixed": "close"}');
  }
  const fitting = WORDS_FOR_KIND[scheme.kind];
  const form = scheme.kind === 'single' ? 'one ticket per finding' : 'parent and relatedTicket tickets';
  for (const [key, word] of entries) {
    const path = `template.metadata.operationMappings.${key}`;
    if (!(OPERATION_WORDS as readonly string[]).includes(word)) {
      problem(path, `unknown operation "${word}"`, `allowed: ${OPERATION_WORDS.join(', ')}; with ${form}: ${fitting.join(', ')}`);
    } else if (!fitting.includes(word)) {
      problem(path, `operation "${word}" does not fit a scheme with ${form}`, `use one of: ${fitting.join(', ')}`);
    }
  }
}

function checkWorkflow(scheme: TicketScheme, problem: Report): void {
  const opKeys = Object.keys(scheme.operationMappings);
  for (const [key, status] of Object.entries(scheme.workflowMappings)) {
    const path = `template.metadata.workflowMappings.${key}`;
    if (typeof status !== 'string' || status.trim() === '') {
      problem(path, 'workflow status must be a non-empty Jira status name', 'e.g. "To Do", "Done", or your workflow\'s status names');
    }
    if (!opKeys.includes(key)) {
      problem(path, `workflowMappings has "${key}" but operationMappings does not`, `operationMappings keys: ${opKeys.join(', ') || '(none)'}`);
    }
  }
}

function checkTicket(ticket: TicketTemplate, base: string, checkText: (path: string, t: string) => void, problem: Report): void {
  if (ticket.issueType.trim() === '') problem(`${base}.issueType`, 'issueType must not be empty', 'e.g. "Task"');
  if (ticket.summary.trim() === '') problem(`${base}.summary`, 'summary must not be empty');
  checkText(`${base}.summary`, ticket.summary);
  checkText(`${base}.description`, ticket.description);
  if (ticket.comment !== undefined) checkText(`${base}.comment`, ticket.comment);
  if (ticket.attachment !== undefined) checkText(`${base}.attachment`, ticket.attachment);
  ticket.labels.forEach((label, i) => checkText(`${base}.labels[${i}]`, label));
  for (const field of ticket.customFields) {
    checkText(`${base}.custom_fields.${field.name}.value`, field.value);
    if (field.type === 'select' && !field.options?.length) problem(`${base}.custom_fields.${field.name}.options`, 'a select field needs its options', 'e.g. "options": ["Qualys VMDR", "JFrog Xray"]');
    if (field.options && field.type !== 'select') problem(`${base}.custom_fields.${field.name}.options`, 'options are for "type": "select" only', 'add "type": "select", or remove options');
  }

  const pk = ticket.customFields.find((f) => f.name === PRIMARY_KEY_FIELD);
  if (!pk) {
    const nearly = ticket.customFields.find((f) => f.name.trim().toLowerCase() === PRIMARY_KEY_FIELD.toLowerCase());
    problem(
      `${base}.custom_fields`,
      `missing the "${PRIMARY_KEY_FIELD}" custom field`,
      nearly
        ? `rename "${nearly.name}" to "${PRIMARY_KEY_FIELD}"`
        : `add "${PRIMARY_KEY_FIELD}": {"value": "Host ID:\${ID}-QID:\${QID}-Port:\${PORT}", "customFieldId": ""}: it identifies the ticket of a finding (Jira field type: Text Field (read only) or single line)`,
    );
  } else if (parseTemplate(pk.value).placeholders.length === 0) {
    problem(`${base}.custom_fields.${PRIMARY_KEY_FIELD}.value`, `"${PRIMARY_KEY_FIELD}" has no placeholder, so every finding would map to the same ticket`, 'build it from the finding\'s identity, e.g. "Host ID:${ID}-QID:${QID}-Port:${PORT}"');
  }
}

function placeholderHint(module: ModuleName, name: string): string {
  const suggestion = suggestPlaceholder(module, name);
  const allowed = abbreviateList(placeholderNames(module));
  return `${suggestion ? `did you mean \${${suggestion}}? ` : ''}allowed for ${module}: ${allowed} (full list: docs/templates.md)`;
}
