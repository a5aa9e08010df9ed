import { TemplateError } from '../../errors.js';
import type { StagedFinding } from '../../state/staging.js';
import type { TicketRow } from '../../state/ticketStore.js';
import { decideOperation, renderPrimaryKey, renderTicket, renderTicketHead } from '../../templates/render.js';
import { renderPlain } from '../../templates/renderText.js';
import { findingSla, withSlaLabels, type FindingSla, type LaneSla } from '../../templates/sla/laneSla.js';
import type { RenderedTicket, TemplateContext, TicketRole, TicketScheme } from '../../templates/types.js';
import { jobLabel, markerLabel, scopedKey } from '../markers.js';
import { decisionFor, isGoneStatus, OBJECT_OPS, OPENING } from './decisions.js';
import type { FindingIntent, ParentIntent, PlannedFailure, TicketIntent } from './ticketPlan.js';

/** What the planner reads: the job's scheme, the state's rows and the routing, never a sink or the network. */
export interface PlanInput {
  job: string;
  project: string;
  scheme: TicketScheme;
  /** Children are Jira sub-tasks of the parent (created under it, never linked). */
  subtasks: boolean;
  /** The template context of a finding (its data with its lookups). */
  contextOf(f: StagedFinding): TemplateContext;
  rowOf(pk: string): TicketRow | undefined;
  childrenOf(parentPk: string): TicketRow[];
  /** The sink's fields for a rendered ticket (pure once the sink is prepared). */
  fieldsOf(ticket: RenderedTicket): Record<string, unknown>;
  /** Routing rules: a finding not routed to this lane closes its ticket here, whatever its scanner status. */
  routedHere?: (f: StagedFinding) => boolean;
  /** The status a source that resolves by absence gives gone findings (Xray: Resolved). */
  goneStatus?: string;
  /** Keys of findings that were waiting for a retry, not pulled this cycle. */
  pendingKeys?: ReadonlySet<string>;
  /** Tickets queued for creation from an earlier page: one ticket, not two. */
  queued: { has(pk: string): boolean };
  /** The lane's remediation SLA (absent: the job has no `sla:` policy). */
  sla?: LaneSla;
  /**
   * A dry run: a finding's ticket the state does not hold is rendered only as far as the
   * create step shows it (renderTicketHead), not its description and custom fields.
   */
  sketchNew?: boolean;
}

export interface Evaluation {
  intents: FindingIntent[];
  parents: Map<string, ParentIntent>;
  lastParent?: ParentIntent;
  failures: PlannedFailure[];
  duplicates: number;
  /** pks of tickets two findings share. */
  shared: Set<string>;
  unsureObjects: string[];
}

