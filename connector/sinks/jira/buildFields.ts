import { SinkError } from '../../errors.js';
import type { RenderedCustomField, RenderedTicket } from '../../templates/types.js';
import type { JiraFields } from '../types.js';
import type { PreparedProject } from './checkSetup.js';
import { clip, coerceField, sanitizeLabels, TEXT_LIMIT, TEXTFIELD_LIMIT } from './coerceField.js';
import { richToAdf, toPlain, toWiki } from './richText.js';
import type { JiraField } from './wire.js';

export interface BuildFieldsContext {
  project: PreparedProject;
  parentKey?: string;
  cloud: boolean;
  host: string;
  fieldFor(cf: RenderedCustomField): JiraField | undefined;
  /** Custom fields to leave out because Jira has none by that name (see checkSetup). */
  omitted?: { has(name: string): boolean };
  /** This Jira cannot take `duedate` for the project (not on its screens, or no Schedule Issues permission). */
  noDueDate?: boolean;
}

/**
 * The Jira `fields` of a rendered ticket. Empty values are left out (Jira rejects empty
 * ADF and empty options; an absent field keeps Jira's default). Rich text is ADF on
 * Cloud v3 and wiki markup on v2/Data Center (jira-and-peers.md §1.1).
 */
export function buildFields(ticket: RenderedTicket, ctx: BuildFieldsContext): JiraFields {
  const issueType = ctx.project.issueTypes.get(ticket.issueType.toLowerCase());
  const fields: JiraFields = {
    project: { key: ctx.project.key },
    issuetype: issueType ? { id: issueType.id } : { name: ticket.issueType },
    // Jira rejects newlines in a summary and more than 255 characters (§1.6).
    summary: clip(ticket.summary.replace(/[\r\n]+/g, ' ').trim(), TEXTFIELD_LIMIT),
  };
  const plain = toPlain(ticket.description);
  if (plain.trim()) {
    fields.description = ctx.cloud ? richToAdf(ticket.description, plain, TEXT_LIMIT) : toWiki(ticket.description, TEXT_LIMIT);
  }
  const labels = sanitizeLabels(ticket.labels);
  if (labels.length) fields.labels = labels;
  if (ticket.priority !== undefined) fields.priority = { name: ticket.priority };
  if (ctx.parentKey) fields.parent = { key: ctx.parentKey };
  // Jira's due date takes YYYY-MM-DD (DefectDojo PR #2650).
  if (ticket.dueDate && !ctx.noDueDate) fields.duedate = ticket.dueDate;
  for (const cf of ticket.customFields) {
    if (ctx.omitted?.has(cf.name) && !cf.customFieldId?.trim()) continue;
    const field = ctx.fieldFor(cf);
    if (!field) {
      throw new SinkError('SINK_SETUP_INVALID', `custom field '${cf.name}' was not resolved on Jira at ${ctx.host}`, {
        host: ctx.host,
        hint: 'prepare() must check the scheme this ticket was rendered from',
      });
    }
    const value = coerceField(field, cf, ctx.cloud);
    if (value !== undefined) fields[field.id] = value;
  }
  return fields;
}
