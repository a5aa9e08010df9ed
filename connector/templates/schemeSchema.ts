import { z } from 'zod';
import { MODULE_NAMES } from './modulePlaceholders.js';
import { CUSTOM_FIELD_TYPES, OPERATION_WORDS } from './types.js';

/*
 * The shape of a ticketing-scheme file: the Qualys Jira connector's format
 * (shared/reference/qualys-ticketing-templates, qualys.md §0) plus a top-level
 * `$schema` key for editors. This schema checks shape only; meaning (placeholders,
 * priority ranges, operation words, Primary Key) is checked by validateScheme so that
 * all problems of a file are reported together. The titles and descriptions below are
 * what editors show as help (templates/ticketing-scheme.schema.json is generated from
 * this file by writeSchema.ts).
 */

/** Objects reject unknown keys (a typo such as `lables` would otherwise be silently ignored). */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed keys here: ${allowed}` : undefined),
  });
}

const templateText = (title: string, description: string) =>
  z.string().meta({
    title,
    description:
      `${description} Placeholders: \${NAME} or \${PATH.TO.VALUE}; \${A|B|C} is the first of A, B, C that is not empty ` +
      '(e.g. \${IP|IPV6|DNS|NETBIOS|ID}). A line that starts with \${?} is left out when all its placeholders are empty. ' +
      'Every module also has \${PROJECT_KEY} and, for jobs with an `sla:` policy, \${SLA.DUE_DATE} (YYYY-MM-DD), \${SLA.DAYS}, ' +
      '\${SLA.DAYS_LEFT}, \${SLA.STATE} (on-track, due-soon, breached), \${SLA.KEV} (the CISA KEV due date, or "no") and \${SLA.KEV_RANSOMWARE} (docs/sla.md).',
  });

const customField = strict({
  value: templateText('Value', 'Template for the field value.'),
  customFieldId: z
    .string()
    .regex(/^(customfield_\d+)?$/, { error: 'must be empty or a Jira field id like customfield_10042' })
    .optional()
    .meta({
      title: 'Jira custom field id',
      description:
        'customfield_NNNNN of this field in your Jira. Empty: vulnbridge looks the field up by its name (the key of this entry), which must then be unique in Jira.',
    }),
  type: z.enum(CUSTOM_FIELD_TYPES).optional().meta({
    title: 'Field type',
    description:
      'What `vulnbridge setup` creates in Jira and how the value is written: text (single line), paragraph, number, date, datetime, labels (comma-separated values, spaces become "_"), select (one of `options`), severity (a select of Critical, High, Medium, Low, Info; the value, a Qualys level 5..1 or a severity name, is put on that scale, and a number field gets 5..1). Absent: inferred from the placeholder (e.g. ${QDS.content} is a number, ${FIRST_FOUND_DATETIME} a datetime, ${VULN.CVES} labels).',
  }),
  options: z.array(z.string().min(1)).optional().meta({
    title: 'Select options',
    description: 'The options `vulnbridge setup` gives a select field, e.g. ["Qualys VMDR", "JFrog Xray"].',
  }),
  required: z.boolean().optional().meta({
    title: 'Required',
    description:
      'true: a Jira without this field fails the setup check (the job does not run). Absent or false: the field is left out of the tickets, with one warning per cycle, until it exists (`vulnbridge setup --apply` creates it).',
  }),
}).meta({ id: 'CustomField', title: 'Custom field', description: 'A Jira custom field, keyed by its display name exactly as in Jira.' });

const ticket = strict({
  ticketKey: z.string().optional().meta({
    title: 'Ticket key (ignored)',
    description: 'Qualys templates carry the string "null". vulnbridge remembers Jira keys itself, so this value is not used.',
  }),
  issueType: z.string().min(1).meta({
    title: 'Issue type',
    description: 'Jira issue type name, e.g. "Task" or "Bug". It must exist in the project.',
    examples: ['Task', 'Bug'],
  }),
  summary: templateText('Summary', 'One line; newlines are collapsed and the result is cut to 255 characters (Jira\'s limit).').min(1),
  description: templateText('Description', 'Ticket description. Blank lines separate paragraphs. Values are escaped for Jira.').optional(),
  comment: templateText('Comment', 'Comment vulnbridge adds when it updates the ticket.').optional(),
  attachment: templateText('Attachment', 'Long text kept apart from the description (Qualys WAS templates put the scan result here).').optional(),
  labels: z.array(templateText('Label', 'Whitespace becomes "_"; a label whose placeholders are all empty is dropped.')).optional().meta({
    title: 'Labels',
    description: 'Jira labels set by the template. Labels people add in Jira are kept: vulnbridge only adds and removes its own.',
  }),
  custom_fields: z.record(z.string(), customField).optional().meta({
    title: 'Custom fields',
    description: 'Jira custom fields by display name. "Primary Key" is required: it identifies the ticket of a finding.',
    required: ['Primary Key'],
  }),
}).meta({ id: 'Ticket', title: 'Ticket', description: 'What one Jira issue looks like.' });

const linkedPayload = strict({
  parent: ticket.meta({ title: 'Parent ticket', description: 'One ticket per host / web app / container / image.' }),
  relatedTicket: ticket.meta({ title: 'Related ticket', description: 'One ticket per finding, linked to (or under) the parent.' }),
});

const criterion = z.union([z.number(), z.string()]).meta({
  title: 'Criterion',
  description:
    'An inclusive integer range "lo-hi" (e.g. "70-89"), an exact integer (5) or an exact text ("CRITICAL", case-insensitive).',
});

const priorityRule = strict({
  matchWith: z.string().min(1).meta({
    title: 'Match with',
    description: 'Template whose rendered value picks the priority, e.g. "${QDS.content}". "Jira default" leaves the priority unset.',
    examples: ['${QDS.content}', '${TRURISK_SCORE}', '${SEVERITY}', 'Jira default'],
  }),
  criteria: z.record(z.string(), criterion).meta({
    title: 'Criteria',
    description:
      'Jira priority name → criterion. Ranges must not overlap and must be contiguous (next low = previous high + 1). Empty ({}) with "Jira default".',
  }),
}).meta({ id: 'PriorityRule', title: 'Priority rule' });

const perRolePriority = strict({
  parent: priorityRule.meta({ title: 'Parent priority' }),
  relatedTicket: priorityRule.meta({ title: 'Related ticket priority' }),
});

const metadata = strict({
  moduleName: z.string().meta({
    title: 'Module',
    description: 'Qualys module whose data the template uses; it decides which placeholders exist.',
    enum: [...MODULE_NAMES],
  }),
  returnFields: z.array(z.string()).optional().meta({
    title: 'Return fields (ignored)',
    description: 'Qualys connector setting, always ["summary","key"]; accepted and not used.',
  }),
  operationField: z.string().min(1).meta({
    title: 'Operation field',
    description: 'Template whose value selects the operationMappings entry, e.g. "${STATUS}".',
    examples: ['${STATUS}', '${state}', '${imageStatus}'],
  }),
  projectKey: z.string().optional().meta({
    title: 'Project key',
    description: 'Keep "${PROJECT_KEY}": the Jira project comes from the job configuration.',
    examples: ['${PROJECT_KEY}'],
  }),
  jiraTicketAction: z.string().optional().meta({
    title: 'Jira ticket action',
    description: 'Qualys CS-Image setting, e.g. "${jiraTicketAction}": a child whose value renders as "Create" is always kept open (Qualys scheme 7).',
  }),
  dueDateField: z.string().min(1).optional().meta({
    title: 'Due date field',
    description:
      'Jobs with an `sla:` policy send the remediation due date as Jira\'s Due date (duedate). Set this to the name of a custom field of this template whose value is "${SLA.DUE_DATE}" to put it there instead, or to "none" to write no due date (the SLA labels stay).',
    examples: ['Remediation Due', 'none'],
  }),
  operationMappings: z.record(z.string(), z.string().meta({ enum: [...OPERATION_WORDS] })).meta({
    title: 'Operation mappings',
    description:
      'Status value → operation. Flat tickets: open, close. Parent/related tickets: link, unlink, linkDiff, unlinkAll, openDiff, closeAll. "<STATUS>/Ignored" keys apply to findings ignored in Qualys.',
  }),
  workflowMappings: z.record(z.string(), z.string().min(1)).meta({
    title: 'Workflow mappings',
    description: 'Status value → Jira status name the ticket should reach (via whatever transition leads there).',
  }),
  priorityMapping: z.union([perRolePriority, priorityRule]).optional().meta({
    title: 'Priority mapping',
    description: 'Flat schemes: one rule. Parent/related schemes: {"parent": rule, "relatedTicket": rule}. Absent: Jira default.',
  }),
}).meta({ title: 'Metadata' });

export const schemeFileSchema = strict({
  $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
  template: strict({
    metadata,
    payload: z.union([linkedPayload, ticket]).meta({
      title: 'Payload',
      description: 'Either one ticket (one ticket per finding) or {"parent": ticket, "relatedTicket": ticket}.',
    }),
  }).meta({ title: 'Template' }),
}).meta({
  title: 'vulnbridge ticketing scheme',
  description: 'How findings become Jira tickets: the Qualys Jira connector ticketing-scheme format. Guide: docs/templates.md.',
});

export type SchemeFile = z.infer<typeof schemeFileSchema>;
export type SchemeTicket = z.infer<typeof ticket>;
export type SchemePriorityRule = z.infer<typeof priorityRule>;
