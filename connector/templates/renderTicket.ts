import { TemplateError } from '../errors.js';
import type { TemplateContext } from '../model/finding.js';
import { cleanText } from './format/cleanText.js';
import { segmentPlainText } from './format/linkHref.js';
import { matchPriority } from './priorityCriteria.js';
import { renderPlain, renderRich, renderUnlessAllEmpty } from './renderText.js';
import type { RenderedCustomField, RenderedTicket, RichText, TicketRole, TicketScheme, TicketTemplate } from './types.js';

/** Jira rejects longer summaries: "Summary can't exceed 255 characters." (DefectDojo#5651). */
const SUMMARY_LIMIT = 255;
/** Jira's label length limit (labels field: 255 characters). */
export const LABEL_LIMIT = 255;

/**
 * One ticket as the template says it should look for this finding. `opts.projectKey`
 * fills `${PROJECT_KEY}`. Pure: same scheme and context, same result.
 */
export function renderTicket(scheme: TicketScheme, role: TicketRole, ctx: TemplateContext, opts: { projectKey: string }): RenderedTicket {
  const t = ticketOf(scheme, role);
  const pk = opts.projectKey;
  const rendered = renderTicketHead(scheme, role, ctx, opts);
  rendered.description = renderRich(t.description, ctx, pk);
  // A loop, not a map callback: a dozen fields per ticket, one ticket or two per finding.
  const customFields: RenderedCustomField[] = [];
  for (const f of t.customFields) {
    const rich = renderRich(f.value, ctx, pk);
    const field: RenderedCustomField = { name: f.name, text: plainOf(rich), rich };
    if (f.customFieldId) field.customFieldId = f.customFieldId;
    if (f.type) field.type = f.type;
    customFields.push(field);
  }
  rendered.customFields = customFields;
  if (t.comment) rendered.comment = renderRich(t.comment, ctx, pk);
  if (t.attachment) rendered.attachment = renderRich(t.attachment, ctx, pk);
  return rendered;
}

/**
 * The head of a ticket: its identity, type, summary, labels and priority, with no
 * description, custom fields, comment or attachment (what a dry run shows of a ticket
 * it would create). renderTicket fills in the rest, in the same key order.
 */
export function renderTicketHead(scheme: TicketScheme, role: TicketRole, ctx: TemplateContext, opts: { projectKey: string }): RenderedTicket {
  const t = ticketOf(scheme, role);
  // `${PROJECT_KEY}` is opts.projectKey: passed down instead of copying the context per render.
  const pk = opts.projectKey;
  const rendered: RenderedTicket = {
    role,
    primaryKey: oneLine(renderPlain(t.primaryKey, ctx, pk)),
    issueType: t.issueType,
    summary: cut(oneLine(renderPlain(t.summary, ctx, pk)), SUMMARY_LIMIT, '…'),
    description: [],
    labels: renderLabels(t.labels, ctx, pk),
    customFields: [],
  };
  const priority = t.priority.jiraDefault ? undefined : matchPriority(t.priority, oneLine(renderPlain(t.priority.matchWith, ctx, pk)));
  if (priority !== undefined) rendered.priority = priority;
  return rendered;
}

/** Just the identity of the role's ticket for a finding (cheaper than a full render). */
export function renderPrimaryKey(scheme: TicketScheme, role: TicketRole, ctx: TemplateContext): string {
  return oneLine(renderPlain(ticketOf(scheme, role).primaryKey, ctx));
}

function ticketOf(scheme: TicketScheme, role: TicketRole): TicketTemplate {
  const t = scheme.tickets[role];
  if (t) return t;
  const roles = Object.keys(scheme.tickets).join(', ');
  throw new TemplateError('TEMPLATE_INVALID', `scheme "${scheme.name}" has no ${role} ticket`, {
    file: scheme.file,
    hint: `this scheme renders: ${roles}`,
  });
}

/**
 * Labels: whitespace → "_" (Jira: "The label '…' can't contain spaces", nuclei#1689),
 * dropped when empty or when every placeholder in it is empty (`port-${PORT}` on a
 * host-level QID), at most 255 characters, deduplicated.
 */
function renderLabels(templates: readonly string[], ctx: TemplateContext, projectKey: string): string[] {
  const out: string[] = [];
  for (const template of templates) {
    const text = renderUnlessAllEmpty(template, ctx, projectKey);
    if (text === undefined) continue;
    const label = cut(cleanText(text).trim().replace(/\s+/g, '_'), LABEL_LIMIT, '');
    if (label !== '' && !out.includes(label)) out.push(label);
  }
  return out;
}

function plainOf(rich: RichText): string {
  let text = '';
  for (const seg of rich) text += segmentPlainText(seg);
  return cleanText(text).trim();
}

/** One line: control characters dropped, every whitespace run (newlines included) one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** At most `limit` UTF-16 units, never splitting a surrogate pair; `mark` ends a cut text. */
function cut(text: string, limit: number, mark: string): string {
  if (text.length <= limit) return text;
  let end = limit - mark.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + mark;
}
