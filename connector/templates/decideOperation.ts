import { TemplateError } from '../errors.js';
import type { TemplateContext } from '../model/finding.js';
import { renderPlain } from './renderText.js';
import { oneLine } from './renderTicket.js';
import type { OperationDecision, TicketScheme } from './types.js';

/**
 * What to do with a finding's ticket: render operationField (e.g. `${STATUS}` → "Fixed"),
 * look it up in operationMappings and take the Jira status for the same key from
 * workflowMappings. An ignored finding looks up `<STATUS>/Ignored` first (the Qualys
 * templates map every "<STATUS>/Ignored" key to close/unlink; qualys.md §0), then `<STATUS>`.
 * Keys match exactly, else case-insensitively. An unmapped value throws a TemplateError
 * naming the value and the mapped keys; the pipeline reports and skips that finding.
 */
export function decideOperation(scheme: TicketScheme, ctx: TemplateContext, ignored: boolean): OperationDecision {
  const status = oneLine(renderPlain(scheme.operationField, ctx));
  const mapped = Object.keys(scheme.operationMappings);
  if (status === '') {
    throw new TemplateError('TEMPLATE_INVALID', `operationField ${scheme.operationField} rendered empty for this finding`, {
      file: scheme.file,
      path: 'template.metadata.operationField',
      hint: `the finding carries no value for it; mapped values: ${mapped.join(', ')}`,
    });
  }
  const wanted = ignored ? [`${status}/Ignored`, status] : [status];
  for (const candidate of wanted) {
    const key = findKey(mapped, candidate);
    if (key === undefined) continue;
    const op = scheme.operationMappings[key];
    if (op === undefined) continue;
    const decision: OperationDecision = { key, op };
    const workflowStatus = Object.prototype.hasOwnProperty.call(scheme.workflowMappings, key) ? scheme.workflowMappings[key] : undefined;
    if (workflowStatus) decision.workflowStatus = workflowStatus;
    return decision;
  }
  throw new TemplateError('TEMPLATE_INVALID', `no operationMappings entry for status "${status}"${ignored ? ' (ignored finding)' : ''}`, {
    file: scheme.file,
    path: 'template.metadata.operationMappings',
    hint: `mapped: ${mapped.join(', ') || '(none)'}; add "${wanted[0]}" to operationMappings and workflowMappings`,
  });
}

function findKey(keys: readonly string[], wanted: string): string | undefined {
  if (keys.includes(wanted)) return wanted;
  const lower = wanted.toLowerCase();
  return keys.find((k) => k.toLowerCase() === lower);
}
