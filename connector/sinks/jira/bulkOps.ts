import { z } from 'zod';
import { describeError, ExternalHostError } from '../../errors.js';
import { sleep as realSleep, type Sleep } from '../../http/sleep.js';
import type { Logger } from '../../log.js';
import type { BulkIssue, BulkOutcome, BulkSubmitted, TicketBulk } from '../types.js';
import type { JiraApi } from './jiraApi.js';
import { JiraRejectedError } from './mapError.js';
import { issueStatusOf, type Transitioner } from './transitioner.js';

/** Issues per bulk task: Jira Cloud's limit for bulk edit and bulk transition (jira-reporting-sla-bulk.md Q5). */
export const BULK_OP_LIMIT = 1000;
/**
 * Fewest issues sharing one change that go in bulk: below it the one-issue calls cost about
 * as much (a task is a submit and at least one poll) and say more in the log.
 */
export const BULK_THRESHOLD = 20;
/** How long one outcome is waited for before the task is left to the next cycle (it goes on in Jira). */
const MAX_WAIT_MS = 10 * 60_000;

const submittedSchema = z.looseObject({ taskId: z.string() });
const permissionsSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean().optional() })),
});
/** GET /rest/api/3/bulk/queue/{taskId}: BulkOperationProgress (issue ids as numbers). */
const progressSchema = z.looseObject({
  status: z.string().optional(),
  processedAccessibleIssues: z.array(z.union([z.number(), z.string()])).optional(),
  failedAccessibleIssues: z.record(z.string(), z.array(z.string())).optional(),
  progressPercent: z.number().optional(),
});
const ENDED = new Set(['COMPLETE', 'FAILED', 'CANCELLED', 'DEAD']);

/**
 * Jira Cloud's bulk transition and bulk edit (`POST /rest/api/3/bulk/issues/transition`,
 * `/bulk/issues/fields`, polled at `GET /rest/api/3/bulk/queue/{taskId}`; jira.js 5.4.0 has
 * no typed calls for them, so they go through JiraApi.rest: the same client, retries and
 * error mapping as every call). They need the global Bulk Change permission.
 */
export class JiraBulk implements TicketBulk {
  readonly threshold = BULK_THRESHOLD;
  readonly limit = BULK_OP_LIMIT;
  private permitted?: Promise<boolean>;
  private refused = false;

  constructor(
    private readonly api: JiraApi,
    private readonly transitioner: Transitioner,
    private readonly o: { host: string; log: Logger; sleep?: Sleep },
  ) {}

  available(): Promise<boolean> {
    if (this.refused) return Promise.resolve(false);
    this.permitted ??= this.checkPermission();
    return this.permitted;
  }

  async submitMove(issues: readonly BulkIssue[], target: string, known: { project: string; issueType: string; status?: string }): Promise<BulkSubmitted | undefined> {
    const first = issues[0];
    if (!first || !(await this.available())) return undefined;
    const transitions = await this.transitioner.learn(first.key, known);
    const chosen = this.transitioner.known(known, target) ?? undefined;
    // A transition with a screen may need fields (a resolution) that a bulk transition cannot send.
    if (!chosen || (chosen as { hasScreen?: boolean }).hasScreen === true) {
      if (!chosen) this.transitioner.forget(known);
      this.o.log.debug('no screenless transition for a bulk move; moving one by one', { to: target, from: known.status, available: transitions.map((t) => t.name) });
      return undefined;
    }
    const data = { bulkTransitionInputs: [{ selectedIssueIdsOrKeys: issues.map((i) => i.id), transitionId: chosen.id }], sendBulkNotification: false };
    const r = await this.submit(`bulk transition of ${issues.length} issue(s) to '${target}' (POST /bulk/issues/transition)`, 'bulk/issues/transition', data);
    return r === undefined ? undefined : { taskId: r, to: issueStatusOf(chosen.to) };
  }

