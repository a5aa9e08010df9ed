import type { TicketSink } from '../sinks/types.js';
import type { FindingDigests } from '../state/findingDigests.js';
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
import type { ParentIntent, TicketPlan } from './plan/ticketPlan.js';
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
  /** Record each finding's digest once its ticket work here succeeded (findingDigest.ts); absent: none kept. */
  digests?: { store: FindingDigests; lanePart: string };
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
  private readonly digests?: { store: FindingDigests; lanePart: string };
  private readonly job: string;
  private readonly lookups: LookupCache;
  /**
   * Findings whose ticket work may go on after their page (a create queued for a full
   * batch, a status move that may be gathered for later): recorded with no digest at their
   * page, completed after the lane's last page. A crash in between leaves them to be planned.
   */
  private awaiting: Array<{ fkey: string; digest: string; pk: string }> = [];
  /** Primary keys two findings of this cycle share: their findings are always planned together, never passed over. */
  private readonly shared = new Set<string>();

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
      ...(o.dryRun ? { sketchNew: true } : {}),
    };
    this.job = job;
    this.lookups = lookups;
    if (o.dryRun) this.describer = new PlanDescriber(this.input, o.counts, o.onStep);
    else this.applier = new TicketApplier({ ...o, subtasks });
    if (o.digests && this.applier) this.digests = o.digests;
  }

  async page(page: readonly StagedFinding[]): Promise<void> {
    await this.recover();
    const queued = (this.applier ?? (this.describer as PlanDescriber)).queued();
    // Planning reads a lookup entry and a ticket row per finding: in one read transaction
    // of the lookup cache's databases (the state's, which holds the tickets, and a dry
    // run's scratch), not a lock per read (about 10 µs of the 12 a missing ticket's read
    // took). Planning is synchronous and writes nothing.
    const plan = this.lookups.reading(() => planPage({ ...this.input, queued }, page, this.carried));
    this.carried = plan.carry;
    if (this.applier) {
      await this.applier.apply(plan);
      this.recordDigests(plan);
    } else this.describer?.describe(plan);
  }

  /**
   * The digests of the page's findings, with their data, once their ticket work is done;
   * one whose work may go on later (a ticket queued for creation, a status move) is
   * recorded with its data but no digest until then. Failed ones are in `pending` and
   * record nothing.
   */
  private recordDigests(plan: TicketPlan): void {
    if (!this.digests) return;
    for (const pk of plan.shared) this.shared.add(pk);
    const queued = (this.applier as TicketApplier).queued();
    const entries: Array<{ fkey: string; digest: string; data: string; lookups: string; head: string }> = [];
    for (const i of plan.tickets) {
      const { digest, key, raw } = i.finding;
      if (digest === undefined || raw === undefined || this.shared.has(i.pk)) continue;
      const full = `${digest}.${this.digests.lanePart}`;
      const later = queued.has(i.pk) || i.actions?.status !== undefined;
      if (later) this.awaiting.push({ fkey: key, digest: full, pk: i.pk });
      entries.push({ fkey: key, digest: later ? '' : full, ...raw });
    }
    this.digests.store.record(this.job, entries);
  }

  async finish(): Promise<void> {
    await this.recover();
    const carried = this.carried;
    this.carried = undefined;
    if (this.applier) {
      await this.applier.finish(carried);
      const done = this.awaiting.filter((a) => !this.shared.has(a.pk));
      this.awaiting = [];
      this.digests?.store.complete(this.job, done);
    } else this.describer?.finish(carried);
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
