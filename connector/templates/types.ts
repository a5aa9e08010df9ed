import type { TemplateContext } from '../model/finding.js';
import type { SlaMemo } from '../model/sla.js';
import type { TicketRole } from '../model/ticketRole.js';

export type { TicketRole };

/** Operation words of the Qualys ticketing-scheme format (`operationMappings` values). */
export type OperationWord = 'open' | 'close' | 'link' | 'unlink' | 'linkDiff' | 'unlinkAll' | 'openDiff' | 'closeAll';
export const OPERATION_WORDS: readonly OperationWord[] = ['open', 'close', 'link', 'unlink', 'linkDiff', 'unlinkAll', 'openDiff', 'closeAll'];

/**
 * Rendered rich text keeps template text apart from scanner values: the template's own
 * text is trusted (it may carry Jira wiki markup), values are untrusted and escaped by
 * the wiki/ADF formatters.
 */
export interface RichSegment {
  text: string;
  /** true = scanner value (escape it), false = template text. */
  value: boolean;
  /**
   * A link from the scanner's text (KnowledgeBase `<A HREF>`), as the scanner wrote it:
   * the formatters make a link of http, https and mailto URLs only and show any other as
   * inert text (`text [url]`, format/linkHref.ts). Only on value segments.
   */
  href?: string;
}
export type RichText = RichSegment[];

export type PriorityCriterion =
  | { priority: string; min: number; max: number }
  | { priority: string; equals: string };

/** `jiraDefault` = leave priority unset so Jira applies the project default. */
export type PriorityRule = { jiraDefault: true } | { jiraDefault: false; matchWith: string; criteria: PriorityCriterion[] };

/**
 * The kind of a custom field, vendor-neutral: what `vulnbridge setup` creates and how the
 * sink coerces the rendered text. `severity` is a single select of the one severity scale
 * (model/severity.ts) whose value is put on that scale (a number field gets its rank).
 */
export type CustomFieldType = 'text' | 'paragraph' | 'number' | 'date' | 'datetime' | 'labels' | 'select' | 'severity';
export const CUSTOM_FIELD_TYPES: readonly CustomFieldType[] = ['text', 'paragraph', 'number', 'date', 'datetime', 'labels', 'select', 'severity'];

export interface CustomFieldTemplate {
  /** Jira field display name, exactly as in Jira (e.g. `Image SHA:`). */
  name: string;
  value: string;
  /** `customfield_NNNNN`; absent = resolve by name from Jira's field list. */
  customFieldId?: string;
  /** Declared kind; absent = inferred from the value's placeholder (templates/inferFieldType.ts). */
  type?: CustomFieldType;
  /** Options of a `select` field (what setup creates). */
  options?: string[];
  /** The ticket cannot be written without it: a Jira that lacks it fails the setup check instead of skipping it. */
  required?: boolean;
}

export interface TicketTemplate {
  role: TicketRole;
  issueType: string;
  summary: string;
  description: string;
  comment?: string;
  attachment?: string;
  labels: string[];
  customFields: CustomFieldTemplate[];
  /** The `Primary Key` custom field's template: the ticket's identity. */
  primaryKey: string;
  priority: PriorityRule;
}

/** A loaded, validated ticketing-scheme file. */
export interface TicketScheme {
  file: string;
  /** File name without `.json`. */
  name: string;
  moduleName: string;
  kind: 'single' | 'linked';
  operationField: string;
  operationMappings: Readonly<Record<string, OperationWord>>;
  workflowMappings: Readonly<Record<string, string>>;
  /** `single` for flat schemes; `parent` and `child` for linked ones. */
  tickets: Partial<Record<TicketRole, TicketTemplate>>;
  /**
   * Children are Jira sub-tasks of the parent (`fields.parent`), not linked issues: the
   * CS `*_Sub` schemes (openDiff/closeAll). Absent in schemes built in code = derive from
   * the operation words (`schemeUsesSubtasks`).
   */
  subtasks?: boolean;
  /**
   * `metadata.jiraTicketAction` (CS-Image), e.g. `${jiraTicketAction}`: a child whose
   * rendered value is `Create` is always kept open (qualys.md §5, scheme 7).
   */
  ticketAction?: string;
  /**
   * `metadata.dueDateField`: the SLA due date is not sent as Jira's `duedate`; the template
   * writes `${SLA.DUE_DATE}` into a field of its own (named here), or `none`.
   */
  dueDateField?: string;
  /**
   * Line of each JSON path in the source file (e.g. `template.payload.summary` → 42), so
   * validation problems found after loading can still point at a line. Absent when the
   * scheme was built in code.
   */
  sourceLines?: Readonly<Record<string, number>>;
}

export interface RenderedCustomField {
  name: string;
  customFieldId?: string;
  /** The template's declared kind, when it declared one (`severity` changes how the value is coerced). */
  type?: CustomFieldType;
  /** Rendered value as plain text (what number/label/select coercion starts from). */
  text: string;
  rich: RichText;
}

/** One ticket as the template says it should look now; the sink maps it to Jira fields. */
export interface RenderedTicket {
  role: TicketRole;
  primaryKey: string;
  issueType: string;
  /** Plain text, at most 255 characters. */
  summary: string;
  description: RichText;
  comment?: RichText;
  attachment?: RichText;
  /** Sanitized: no spaces, no empties, deduplicated. */
  labels: string[];
  /** undefined = Jira default. */
  priority?: string;
  customFields: RenderedCustomField[];
  /** Remediation due date (YYYY-MM-DD) of a job with an SLA policy; the sink writes it to Jira's `duedate`. */
  dueDate?: string;
  /** What the due date was computed from, kept with the ticket (jobs with an SLA policy). */
  sla?: SlaMemo;
}

export interface OperationDecision {
  /** The operation key looked up, e.g. `Active` or `Fixed/Ignored`. */
  key: string;
  op: OperationWord;
  /** Jira status name to reach (from workflowMappings); undefined = no status change wanted. */
  workflowStatus?: string;
}

export type { TemplateContext };
