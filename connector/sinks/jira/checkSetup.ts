import { ProblemList, SinkError } from '../../errors.js';
import { schemeUsesSubtasks } from '../../templates/toTicketScheme.js';
import type { TicketRole, TicketScheme, TicketTemplate } from '../../templates/types.js';
import { closeMatches } from './closeMatches.js';

/** The Qualys format's identity field; optional on Jira since the identity also travels as an issue property. */
export const PRIMARY_KEY_FIELD = 'Primary Key';
import type { JiraApi } from './jiraApi.js';
import { JiraRejectedError } from './mapError.js';
import type { JiraField, JiraIssueType, JiraLinkType, JiraStatus } from './wire.js';

export interface PreparedProject {
  key: string;
  id: string;
  /** By lower-case name: Jira issue type and status names are unique ignoring case. */
  issueTypes: ReadonlyMap<string, JiraIssueType>;
  statusesByType: ReadonlyMap<string, readonly JiraStatus[]>;
}

export interface SetupResult {
  project: PreparedProject;
  fieldsById: ReadonlyMap<string, JiraField>;
  /** Template custom-field name → the Jira field it names. */
  fieldsByTemplateName: ReadonlyMap<string, JiraField>;
  /**
   * Template custom fields Jira does not have and that are left out of the tickets (every
   * field the template does not mark `required`; `Primary Key` is one), each with a note
   * naming close matches when Jira has some.
   */
  omittedFields: ReadonlyMap<string, string>;
  linkType?: JiraLinkType;
}

/** Where each role's template lives in the Qualys scheme file, for problem paths. */
const PAYLOAD_PATH: Record<TicketRole, string> = { single: 'payload', parent: 'payload.parent', child: 'payload.relatedTicket' };
const PRIORITY_PATH: Record<TicketRole, string> = {
  single: 'metadata.priorityMapping.criteria',
  parent: 'metadata.priorityMapping.parent.criteria',
  child: 'metadata.priorityMapping.relatedTicket.criteria',
};

/**
 * Checks, in as few reads as Jira allows, everything the schemes will need when tickets
 * are written, and reports every problem at once: a first run should not fail ticket by
 * ticket on a misspelt field (Jira answers "cannot be set. It is not on the appropriate
 * screen, or unknown", jira-and-peers.md §1.7).
 */
