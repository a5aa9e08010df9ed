import type { Handler, SimReply } from './simRoutes.js';
import type { SimStore } from './simStore.js';

/*
 * Jira Cloud's bulk operations (OpenAPI: submitBulkTransition, submitBulkEdit,
 * getBulkOperationProgress): a submit answers 201 `{taskId}`; the change is made at once,
 * and the task reports RUNNING for `pollsBeforeDone` polls, then COMPLETE with the issues
 * it moved (`processedAccessibleIssues`, issue ids) and those it could not
 * (`failedAccessibleIssues`, issue id → reasons). Both need the global Bulk Change
 * permission (403 without it; `SimData.bulkChange`). Cloud only: Data Center has no bulk endpoints.
 */

/** At most this many issues per submit (Jira's documented limit). */
export const SIM_BULK_LIMIT = 1000;

export interface SimBulkOptions {
  /** Polls that answer RUNNING before the task answers COMPLETE (default 0: the first poll sees it done). */
  pollsBeforeDone: number;
  /** Issue key → reason: these issues fail in any bulk task that selects them (e.g. a transition that is not available). */
  failures: Map<string, string>;
}

export interface SimBulkCounts {
  permissionChecks: number;
  transitionSubmits: number;
  editSubmits: number;
  polls: number;
  /** Issues the bulk tasks changed. */
  issuesChanged: number;
}

interface Task {
  id: string;
  created: string;
  total: number;
  processed: number[];
  failed: Record<string, string[]>;
  invalid: number;
  polls: number;
}

const FORBIDDEN: SimReply = { status: 403, body: { errors: [{ message: 'You do not have the global Bulk Change permission.' }] } };

export class SimBulk {
  readonly options: SimBulkOptions = { pollsBeforeDone: 0, failures: new Map() };
  readonly counts: SimBulkCounts = { permissionChecks: 0, transitionSubmits: 0, editSubmits: 0, polls: 0, issuesChanged: 0 };
  private readonly tasks = new Map<string, Task>();
  private next = 10640;

  constructor(private readonly store: SimStore) {}

  /** A submitted task as the queue knows it; undefined for an unknown id. */
  task(id: string): Readonly<Task> | undefined {
    return this.tasks.get(id);
  }

  routes(): Array<[string, string, Handler]> {
    if (this.store.flavor !== 'cloud') return [];
    return [
      ['POST', 'bulk/issues/transition', (c) => {
        if (c.v !== '3') return { status: 404, body: { errorMessages: ['null for uri'], errors: {} } };
        this.counts.transitionSubmits++;
        if (this.store.data.bulkChange === false) return FORBIDDEN;
        const b = c.body as { bulkTransitionInputs: Array<{ selectedIssueIdsOrKeys: string[]; transitionId: string }> };
        const total = b.bulkTransitionInputs.reduce((n, i) => n + i.selectedIssueIdsOrKeys.length, 0);
        if (total > SIM_BULK_LIMIT) return { status: 400, body: { errors: [{ message: `A bulk operation takes at most ${SIM_BULK_LIMIT} issues.` }] } };
        return this.submit(b.bulkTransitionInputs.flatMap((input) => input.selectedIssueIdsOrKeys.map((k) => ({ k, apply: () => this.transition(k, input.transitionId) }))));
      }],
      ['POST', 'bulk/issues/fields', (c) => {
        if (c.v !== '3') return { status: 404, body: { errorMessages: ['null for uri'], errors: {} } };
        this.counts.editSubmits++;
        if (this.store.data.bulkChange === false) return FORBIDDEN;
        const b = c.body as {
          selectedActions: string[];
          selectedIssueIdsOrKeys: string[];
          editedFieldsInput: { labelsFields?: Array<{ fieldId: string; bulkEditMultiSelectFieldOption: string; labels: Array<{ name: string }> }> };
        };
        const unlisted = (b.editedFieldsInput.labelsFields ?? []).map((f) => f.fieldId).filter((f) => !b.selectedActions.includes(f));
        if (unlisted.length) return { status: 400, body: { errors: [{ message: `The following editedFieldInput values are not listed as selectedActions : ${unlisted.join(', ')}` }] } };
        const other = Object.keys(b.editedFieldsInput).filter((k) => k !== 'labelsFields');
        if (other.length) return { status: 400, body: { errors: [{ message: `the simulator edits labels only, not ${other.join(', ')}` }] } };
        if (b.selectedIssueIdsOrKeys.length > SIM_BULK_LIMIT) return { status: 400, body: { errors: [{ message: `A bulk operation takes at most ${SIM_BULK_LIMIT} issues.` }] } };
        const ops = (b.editedFieldsInput.labelsFields ?? []).flatMap((f) => {
          const verb = f.bulkEditMultiSelectFieldOption === 'REMOVE' ? 'remove' : 'add';
          return f.labels.map((l) => ({ [verb]: l.name }));
        });
        return this.submit(b.selectedIssueIdsOrKeys.map((k) => ({ k, apply: () => this.edit(k, ops) })));
      }],
      ['GET', 'bulk/queue/([^/]+)', (_c, m) => {
        this.counts.polls++;
        const task = this.tasks.get(m[1] as string);
        if (!task) return { status: 404, body: { errorMessages: ['The task associated with this taskId could not be found.'], errors: {} } };
        task.polls++;
        const done = task.polls > this.options.pollsBeforeDone;
        const now = new Date().toISOString();
        return {
          status: 200,
          body: {
            taskId: task.id,
            status: done ? 'COMPLETE' : 'RUNNING',
            progressPercent: done ? 100 : 50,
            created: task.created,
            started: task.created,
            updated: now,
            submittedBy: { accountId: '5b10ac8d82e05b22cc7d4ef5' },
            totalIssueCount: task.total,
            invalidOrInaccessibleIssueCount: task.invalid,
            processedAccessibleIssues: done ? task.processed : [],
            failedAccessibleIssues: done ? task.failed : {},
          },
        };
      }],
    ];
  }

  private submit(items: Array<{ k: string; apply: () => string | undefined }>): SimReply {
    const task: Task = { id: String(this.next++), created: new Date().toISOString(), total: items.length, processed: [], failed: {}, invalid: 0, polls: 0 };
    for (const { k, apply } of items) {
      const issue = this.store.issue(k);
      if (!issue) {
        task.invalid++;
        continue;
      }
      const injected = this.options.failures.get(issue.key);
      const reason = injected ?? apply();
      if (reason) task.failed[issue.id] = [reason];
      else {
        task.processed.push(Number(issue.id));
        this.counts.issuesChanged++;
      }
    }
    this.tasks.set(task.id, task);
    return { status: 201, body: { taskId: task.id } };
  }

  /** The reason the issue could not be moved, or undefined when it was. */
  private transition(k: string, transitionId: string): string | undefined {
    const o = this.store.doTransition(k, { transition: { id: transitionId } });
    if ('ok' in o) return undefined;
    const e = o.error as { errorMessages?: string[]; errors?: Record<string, string> };
    return [...(e.errorMessages ?? []), ...Object.values(e.errors ?? {})].join(' ') || `status ${o.status}`;
  }

  private edit(k: string, ops: Array<Record<string, string>>): string | undefined {
    const o = this.store.editIssue(k, { update: { labels: ops } }, '3');
    if ('ok' in o) return undefined;
    const e = o.error as { errorMessages?: string[]; errors?: Record<string, string> };
    return [...(e.errorMessages ?? []), ...Object.values(e.errors ?? {})].join(' ') || `status ${o.status}`;
  }
}
