import type { TicketSink } from '../sinks/types.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { StagedFinding } from '../state/staging.js';
import type { Tickets } from '../state/ticketStore.js';
import { schemeUsesSubtasks } from '../templates/toTicketScheme.js';
import type { LaneSla } from '../templates/sla/laneSla.js';
import type { TicketScheme } from '../templates/types.js';
import { TicketApplier, type ApplyDeps } from './apply/ticketApplier.js';
import { buildContext } from './buildContext.js';
import type { CycleCounts } from './cycleCounts.js';
import { PlanDescriber } from './plan/describePlan.js';
import { planPage, type PlanInput } from './plan/planPage.js';
import type { ParentIntent } from './plan/ticketPlan.js';
import type { StepListener } from './planStep.js';

export interface TicketLaneOptions extends Omit<ApplyDeps, 'subtasks' | 'counts' | 'onStep' | 'tickets'> {
  tickets: Tickets;
  lookups: LookupCache;
  counts: CycleCounts;
  onStep: StepListener;
  routedHere?: (f: StagedFinding) => boolean;
  pendingKeys?: ReadonlySet<string>;
  /** Plan and describe each page, apply nothing. */
  dryRun: boolean;
  /** The lane's remediation SLA (absent: none). */
  sla?: LaneSla;
}

/**
 * One Jira lane of a cycle, page by page: plan the page (pure), then apply the plan, or
 * in a dry run describe it. The only thing carried from page to page is the plan's
 * `carry` (an object whose findings may go on in the next page).
 */
export class TicketLane {
  private carried?: ParentIntent;
  private recovered = false;
  private readonly input: Omit<PlanInput, 'queued'>;
  private readonly applier?: TicketApplier;
  private readonly describer?: PlanDescriber;

  constructor(o: TicketLaneOptions) {
    const subtasks = usesSubtasks(o.scheme, o.sink, o.project);
    const { job, project, tickets, lookups } = o;
    this.input = {
      job,
      project,
      scheme: o.scheme,
      subtasks,
      contextOf: (f) => buildContext(f, lookups, project),
      rowOf: (pk) => tickets.get(job, pk),
      childrenOf: (pk) => tickets.children(job, pk),
      fieldsOf: (t) => o.sink.fields(t, { project }),
      ...(o.routedHere ? { routedHere: o.routedHere } : {}),
      ...(o.goneStatus ? { goneStatus: o.goneStatus } : {}),
      ...(o.pendingKeys ? { pendingKeys: o.pendingKeys } : {}),
      ...(o.sla ? { sla: o.sla } : {}),
    };
    if (o.dryRun) this.describer = new PlanDescriber(this.input, o.counts, o.onStep);
    else this.applier = new TicketApplier({ ...o, subtasks });
  }

  async page(page: readonly StagedFinding[]): Promise<void> {
    await this.recover();
    const queued = (this.applier ?? (this.describer as PlanDescriber)).queued();
    const plan = planPage({ ...this.input, queued }, page, this.carried);
    this.carried = plan.carry;
    if (this.applier) await this.applier.apply(plan);
    else this.describer?.describe(plan);
  }

  async finish(): Promise<void> {
    await this.recover();
    const carried = this.carried;
    this.carried = undefined;
    if (this.applier) await this.applier.finish(carried);
    else this.describer?.finish(carried);
  }

  /** Once, before the first plan: bulk tasks a killed run left in flight are settled first. */
  private async recover(): Promise<void> {
    if (this.recovered) return;
    this.recovered = true;
    await this.applier?.recover();
  }
}

/** Children are sub-tasks of their parent: the template says so, or the child's issue type is a sub-task type. */
export function usesSubtasks(scheme: TicketScheme, sink: Pick<TicketSink, 'isSubtaskType'>, project: string): boolean {
  if (scheme.kind !== 'linked') return false;
  const childType = scheme.tickets.child?.issueType;
  return schemeUsesSubtasks(scheme) || (childType !== undefined && sink.isSubtaskType(project, childType) === true);
}
