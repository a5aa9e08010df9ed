import type { FoundIssue } from '../types.js';
import type { JiraApi } from './jiraApi.js';
import { jqlString, labelsJql } from './jql.js';
import { issueStatusOf } from './transitioner.js';
import type { JiraIssue } from './wire.js';

/** Labels per query: keeps the JQL (sent in the URL of a GET) well under URL limits. */
const LABELS_PER_QUERY = 50;
const PAGE_SIZE = 100;
const FIELDS = ['labels', 'status'];

/**
 * Issues carrying any of the labels. Cloud pages `/rest/api/3/search/jql` by
 * nextPageToken until isLast (no total); Data Center pages `/rest/api/2/search` by
 * startAt against total (jira-and-peers.md §1.9). Cloud search is eventually consistent:
 * an issue created seconds ago may be missing, so this is for recovery, not dedup.
 */
export async function findByLabels(api: JiraApi, project: string, labels: readonly string[]): Promise<FoundIssue[]> {
  const found = new Map<string, FoundIssue>();
  const unique = [...new Set(labels)];
  for (let i = 0; i < unique.length; i += LABELS_PER_QUERY) {
    const jql = labelsJql(project, unique.slice(i, i + LABELS_PER_QUERY));
    for await (const issue of search(api, jql)) {
      const status = issue.fields.status;
      if (!status) continue;
      found.set(issue.key, { key: issue.key, id: issue.id, labels: issue.fields.labels ?? [], status: issueStatusOf(status) });
    }
  }
  return [...found.values()];
}

async function* search(api: JiraApi, jql: string): AsyncGenerator<JiraIssue> {
  if (api.cloud) {
    let token: string | undefined;
    do {
      const page = await api.searchCloud(jql, FIELDS, PAGE_SIZE, token);
      yield* page.issues;
      token = page.isLast === false || (page.isLast === undefined && page.nextPageToken) ? page.nextPageToken : undefined;
    } while (token);
    return;
  }
  for (let startAt = 0; ; ) {
    const page = await api.searchDataCenter(jql, FIELDS, PAGE_SIZE, startAt);
    yield* page.issues;
    startAt += page.issues.length;
    if (page.issues.length === 0 || page.total === undefined || startAt >= page.total) return;
  }
}

/**
 * The newest issues carrying a label, newest first: one page, one request. The pipeline
 * compares their keys with its own records to notice a lost or restored-from-backup
 * database before it creates anything.
 */
export async function newestWithLabel(api: JiraApi, project: string, label: string, limit: number): Promise<FoundIssue[]> {
  const jql = `project = ${jqlString(project)} AND labels = ${jqlString(label)} ORDER BY created DESC`;
  const page = api.cloud ? await api.searchCloud(jql, FIELDS, limit) : await api.searchDataCenter(jql, FIELDS, limit, 0);
  return page.issues
    .filter((issue) => issue.fields.status)
    .map((issue) => ({ key: issue.key, id: issue.id, labels: issue.fields.labels ?? [], status: issueStatusOf(issue.fields.status!) }));
}