/** Each finding against the template: its operation, its ticket(s), and what the state holds for them. */
export function evaluateFindings(input: PlanInput, page: readonly StagedFinding[]): Evaluation {
  const { scheme, project } = input;
  const linked = scheme.kind === 'linked';
  const out: Evaluation = { intents: [], parents: new Map(), failures: [], duplicates: 0, shared: new Set(), unsureObjects: [] };
  const byPk = new Map<string, FindingIntent>();
  for (const finding of page) {
    try {
      const ctx = input.contextOf(finding);
      const sla = input.sla ? findingSla(input.sla, scheme.moduleName, ctx) : undefined;
      let decision = decideOperation(scheme, ctx, finding.ignored);
      const objectOp = OBJECT_OPS.has(decision.op);
      // A finding gone from a complete listing keeps its object's status (`${state}`), which
      // says nothing about this vulnerability: it is gone.
      const gone = isGoneStatus(finding.status, input.goneStatus);
      if (OPENING.has(decision.op) && gone) decision = decisionFor(scheme, input.goneStatus as string, false, decision);
      // Not routed here: the finding keeps its status key (so a later return is seen) but its ticket closes.
      if (input.routedHere && OPENING.has(decision.op) && !input.routedHere(finding)) decision = decisionFor(scheme, decision.key, false, decision);
      // `Create` keeps a live vulnerability's ticket open whatever its object's status; a
      // vulnerability the scanner no longer lists is fixed, and its ticket closes.
      const keep = !gone && keptOpen(scheme, ctx);
      if (keep && !OPENING.has(decision.op)) decision = decisionFor(scheme, decision.key, true, decision);
      let parent: ParentIntent | undefined;
      if (linked) {
        const rendered = renderTicket(scheme, 'parent', ctx, { projectKey: project });
        const pk = scopedKey('parent', rendered.primaryKey);
        parent = out.parents.get(pk);
        if (!parent) {
          parent = { ...intentFor(input, 'parent', rendered, pk, undefined, input.rowOf(pk)), children: [], objectKey: finding.parentKey, diff: false, seen: new Set<string>(), pulled: false };
          out.parents.set(pk, parent);
        }
        parent.diff ||= objectOp;
        parent.pulled ||= !input.pendingKeys?.has(finding.key);
        out.lastParent = parent;
      }
      const role: TicketRole = linked ? 'child' : 'single';
      let rendered: RenderedTicket;
      let pk: string;
      let row: TicketRow | undefined;
      if (input.sketchNew) {
        pk = scopedKey(role, renderPrimaryKey(scheme, role, ctx), parent?.ticket.primaryKey);
        row = input.rowOf(pk);
        rendered = (row ? renderTicket : renderTicketHead)(scheme, role, ctx, { projectKey: project });
      } else {
        rendered = renderTicket(scheme, role, ctx, { projectKey: project });
        pk = scopedKey(role, rendered.primaryKey, parent?.ticket.primaryKey);
        row = input.rowOf(pk);
      }
      parent?.seen.add(pk);
      const intent: FindingIntent = { ...intentFor(input, role, rendered, pk, parent?.pk, row), finding, decision, wantOpen: OPENING.has(decision.op), parent, keep };
      if (input.sla && sla) giveSla(intent, sla, input.sla, scheme.dueDateField === undefined);
      // Two findings can render the same Primary Key (the Qualys key has no protocol:
      // 443/tcp and 443/udp). They share one ticket: an open one wins over a closing one.
      if (input.queued.has(pk)) {
        out.duplicates++;
        out.shared.add(pk);
        continue;
      }
      const same = byPk.get(pk);
      if (same) {
        out.duplicates++;
        out.shared.add(pk);
        if (same.wantOpen || !intent.wantOpen) continue;
        out.intents[out.intents.indexOf(same)] = intent;
        if (parent) parent.children[parent.children.indexOf(same)] = intent;
        byPk.set(pk, intent);
        continue;
      }
      byPk.set(pk, intent);
      parent?.children.push(intent);
      out.intents.push(intent);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      out.unsureObjects.push(finding.parentKey);
      out.failures.push({ finding, role: 'single', primaryKey: finding.key, error: err });
    }
  }
  return out;
}

/** CS-Image `jiraTicketAction`: `Create` keeps the ticket open whatever the object's status. */
function keptOpen(scheme: TicketScheme, ctx: TemplateContext): boolean {
  const action = scheme.ticketAction;
  return !!action && renderPlain(action, ctx).trim().toLowerCase() === 'create';
}

/** The ticket's due date, what it was computed from, and its SLA labels (breached while open; met or missed once closed). */
function giveSla(i: FindingIntent, sla: FindingSla, lane: LaneSla, dueDateField: boolean): void {
  if (sla.result && dueDateField) i.ticket.dueDate = sla.result.dueDate;
  i.ticket.sla = sla.memo;
  i.ticket.labels = withSlaLabels(i.ticket.labels, sla.result, lane, { open: i.wantOpen, held: i.row?.labels ?? [] });
}

function intentFor(input: PlanInput, role: TicketRole, ticket: RenderedTicket, pk: string, parentPk: string | undefined, row: TicketRow | undefined): TicketIntent {
  const marker = markerLabel(role, pk);
  ticket.labels = [...new Set([...ticket.labels, marker, jobLabel(input.job)])];
  return { role, ticket, pk, marker, parentPk, row };
}
