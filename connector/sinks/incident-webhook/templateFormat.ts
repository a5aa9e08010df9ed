import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import type { TemplateContext } from '../../model/finding.js';
import { lookupPlaceholder, MODULE_NAMES, suggestPlaceholder } from '../../templates/modulePlaceholders.js';
import { parseTemplate } from '../../templates/parseTemplate.js';
import { renderPlain } from '../../templates/renderText.js';
import type { IncidentEvent } from '../../incidents/types.js';

/**
 * The event's own placeholders. They win over a finding field of the same name: in a
 * webhook template `${SEVERITY}` is the incident severity (critical/error/warning/info).
 */
export const EVENT_PLACEHOLDERS = ['ACTION', 'DEDUP_KEY', 'SUMMARY', 'SEVERITY', 'SOURCE', 'TIMESTAMP'] as const;
/** What a group event's finding data holds (buildGroupEvent). */
const GROUP_PLACEHOLDERS = ['GROUP', 'GROUP_BY', 'ISSUES'];

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface WebhookTemplate {
  file: string;
  render(event: IncidentEvent): Json;
}

/**
 * Load a webhook body template: a JSON file whose string values (not keys) may hold
 * `${PLACEHOLDER}`s — the event's (EVENT_PLACEHOLDERS) and any finding field of any
 * module's vocabulary. Checked once, here: bad JSON, a malformed or an unknown
 * placeholder is a ConfigError naming the file and the JSON path.
 */
export function loadWebhookTemplate(file: string): WebhookTemplate {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `cannot read the webhook template: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
      hint: 'check `template` of the webhook action (relative paths are resolved from the working directory, like the job\'s `template`)',
    });
  }
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `the webhook template is not valid JSON: ${(err as Error).message}`, { file });
  }
  const problems: Array<{ path: string; problem: string }> = [];
  walkStrings(body, '$', (s, path) => {
    const parsed = parseTemplate(s);
    for (const p of parsed.problems) problems.push({ path, problem: p });
    for (const name of parsed.placeholders) {
      if (isKnown(name)) continue;
      const hint = suggestion(name);
      problems.push({ path, problem: `unknown placeholder \${${name}}${hint ? ` (did you mean \${${hint}}?)` : ''}` });
    }
  });
  if (problems.length) {
    const listed = problems.slice(0, 10).map((p) => `${p.path}: ${p.problem}`);
    if (problems.length > 10) listed.push(`and ${problems.length - 10} more`);
    throw new ConfigError('CONFIG_INVALID', `the webhook template has ${problems.length} problem(s): ${listed.join('; ')}`, {
      file,
      path: problems[0]?.path,
      hint: `placeholders: ${EVENT_PLACEHOLDERS.join(', ')} and the finding fields of the templates guide`,
    });
  }
  return { file, render: (event) => renderJson(body, templateContext(event)) };
}

/** The finding's data with the event's fields over it. */
export function templateContext(event: IncidentEvent): TemplateContext {
  return {
    ...(event.finding?.data ?? {}),
    ACTION: event.action,
    DEDUP_KEY: event.dedupKey,
    SUMMARY: event.summary,
    SEVERITY: event.severity,
    SOURCE: event.source,
    TIMESTAMP: event.timestamp,
  };
}

function isKnown(name: string): boolean {
  const head = name.split('.')[0] ?? '';
  if ((EVENT_PLACEHOLDERS as readonly string[]).includes(name)) return true;
  if (GROUP_PLACEHOLDERS.includes(head)) return true;
  return MODULE_NAMES.some((m) => lookupPlaceholder(m, name) !== undefined);
}

function suggestion(name: string): string | undefined {
  const event = EVENT_PLACEHOLDERS.find((e) => e.toLowerCase() === name.toLowerCase());
  if (event) return event;
  for (const m of MODULE_NAMES) {
    const s = suggestPlaceholder(m, name);
    if (s) return s;
  }
  return undefined;
}

function walkStrings(value: Json, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, visit);
  }
}

function renderJson(value: Json, ctx: TemplateContext): Json {
  if (typeof value === 'string') return value.includes('${') ? renderPlain(value, ctx) : value;
  if (Array.isArray(value)) return value.map((v) => renderJson(v, ctx));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderJson(v, ctx);
    return out;
  }
  return value;
}

