import { SinkError, VulnbridgeError } from '../../errors.js';
import type { ReportingStore } from '../../state/reportingStore.js';
import type { DesiredDashboard } from './desiredReporting.js';

export interface ReportLine {
  /** create/update/remove: a write (made with --apply); ok: in step; stale: listed for --prune; skip: left out. */
  action: 'create' | 'update' | 'ok' | 'remove' | 'stale' | 'skip';
  kind: 'filter' | 'dashboard' | 'gadget' | 'recipe';
  name: string;
  detail?: string;
}
export interface ApplyOptions {
  apply: boolean;
  prune: boolean;
  state: ReportingStore;
  /** Per-job filters of jobs not in this run are not listed as stale (`--job`). */
  onlyJob?: string;
  /** Data Center: writes the dashboard recipe; returns the path. */
  writeRecipe(d: DesiredDashboard, filterIds: Map<string, string>): string;
}

/** A create Jira refused, said as what was being made and what to do about it. */
export async function creating<T>(host: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof VulnbridgeError) || err.code === 'HOST_UNREACHABLE' || err.code === 'AUTH_FAILED') throw err;
    const m = err.message;
    const hint = /group/i.test(m)
      ? 'the share names a group Jira does not have: create it in Jira, or change `share: { group: ... }` in reporting:'
      : /permission|share/i.test(m)
        ? 'the account needs the global permission "Create shared objects"; a Jira admin grants it'
        : (err.hint ?? 'see the message; fix it in Jira or in reporting:, then run again');
    throw new SinkError('SINK_SETUP_INVALID', `cannot create ${what}: ${m}`, { host, hint, cause: err });
  }
}

