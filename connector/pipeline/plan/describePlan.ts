import type { TicketRow } from '../../state/ticketStore.js';
import type { CycleCounts } from '../cycleCounts.js';
import type { PlanStep } from '../planStep.js';
import { statusFor } from './decisions.js';
import type { PlanInput } from './evaluateFindings.js';
import { goneChildren, parentStatus } from './planObject.js';
import type { FindingIntent, ParentIntent, TicketActions, TicketIntent, TicketPlan } from './ticketPlan.js';

/**
 * What a plan would do, as the steps a dry run prints: nothing is applied. Tickets it
 * would create are named `(new N)`; it assumes every write succeeds and reads nothing
 * from the sink, so a step that depends on what a person did in Jira meanwhile (closed
 * a ticket, deleted one) shows as it would be without that.
 */
export class PlanDescriber {
  private next = 1;
  /**
   * Every ticket this dry run would create, as a 48-bit digest of its pk: a later page's
   * finding of one makes no second, and a million of them stay a few MB (a pk string each
   * would not). `pageKeys` names this page's new tickets for its link steps.
   */
  private readonly created = new Set<number>();
  private pageKeys = new Map<string, string>();
  private readonly unsure = new Set<string>();

  constructor(
    private readonly input: Pick<PlanInput, 'scheme' | 'subtasks' | 'childrenOf'>,
    private readonly counts: CycleCounts,
    private readonly onStep: (s: PlanStep) => void,
  ) {}

  /** Primary keys this dry run would have created so far: a later page makes no second. */
  queued(): { has(pk: string): boolean } {
    return { has: (pk) => this.created.has(digest(pk)) };
  }

  describe(plan: TicketPlan): void {
    this.pageKeys = new Map();
    for (const k of plan.unsureObjects) this.unsure.add(k);
    for (const f of plan.failures) this.fail(f.finding.key, f.role, f.primaryKey, f.error);
    this.counts.unchanged += plan.duplicates;
    if (plan.settleFirst) this.settle(plan.settleFirst);
    for (const wave of plan.creates) for (const i of wave) this.create(i);
    for (const p of plan.parents) if (p.actions) this.existing(p, p.actions);
    for (const i of plan.tickets) {
      if (i.actions) this.existing(i, i.actions);
      else if (this.pageKeys.has(i.pk) && i.parent && this.input.scheme.kind === 'linked' && !this.input.subtasks) this.link(i.parent, i, 'link');
      else if (!i.wantOpen) this.counts.unchanged++;
    }
    for (const p of plan.settle) this.settle(p);
  }

  finish(carried?: ParentIntent): void {
    if (carried) this.settle(carried);
  }

  private keyOf(i: TicketIntent | undefined): string {
    return (i && (i.row?.jiraKey ?? this.pageKeys.get(i.pk))) ?? '(new)';
  }

  private create(i: TicketIntent): void {
    this.created.add(digest(i.pk));
    this.pageKeys.set(i.pk, `(new ${this.next++})`);
    this.counts.created++;
    const findingKey = 'finding' in i ? (i as FindingIntent).finding.key : undefined;
    this.onStep({ op: 'create', role: i.role, primaryKey: i.ticket.primaryKey, summary: i.ticket.summary, priority: i.ticket.priority, issueType: i.ticket.issueType, findingKey });
  }

  private existing(i: TicketIntent, a: TicketActions): void {
    const key = this.keyOf(i);
    const base = { role: i.role, primaryKey: i.ticket.primaryKey, key };
    let did = false;
    if (a.fields.kind === 'edit') {
      this.counts.updated++;
      this.onStep({ op: 'update', ...base, fields: [...Object.keys(a.fields.fields), ...(a.fields.addLabels.length || a.fields.removeLabels.length ? ['labels'] : [])] });
      did = true;
    }
    if (a.comment && !a.comment.first && (i.row?.state === 'open' || a.status?.want === 'open')) {
      this.counts.commented++;
      this.onStep({ op: 'comment', ...base });
      did = true;
    }
    const f = 'finding' in i ? (i as FindingIntent) : undefined;
    if (a.status?.target && f) {
      this.counts.transitioned++;
      this.onStep({ op: 'transition', ...base, to: a.status.target, reason: `finding ${f.decision.key}` });
      did = true;
    }
    if (a.link && f?.parent) did = this.link(f.parent, f, a.link) || did;
    if (a.attach) {
      this.counts.attached++;
      this.onStep({ op: 'update', ...base, fields: [`attachment ${a.attach.name}`] });
      did = true;
    }
    if (!did && f) this.counts.unchanged++;
  }

  private link(parent: ParentIntent, child: TicketIntent, op: 'link' | 'unlink'): boolean {
    this.counts[op === 'link' ? 'linked' : 'unlinked']++;
    this.onStep({ op, parentKey: this.keyOf(parent), childKey: this.keyOf(child), primaryKey: child.ticket.primaryKey });
    return true;
  }

  /** Gone children close; the parent follows its children as they would be after this page. */
  private settle(p: ParentIntent): void {
    const held = this.input.childrenOf(p.pk);
    const parentKey = this.keyOf(p);
    if (p.diff && (p.row?.jiraKey || this.created.has(digest(p.pk)))) {
      const target = statusFor(this.input.scheme, false);
      for (const c of goneChildren(p, held, { subtasks: this.input.subtasks, unsure: this.unsure })) {
        if (c.linked && !this.input.subtasks) this.onStep({ op: 'unlink', parentKey, childKey: c.jiraKey as string, primaryKey: c.primaryKey });
        if (c.state === 'open' && target) {
          this.counts.transitioned++;
          this.onStep({ op: 'transition', role: 'child', primaryKey: c.primaryKey, key: c.jiraKey as string, to: target, reason: 'the vulnerability is no longer reported on its object' });
        }
      }
    }
    if (!p.row?.jiraKey) return;
    const action = parentStatus(p, p.row, projected(p, held));
    const target = action ? statusFor(this.input.scheme, action === 'reopen') : undefined;
    if (!action || !target) return;
    this.counts.transitioned++;
    const reason = action === 'close' ? 'no open vulnerability tickets remain' : 'a vulnerability ticket is open again';
    this.onStep({ op: 'transition', role: 'parent', primaryKey: p.ticket.primaryKey, key: parentKey, to: target, reason });
  }

  private fail(findingKey: string, role: TicketIntent['role'], primaryKey: string, error: unknown): void {
    this.counts.failed++;
    this.onStep({ op: 'fail', role, primaryKey, findingKey, error: error instanceof Error ? error.message : String(error) });
  }
}

function digest(pk: string): number {
  // cyrb53 (public domain): two 32-bit multiply-xorshift lanes folded into 53 bits, in JS.
  // Not a cryptographic digest, and it need not be: it only tells this dry run's own
  // primary keys apart (as likely to collide as 48 bits of SHA-1 for keys not crafted to),
  // and is asked twice per finding, where a crypto call's overhead was most of the cost.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < pk.length; i++) {
    const ch = pk.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The children we hold, as they would be once this page's findings are applied. */
function projected(p: ParentIntent, held: readonly TicketRow[]): TicketRow[] {
  const byPk = new Map(held.map((r) => [r.pk, r]));
  for (const c of p.children) {
    const was = byPk.get(c.pk);
    byPk.set(c.pk, { ...(was ?? ({} as TicketRow)), pk: c.pk, linked: c.wantOpen || (was?.linked ?? false), state: c.wantOpen ? 'open' : 'closed' });
  }
  return [...byPk.values()];
}
