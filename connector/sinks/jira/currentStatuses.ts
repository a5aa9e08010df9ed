import type { IssueStatus } from '../types.js';
import type { JiraApi } from './jiraApi.js';
import { jqlString } from './jql.js';
import { JiraRejectedError } from './mapError.js';
import { issueStatusOf } from './transitioner.js';

/** Keys per query: Jira's search pages hold 100 issues, and the JQL stays short enough for a GET. */
export const KEYS_PER_QUERY = 100;
/**
 * Jira refuses a `key in (...)` naming an issue that no longer exists, with one message
 * per such key: "An issue with key 'VULN-7' does not exist for field 'key'." (Cloud and
 * Data Center alike). The keys it names are gone; the query is asked again without them.
 */
const GONE_KEY = /(?:issue with key|issue key) '([^']+)' (?:does not exist|for field 'key' is invalid)/i;

/**
 * The current status of each issue, by key: `null` for one Jira no longer has (deleted,
 * or moved out of sight). A key missing from the answer is one Jira did not report
 * either way (e.g. moved to another project under a new key): not a deletion.
 */
export async function currentStatuses(api: JiraApi, keys: readonly string[]): Promise<Map<string, IssueStatus | null>> {
  const out = new Map<string, IssueStatus | null>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
    let batch = unique.slice(i, i + KEYS_PER_QUERY);
    // Each round removes at least one key, so this ends.
    while (batch.length) {
      try {
        const jql = `key in (${batch.map(jqlString).join(', ')})`;
        const page = api.cloud ? await api.searchCloud(jql, ['status'], batch.length) : await api.searchDataCenter(jql, ['status'], batch.length, 0);
        for (const issue of page.issues) if (issue.fields.status) out.set(issue.key, issueStatusOf(issue.fields.status));
        break;
      } catch (err) {
        const gone = err instanceof JiraRejectedError && err.status === 400 ? goneKeys(err.messages, batch) : [];
        if (gone.length === 0) throw err;
        for (const k of gone) out.set(k, null);
        batch = batch.filter((k) => !gone.includes(k));
      }
    }
  }
  return out;
}

function goneKeys(messages: readonly string[], asked: readonly string[]): string[] {
  const named = messages.map((m) => GONE_KEY.exec(m)?.[1]).filter((k): k is string => !!k);
  return named.filter((k) => asked.includes(k));
}
