import { SEVERITY_RANK, severityName } from '../../model/severity.js';
import type { RenderedCustomField } from '../../templates/types.js';
import { toAdf, toWiki } from './richText.js';
import type { JiraField } from './wire.js';

/** Jira text limits: 255 for single-line text, 32,767 for multi-line (jira-and-peers.md §1.6). */
export const TEXTFIELD_LIMIT = 255;
export const TEXT_LIMIT = 32_767;
const LABEL_LIMIT = 255;
const CUSTOM_PREFIX = 'com.atlassian.jira.plugin.system.customfieldtypes:';

export type FieldKind = 'number' | 'labels' | 'textarea' | 'select' | 'multiselect' | 'datetime' | 'date' | 'textfield' | 'string';

/**
 * The value shape Jira expects, from the field's `schema` in GET /field: custom type key
 * first (…customfieldtypes:<t>, jira-and-peers.md §1.7), then the JSON type for fields of
 * apps we do not know.
 */
export function fieldKind(field: JiraField): FieldKind {
  const custom = field.schema?.custom ?? '';
  const t = custom.startsWith(CUSTOM_PREFIX) ? custom.slice(CUSTOM_PREFIX.length) : '';
  switch (t) {
    case 'float':
      return 'number';
    case 'labels':
      return 'labels';
    case 'textarea':
      return 'textarea';
    case 'select':
    case 'radiobuttons':
      return 'select';
    case 'multiselect':
    case 'multicheckboxes':
      return 'multiselect';
    case 'datetime':
      return 'datetime';
    case 'datepicker':
      return 'date';
    case 'textfield':
      return 'textfield';
    case 'url':
    case 'readonlyfield':
      return 'string';
  }
  switch (field.schema?.type) {
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'option':
      return 'select';
    case 'array':
      return field.schema.items === 'option' ? 'multiselect' : field.schema.items === 'string' ? 'labels' : 'string';
    default:
      return 'string';
  }
}

/**
 * The Jira value for a rendered custom field, or undefined to leave the field out (empty,
 * or not a number / date Jira would accept). Shapes per DefectDojo's guide (§1.7): text
 * "s", select {value}, multiselect [{value}], labels ["a"], number 0, date "1970-01-01",
 * datetime "1970-01-01T03:30:00.000+0200". Textarea takes ADF on v3 and wiki on v2 (§1.1).
 */
export function coerceField(field: JiraField, cf: RenderedCustomField, cloud: boolean): unknown {
  const text = cf.text.trim();
  if (!text) return undefined;
  if (cf.type === 'severity') return coerceSeverity(field, text, cloud);
  switch (fieldKind(field)) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'labels': {
      // Values come comma-separated (`${TAGS}` renders "Cloud Agent, PCI"); a value with
      // spaces stays one label, its spaces made `_` by sanitizeLabels (Jira refuses spaces).
      const labels = sanitizeLabels(text.split(/\s*,\s*/));
      return labels.length ? labels : undefined;
    }
    case 'textarea':
      return cloud ? toAdf(cf.rich, TEXT_LIMIT) : toWiki(cf.rich, TEXT_LIMIT);
    case 'select':
      return { value: text };
    case 'multiselect': {
      const values = [...new Set(text.split(',').map((v) => v.trim()).filter(Boolean))];
      return values.map((value) => ({ value }));
    }
    case 'datetime':
      return jiraDateTime(text);
    case 'date':
      return jiraDate(text);
    case 'textfield':
      return clip(text.replace(/[\r\n]+/g, ' '), TEXTFIELD_LIMIT);
    default:
      return clip(text, TEXT_LIMIT);
  }
}

/**
 * A severity on the one scale (a Qualys level 5..1 or a name, model/severity.ts): the
 * option name of a select (Information shows as `Info`), the rank 5..1 of a number field,
 * the name elsewhere; Unknown is left out.
 */
function coerceSeverity(field: JiraField, text: string, cloud: boolean): unknown {
  const name = severityName(text);
  if (name === 'Unknown') return undefined;
  const option = name === 'Information' ? 'Info' : name;
  switch (fieldKind(field)) {
    case 'number':
      return SEVERITY_RANK[name];
    case 'select':
      return { value: option };
    case 'multiselect':
      return [{ value: option }];
    case 'labels':
      return [option];
    case 'textarea':
      return coerceField(field, { name: '', text: option, rich: [{ text: option, value: true }] }, cloud);
    default:
      return option;
  }
}

/** Labels cannot contain spaces and are at most 255 characters (§1.6). */
export function sanitizeLabels(raw: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of raw) {
    const l = r.trim().replace(/\s+/g, '_').slice(0, LABEL_LIMIT);
    if (l) out.add(l);
  }
  return [...out];
}

export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSZ` with a numeric zone (Jira parses `Z` as RFC 822, e.g. +0000). */
export function jiraDateTime(text: string): string | undefined {
  // Container Security and some APIs give epoch milliseconds (or seconds).
  const epoch = /^\d{10}(\d{3})?$/.test(text) ? Number(text) * (text.length === 10 ? 1000 : 1) : undefined;
  const ms = epoch ?? Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `yyyy-MM-dd`; a value that starts with a date keeps that date (no time-zone shift). */
export function jiraDate(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text);
  if (m) return m[1];
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}
