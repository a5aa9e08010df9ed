import type { InferredField } from '../../templates/inferFieldType.js';
import type { FieldKind } from './coerceField.js';

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';

/**
 * The Jira custom field type and searcher `vulnbridge setup` creates for each kind
 * (POST /rest/api/3|2/field `type` and `searcherKey`, the built-in keys of Jira's
 * CustomFieldDefinitionJsonBean), and the existing field kinds (coerceField.fieldKind)
 * a template field of that kind can be written to.
 */
export const JIRA_FIELD_TYPES: Readonly<Record<InferredField['type'], { type: string; searcherKey: string; label: string; accepts: readonly FieldKind[] }>> = {
  text: { type: `${CF}textfield`, searcherKey: `${CF}textsearcher`, label: 'Text Field (single line)', accepts: ['textfield', 'string', 'textarea'] },
  paragraph: { type: `${CF}textarea`, searcherKey: `${CF}textsearcher`, label: 'Paragraph (multi-line text)', accepts: ['textarea', 'string'] },
  // The range searcher, so JQL and the issue navigator take `"CVSS Score" >= 9`.
  number: { type: `${CF}float`, searcherKey: `${CF}numberrange`, label: 'Number Field', accepts: ['number'] },
  date: { type: `${CF}datepicker`, searcherKey: `${CF}daterange`, label: 'Date Picker', accepts: ['date', 'datetime'] },
  datetime: { type: `${CF}datetime`, searcherKey: `${CF}datetimerange`, label: 'Date Time Picker', accepts: ['datetime', 'date'] },
  labels: { type: `${CF}labels`, searcherKey: `${CF}labelsearcher`, label: 'Labels', accepts: ['labels', 'multiselect'] },
  select: { type: `${CF}select`, searcherKey: `${CF}multiselectsearcher`, label: 'Select List (single choice)', accepts: ['select', 'multiselect'] },
};

/** How a report names a kind: `number`, `select (Critical, High, …)`. */
export function describeKind(f: InferredField): string {
  return f.type === 'select' ? `select (${(f.options ?? []).join(', ')})` : f.type === 'datetime' ? 'date-time' : f.type === 'text' ? 'single line text' : f.type;
}
