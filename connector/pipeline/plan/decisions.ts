import type { OperationDecision, TicketScheme } from '../../templates/types.js';

/** Operation words that keep (or make) a ticket open. */
export const OPENING: ReadonlySet<string> = new Set(['open', 'link', 'linkDiff', 'openDiff']);
/** Operation words that speak for the whole object (the CS schemes, qualys.md §0). */
export const OBJECT_OPS: ReadonlySet<string> = new Set(['linkDiff', 'openDiff', 'unlinkAll', 'closeAll']);
export const REOPEN_SIGNAL = /^re-?opened/i;

/**
 * A decision under `key` that opens or closes the ticket, with the operation and Jira
 * status of the scheme's first plain mapping that does (`fallback` when none does).
 */
export function decisionFor(scheme: TicketScheme, key: string, open: boolean, fallback: OperationDecision): OperationDecision {
  const entries = Object.entries(scheme.operationMappings).filter(([k, op]) => OPENING.has(op) === open && !k.includes('/'));
  const found = (open ? entries.find(([k]) => !REOPEN_SIGNAL.test(k)) : undefined) ?? entries[0];
  if (!found) return fallback;
  const [mapped, op] = found;
  const workflowStatus = scheme.workflowMappings[mapped];
  return { key, op, ...(workflowStatus ? { workflowStatus } : {}) };
}

/** The parent's status when its children are all gone (close) or when one returns (reopen). */
export function statusFor(scheme: TicketScheme, open: boolean): string | undefined {
  const entries = Object.entries(scheme.operationMappings).filter(([, op]) => OPENING.has(op) === open);
  const preferred = open ? entries.find(([k]) => REOPEN_SIGNAL.test(k)) : entries.find(([k]) => !k.includes('/'));
  const key = (preferred ?? entries[0])?.[0];
  return key ? scheme.workflowMappings[key] : undefined;
}

/** Whether a finding's status is the one a source gives findings gone from a complete listing (Xray: Resolved). */
export function isGoneStatus(status: string | undefined, goneStatus: string | undefined): boolean {
  return !!goneStatus && !!status && status.toLowerCase() === goneStatus.toLowerCase();
}