export async function checkSetup(
  api: JiraApi,
  req: { project: string; schemes: readonly TicketScheme[]; signal?: AbortSignal },
  opts: { host: string; linkType: string },
): Promise<SetupResult> {
  const { host } = opts;
  const key = req.project;
  const signal = req.signal;
  const problems: SinkError[] = [];
  const seen = new Set<string>();
  const problem = (message: string, where: { file?: string; path?: string; hint?: string }) => {
    if (seen.has(`${where.file}\n${message}`)) return;
    seen.add(`${where.file}\n${message}`);
    problems.push(new SinkError('SINK_SETUP_INVALID', message, { host, ...where }));
  };
  const templates = req.schemes.flatMap((scheme) =>
    (Object.entries(scheme.tickets) as Array<[TicketRole, TicketTemplate | undefined]>)
      .filter((e): e is [TicketRole, TicketTemplate] => e[1] !== undefined)
      .map(([role, t]) => ({ scheme, role, t })),
  );
  // Sub-task schemes hang children under the parent with `fields.parent`: no link type needed.
  const needsLink = req.schemes.some((s) => s.kind === 'linked' && !schemeUsesSubtasks(s));

  // Credentials first: every other answer is meaningless without them.
  await api.myself(signal);
  const [project, fields, linkTypes] = await Promise.all([
    api.project(key, signal).catch(undefinedOn404),
    api.fields(signal),
    needsLink ? api.linkTypes(signal) : Promise.resolve(undefined),
  ]);

  const fieldsById = new Map(fields.map((f) => [f.id, f]));
  const fieldsByTemplateName = new Map<string, JiraField>();
  const omittedFields = new Map<string, string>();
  for (const { scheme, role, t } of templates) {
    for (const cf of t.customFields) {
      const path = `${PAYLOAD_PATH[role]}.custom_fields.${cf.name}`;
      const id = cf.customFieldId?.trim();
      if (id) {
        const f = fieldsById.get(id);
        if (f) fieldsByTemplateName.set(cf.name, f);
        else {
          problem(`custom field id ${id} ('${cf.name}') does not exist on Jira at ${host}`, {
            file: scheme.file,
            path,
            hint: 'fix customFieldId or leave it empty to resolve the field by name',
          });
        }
        continue;
      }
      const named = fields.filter((f) => f.name === cf.name);
      const custom = named.filter((f) => f.custom !== false);
      const chosen = custom.length === 1 ? custom[0] : custom.length === 0 && named.length === 1 ? named[0] : undefined;
      if (chosen) {
        fieldsByTemplateName.set(cf.name, chosen);
      } else if (named.length > 1) {
        problem(`${named.length} fields on Jira at ${host} are named '${cf.name}' (${named.map((f) => f.id).join(', ')})`, {
          file: scheme.file,
          path,
          hint: 'set customFieldId in the template to the one to fill',
        });
      } else {
        const near = closeMatches(cf.name, fields.map((f) => f.name));
        const close = near.length ? ` (close matches: ${near.map((n) => `'${n}'`).join(', ')})` : '';
        if (!cf.required) {
          // Optional fields (all but those the template marks required) are left out until
          // they exist; `Primary Key`'s identity also travels in the `vulnbridge` issue
          // property and the marker label. The sink warns once per cycle.
          omittedFields.set(cf.name, close);
          continue;
        }
        problem(`custom field '${cf.name}' does not exist on Jira at ${host}${close}, and the template marks it required`, {
          file: scheme.file,
          path,
          hint: 'run `vulnbridge setup --apply` to create it, create it by hand, or fix its name in the template (it must match exactly, case and punctuation included)',
        });
      }
    }
  }

  let linkType: JiraLinkType | undefined;
  if (linkTypes) {
    linkType = linkTypes.find((l) => l.name.toLowerCase() === opts.linkType.toLowerCase());
    if (!linkType) {
      problem(`issue link type '${opts.linkType}' does not exist on Jira at ${host} (available: ${linkTypes.map((l) => l.name).join(', ') || 'none'})`, {
        path: 'sink.linkType',
        hint: 'set sink.linkType to one of the available types',
      });
    }
  }

  if (!project) {
    const visible = await api.projects(signal).catch(() => []);
    problem(
      `project ${key} does not exist on Jira at ${host}, or the account cannot browse it${list('visible projects', visible.map((p) => p.key).slice(0, 20))}`,
      { path: 'project', hint: 'fix the job\'s `project`, or grant the account Browse projects on it' },
    );
    throw setupProblems(host, key, problems);
  }

  const [issueTypeList, statusList, priorityList] = await Promise.all([
    api.createMetaIssueTypes(key, signal),
    api.projectStatuses(key, signal),
    api.priorities(project.id, signal),
  ]);
  const issueTypes = new Map(issueTypeList.map((it) => [it.name.toLowerCase(), it]));
  const statusesByType = new Map(statusList.map((s) => [s.name.toLowerCase(), s.statuses]));
  const priorityNames = new Set(priorityList.map((p) => p.name.toLowerCase()));

  for (const { scheme, role, t } of templates) {
    const it = issueTypes.get(t.issueType.toLowerCase());
    if (!it) {
      const available = issueTypeList.map((i) => i.name).join(', ') || 'none the account may create';
      problem(`issue type '${t.issueType}' does not exist in project ${key} (available: ${available})`, {
        file: scheme.file,
        path: `${PAYLOAD_PATH[role]}.issueType`,
        hint: 'add it to the project\'s issue type scheme, or change issueType in the template',
      });
    }
    if (it?.subtask !== undefined) subtaskProblem(scheme, role, it, problem);
    if (!t.priority.jiraDefault) {
      for (const c of t.priority.criteria) {
        if (priorityNames.has(c.priority.toLowerCase())) continue;
        problem(`priority '${c.priority}' does not exist in project ${key} (available: ${priorityList.map((p) => p.name).join(', ')})`, {
          file: scheme.file,
          path: `${PRIORITY_PATH[role]}.${c.priority}`,
          hint: 'use a priority of the project\'s priority scheme',
        });
      }
    }
    const statuses = statusesByType.get(t.issueType.toLowerCase());
    if (!it || !statuses) continue;
    const names = new Set(statuses.map((s) => s.name.toLowerCase()));
    for (const [opKey, target] of Object.entries(scheme.workflowMappings)) {
      if (names.has(target.toLowerCase())) continue;
      problem(`status '${target}' does not exist in project ${key} for issue type ${it.name} (available: ${statuses.map((s) => s.name).join(', ')})`, {
        file: scheme.file,
        path: `metadata.workflowMappings.${opKey}`,
        hint: 'map it to a status of the issue type\'s workflow',
      });
    }
  }

  if (problems.length) throw setupProblems(host, key, problems);
  return { project: { key: project.key, id: project.id, issueTypes, statusesByType }, fieldsById, fieldsByTemplateName, omittedFields, linkType };
}

/**
 * Sub-task schemes (openDiff/closeAll) create each child with `fields.parent`: Jira
 * refuses that for a standard type and refuses a sub-task type without a parent.
 */
function subtaskProblem(
  scheme: TicketScheme,
  role: TicketRole,
  it: JiraIssueType,
  problem: (message: string, where: { file?: string; path?: string; hint?: string }) => void,
): void {
  const path = `${PAYLOAD_PATH[role]}.issueType`;
  if (role === 'child' && schemeUsesSubtasks(scheme) && !it.subtask) {
    problem(`issue type '${it.name}' is not a sub-task type, but the scheme's openDiff/closeAll make children sub-tasks of the parent`, {
      file: scheme.file,
      path,
      hint: 'use a sub-task issue type of the project (e.g. "Sub-task") for relatedTicket, or the linkDiff/unlinkAll words to link issues instead',
    });
  }
  if (role !== 'child' && it.subtask) {
    problem(`issue type '${it.name}' is a sub-task type; a ${role === 'parent' ? 'parent' : 'flat'} ticket has no parent to hang under`, {
      file: scheme.file,
      path,
      hint: 'use a standard issue type (e.g. "Task") here',
    });
  }
}

function setupProblems(host: string, key: string, problems: SinkError[]): ProblemList {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new ProblemList('SINK_SETUP_INVALID', `Jira at ${host} is not ready for project ${key} (${count})`, problems);
}

function list(what: string, items: readonly string[]): string {
  return items.length ? ` (${what}: ${items.join(', ')})` : '';
}

function undefinedOn404(err: unknown): undefined {
  if (err instanceof JiraRejectedError && err.status === 404) return undefined;
  throw err;
}