  async submitLabels(issues: readonly BulkIssue[], change: { add: readonly string[]; remove: readonly string[] }): Promise<BulkSubmitted | undefined> {
    if (issues.length === 0 || !(await this.available())) return undefined;
    if (change.add.length > 0 === change.remove.length > 0) throw new Error('a bulk label change either adds or removes');
    const [option, labels] = change.add.length ? (['ADD', change.add] as const) : (['REMOVE', change.remove] as const);
    const data = {
      selectedActions: ['labels'],
      selectedIssueIdsOrKeys: issues.map((i) => i.id),
      editedFieldsInput: { labelsFields: [{ fieldId: 'labels', bulkEditMultiSelectFieldOption: option, labels: labels.map((name) => ({ name })) }] },
      sendBulkNotification: false,
    };
    const r = await this.submit(`bulk edit of the labels of ${issues.length} issue(s) (POST /bulk/issues/fields)`, 'bulk/issues/fields', data);
    return r === undefined ? undefined : { taskId: r };
  }

  async outcome(taskId: string, o: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<BulkOutcome | 'running' | undefined> {
    const wait = this.o.sleep ?? realSleep;
    const limit = o.maxWaitMs ?? MAX_WAIT_MS;
    // Bounded by the time waited between polls (the calls' own time aside): the same count of polls however fast Jira answers.
    for (let pause = 250, waited = 0; ; waited += pause, pause = Math.min(pause * 2, 5000)) {
      let p: z.infer<typeof progressSchema>;
      try {
        p = await this.api.rest(`read bulk task ${taskId} (GET /bulk/queue)`, { method: 'GET', path: `bulk/queue/${encodeURIComponent(taskId)}` }, progressSchema, { signal: o.signal });
      } catch (err) {
        // Jira forgets finished tasks after a while (and answers 400 to an id that is no bulk task).
        if (err instanceof JiraRejectedError && (err.status === 404 || err.status === 400)) return undefined;
        throw err;
      }
      if (p.status && ENDED.has(p.status)) {
        const failed = new Map(Object.entries(p.failedAccessibleIssues ?? {}).map(([id, reasons]) => [id, reasons.join('; ') || 'failed']));
        return { complete: p.status === 'COMPLETE', done: new Set((p.processedAccessibleIssues ?? []).map(String)), failed };
      }
      if (waited + pause > limit) return 'running';
      await wait(pause, o.signal);
    }
  }

  private async checkPermission(): Promise<boolean> {
    try {
      const r = await this.api.rest('check the Bulk Change permission (GET /mypermissions)', { method: 'GET', path: 'mypermissions', params: { permissions: 'BULK_CHANGE' } }, permissionsSchema);
      if (r.permissions.BULK_CHANGE?.havePermission === true) return true;
      this.o.log.info(
        "Jira bulk changes are not used: the account lacks the global 'Make bulk changes' (Bulk Change) permission; mass closes and SLA labels go one issue per call. Grant it to the account's group under Jira settings > System > Global permissions (docs/operations.md)",
        { host: this.o.host },
      );
      return false;
    } catch (err) {
      // Asked again at the next mass change: an unreachable Jira at startup does not rule bulk out for the daemon's life.
      this.permitted = undefined;
      this.o.log.info('Jira bulk changes are not used for now: the Bulk Change permission could not be checked; mass changes go one issue per call until it can be', { host: this.o.host, error: describeError(err) });
      return false;
    }
  }

  /** The task id; undefined when Jira refused bulk for the account (403): one issue per call from then on. */
  private async submit(what: string, path: string, data: unknown): Promise<string | undefined> {
    try {
      const r = await this.api.rest(what, { method: 'POST', path, data }, submittedSchema, { once: true });
      return r.taskId;
    } catch (err) {
      if (!(err instanceof ExternalHostError) || err.status !== 403) throw err;
      this.refused = true;
      this.o.log.info('Jira refused a bulk change (403): the account lacks the global Bulk Change permission; mass changes go one issue per call from now on', { host: this.o.host, error: describeError(err) });
      return undefined;
    }
  }
}
