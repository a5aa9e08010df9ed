import { SinkError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { IssueStatus, StatusCategory } from '../types.js';
import type { JiraApi } from './jiraApi.js';
import { JiraRejectedError } from './mapError.js';
import type { JiraIssue, JiraStatus, JiraTransition } from './wire.js';

const CATEGORIES: readonly string[] = ['new', 'indeterminate', 'done'] satisfies StatusCategory[];

/**
 * Jira's status category tells open from resolved across localized and renamed workflows
 * (jira-and-peers.md §1.4); "No Category" (`undefined`) counts as in progress.
 */
export function issueStatusOf(s: JiraStatus): IssueStatus {
  const key = s.statusCategory?.key ?? '';
  return { name: s.name, category: (CATEGORIES.includes(key) ? key : 'indeterminate') as StatusCategory };
}

/**
 * Moves issues to a named status. Transition ids differ per workflow, so they are read
 * from the issue (§1.4) and cached per project, issue type and current status for the
 * sink's lifetime (one run): issues in the same place share a workflow step.
 */
export class Transitioner {
  private readonly cache = new Map<string, JiraTransition[]>();
  /** The same, keyed by what the state knows of an issue (project, issue type name, last recorded status): no read of the issue. */
  private readonly steps = new Map<string, JiraTransition[]>();

  constructor(
    private readonly api: JiraApi,
    private readonly opts: { host: string; closeResolution: string; log: Logger },
  ) {}

  /** The issue as just read; used (once) by the next transition of that key instead of a read. */
  private readonly justRead = new Map<string, JiraIssue>();

  remember(issue: JiraIssue): void {
    if (this.justRead.size > 100) this.justRead.clear();
    this.justRead.set(issue.key, issue);
  }

  async transition(key: string, target: string, o?: { ifReachable: true }): Promise<{ from: IssueStatus; to: IssueStatus } | undefined> {
    const known = this.justRead.get(key);
    this.justRead.delete(key);
    const issue = known ?? (await this.api.getIssue(key, ['status', 'issuetype', 'project']));
    const status = issue.fields.status;
    if (!status) throw new SinkError('SINK_REJECTED', `Jira returned issue ${key} without a status`, { host: this.opts.host });
    const from = issueStatusOf(status);
    if (sameName(from.name, target)) return { from, to: from };

    const cacheKey = [issue.fields.project?.key ?? key.replace(/-\d+$/, ''), issue.fields.issuetype?.id ?? '', status.id ?? status.name].join('|');
    const cached = this.cache.get(cacheKey);
    let transitions = cached ?? (await this.load(key, cacheKey));
    let chosen = pick(transitions, target);
    if (!chosen && cached) {
      // The workflow may have changed since we cached it: look once more.
      transitions = await this.load(key, cacheKey);
      chosen = pick(transitions, target);
    }
    if (!chosen && o?.ifReachable) return undefined;
    if (!chosen) {
      const available = transitions.map((t) => `'${t.to.name}' via '${t.name}'`).join(', ') || 'none';
      throw new SinkError('SINK_REJECTED', `issue ${key} is in status '${from.name}' and no transition leads to '${target}' (available: ${available})`, {
        host: this.opts.host,
        hint: 'add a transition to the workflow, or map the operation to a reachable status in workflowMappings; transitions the account may not perform are not listed',
      });
    }
    try {
      await this.perform(key, chosen);
    } catch (err) {
      if (!cached || !(err instanceof JiraRejectedError) || err.status !== 400) throw err;
      // A cached transition id Jira no longer accepts for this issue: refresh and retry once.
      this.opts.log.debug('cached transition refused, reloading', { issue: key, transition: chosen.id });
      chosen = pick(await this.load(key, cacheKey), target);
      if (!chosen) throw err;
      await this.perform(key, chosen);
    }
    return { from, to: issueStatusOf(chosen.to) };
  }

  /**
   * One step: move an issue the state believes to be in `known.status` (absent: not
   * recorded) straight to the target, without reading it first. The transition id comes
   * from what this run learnt of that workflow step (the first issue of a step lists its
   * transitions once). Undefined when Jira refuses the move as not valid from where the
   * issue is (400/409: a person moved it, or the workflow changed): the caller looks.
   */
  async moveFrom(key: string, target: string, known: { project: string; issueType: string; status?: string }): Promise<IssueStatus | undefined> {
    const step = this.stepOf(known.project, known.issueType, known.status ?? '');
    let transitions = this.steps.get(step);
    if (!transitions) {
      transitions = await this.api.transitions(key);
      this.steps.set(step, transitions);
    }
    const chosen = pick(transitions, target);
    if (!chosen) {
      this.steps.delete(step);
      return undefined;
    }
    try {
      await this.perform(key, chosen);
    } catch (err) {
      if (!(err instanceof JiraRejectedError) || (err.status !== 400 && err.status !== 409)) throw err;
      this.steps.delete(step);
      this.opts.log.debug('transition refused from the recorded status; looking at the issue', { issue: key, from: known.status, transition: chosen.id });
      return undefined;
    }
    return issueStatusOf(chosen.to);
  }

  /** The transition to use for a step, as moveFrom would pick it (undefined: not learnt yet, or none leads there). */
  known(known: { project: string; issueType: string; status?: string }, target: string): JiraTransition | undefined {
    const transitions = this.steps.get(this.stepOf(known.project, known.issueType, known.status ?? ''));
    return transitions && pick(transitions, target);
  }

  /** Learn a step's transitions from one issue of it (the bulk path lists them once per step). */
  async learn(key: string, known: { project: string; issueType: string; status?: string }): Promise<JiraTransition[]> {
    const step = this.stepOf(known.project, known.issueType, known.status ?? '');
    const transitions = this.steps.get(step) ?? (await this.api.transitions(key));
    this.steps.set(step, transitions);
    return transitions;
  }

  forget(known: { project: string; issueType: string; status?: string }): void {
    this.steps.delete(this.stepOf(known.project, known.issueType, known.status ?? ''));
  }

  private stepOf(project: string, issueType: string, status: string): string {
    return [project, issueType.toLowerCase(), status.toLowerCase()].join('|');
  }

  private async load(key: string, cacheKey: string): Promise<JiraTransition[]> {
    const transitions = await this.api.transitions(key);
    this.cache.set(cacheKey, transitions);
    return transitions;
  }

  /**
   * A transition screen may require a resolution: Jira answers 400
   * `{"errors":{"resolution":"Resolution is required."}}`, and sending
   * `fields.resolution` fixes it (jira-and-peers.md §1.4).
   */
  private async perform(key: string, t: JiraTransition): Promise<void> {
    try {
      await this.api.doTransition(key, t.id);
    } catch (err) {
      if (!(err instanceof JiraRejectedError) || err.status !== 400 || !err.fieldErrors.resolution) throw err;
      this.opts.log.debug('transition needs a resolution, retrying with it', { issue: key, resolution: this.opts.closeResolution });
      await this.api.doTransition(key, t.id, { resolution: { name: this.opts.closeResolution } });
    }
  }
}

/** The transition leading to the target status, else one named like it (case-insensitive). */
export function pick(transitions: readonly JiraTransition[], target: string): JiraTransition | undefined {
  return transitions.find((t) => sameName(t.to.name, target)) ?? transitions.find((t) => sameName(t.name, target));
}

function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}
