import type { VulnbridgeError } from '../../errors.js';
import type { CreateRequest, CreateResult } from '../types.js';
import type { JiraApi } from './jiraApi.js';
import { describeJiraErrors, JiraRejectedError, jiraErrorsOf } from './mapError.js';
import { createdIssuesSchema, type JiraCreatedIssues } from './wire.js';

/** "Creates upto 50 issues" per POST /issue/bulk (jira-and-peers.md §1.2). */
export const BULK_LIMIT = 50;

/**
 * Creates the issues 50 at a time and reports each one: Jira's bulk create succeeds
 * partially, listing created issues in request order and failures by
 * `failedElementNumber`; when every element fails it answers 400 with the same body.
 * A host-level failure after some issues were created is attached to the remaining
 * items instead of thrown, so the created keys are not lost.
 */
export async function createInBulk(
  api: JiraApi,
  items: readonly CreateRequest[],
  opts: { host: string; fieldLabel(id: string): string },
): Promise<CreateResult[]> {
  const results: CreateResult[] = [];
  for (let start = 0; start < items.length; start += BULK_LIMIT) {
    const chunk = items.slice(start, start + BULK_LIMIT);
    try {
      const created = await api.createIssues(
        chunk.map((i) => ({
          fields: i.fields,
          // Issue properties ride along with the create: no extra call (IssueUpdateDetails.properties).
          ...(i.properties ? { properties: Object.entries(i.properties).map(([key, value]) => ({ key, value })) } : {}),
        })),
      );
      results.push(...mapBulk(chunk, created, opts));
    } catch (err) {
      const bulk = err instanceof JiraRejectedError && err.status === 400 ? createdIssuesSchema.safeParse(err.body) : undefined;
      if (bulk?.success && bulk.data.errors.length) {
        results.push(...mapBulk(chunk, bulk.data, opts));
      } else if (err instanceof JiraRejectedError) {
        // The request as a whole was refused (for one element: that element's error).
        results.push(...chunk.map((i) => ({ ref: i.ref, error: elementError(i.ref, err.status, err.body, opts) })));
      } else if (!results.some((r) => r.key)) {
        throw err;
      } else {
        results.push(...items.slice(start).map((i) => ({ ref: i.ref, error: err as VulnbridgeError })));
        break;
      }
    }
  }
  return results;
}

function mapBulk(chunk: readonly CreateRequest[], created: JiraCreatedIssues, opts: { host: string; fieldLabel(id: string): string }): CreateResult[] {
  const failed = new Map(created.errors.map((e, n) => [e.failedElementNumber ?? (chunk.length === 1 ? 0 : -1 - n), e]));
  let next = 0;
  return chunk.map((item, i) => {
    const e = failed.get(i);
    if (e) return { ref: item.ref, error: elementError(item.ref, e.status ?? 400, e.elementErrors, opts) };
    const issue = created.issues[next++];
    if (issue) return { ref: item.ref, key: issue.key, id: issue.id };
    return {
      ref: item.ref,
      error: new JiraRejectedError(`Jira reported neither an issue nor an error for ${item.ref} (element ${i} of a bulk create)`, 500, created, { host: opts.host }),
    };
  });
}

function elementError(ref: string, status: number, body: unknown, opts: { host: string; fieldLabel(id: string): string }): JiraRejectedError {
  const detail = describeJiraErrors(body, opts.fieldLabel) || `HTTP ${status}`;
  const field = Object.keys(jiraErrorsOf(body).fieldErrors)[0];
  return new JiraRejectedError(`Jira rejected issue ${ref}: ${detail}`, status, body, {
    host: opts.host,
    path: field ? `fields.${field}` : undefined,
    hint: field ? `check the template's value for ${opts.fieldLabel(field)} and the field's configuration in Jira` : undefined,
  });
}
