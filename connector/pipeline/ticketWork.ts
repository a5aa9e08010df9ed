import { describeError, TemplateError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CreateRequest, FoundIssue, JiraFields, TicketSink } from '../sinks/types.js';
import type { FindingLog } from '../state/findingLog.js';
import type { LookupCache } from '../state/lookupCache.js';
import type { StagedFinding, PendingFindings } from '../state/staging.js';
import type { TicketRow, Tickets } from '../state/ticketStore.js';
import { decideOperation, renderTicket } from '../templates/render.js';
import { renderPlain } from '../templates/renderText.js';
import { schemeUsesSubtasks } from '../templates/toTicketScheme.js';
import type { OperationDecision, RenderedTicket, RichText, TemplateContext, TicketRole, TicketScheme } from '../templates/types.js';
import { buildContext } from './buildContext.js';
import type { CycleCounts } from './cycleCounts.js';
import { ALL, hashFields, NEVER_CLEARED, sameSet, TICKET, ticketHash } from './fieldHashes.js';
import { hashOf, jobLabel, markerLabel, scopedKey } from './markers.js';
import type { StepListener } from './planStep.js';
import type { TicketIo } from './ticketIo.js';

export interface WorkDeps {
  job: string;
  project: string;
  scheme: TicketScheme;
  /** `attach` absent: template attachments are not uploaded; `isSubtaskType` absent: only the operation words tell sub-task schemes. */
  sink: Pick<TicketSink, 'fields'> & Partial<Pick<TicketSink, 'isSubtaskType'>>;
  io: TicketIo;
  tickets: Tickets;
  lookups: LookupCache;
  /** Absent in a dry run: nothing is recorded. */
  findingLog?: FindingLog;
  pending?: PendingFindings;
  /** Findings were waiting for a retry when the cycle began (else no cleanup is needed). */
  hadPending?: boolean;
  counts: CycleCounts;
  log: Logger;
  onStep: StepListener;
  /** Record each finding's scope and data (sources that resolve by absence or take pushes). */
  keepData?: boolean;
  now?: () => Date;
  /**
   * Routing rules: a finding not routed to this lane is treated as closing here (its
   * ticket, if any, closes; none is created), whatever its scanner status.
   */
  routedHere?: (f: StagedFinding) => boolean;
  /**
   * The status a source that resolves by absence gives gone findings (Xray: Resolved).
   * A finding that comes back after it counts as re-opened, like Qualys's Re-Opened.
   */
  goneStatus?: string;
}

/** The ticket a finding (or a group of them) should have, with what we hold for it. */
interface TicketIntent {
  role: TicketRole;
  ticket: RenderedTicket;
  pk: string;
  marker: string;
  parentPk?: string;
  row?: TicketRow;
  /** Set when this cycle created or adopted it: no field diff needed. */
  fresh?: boolean;
}

interface FindingIntent extends TicketIntent {
  finding: StagedFinding;
  decision: OperationDecision;
  wantOpen: boolean;
  parent?: ParentIntent;
  /** jiraTicketAction `Create`: the ticket is always kept open (qualys.md §5). */
  keep: boolean;
}

interface ParentIntent extends TicketIntent {
  children: FindingIntent[];
  /** The staged parent key (the scanned object) the children came under. */
  objectKey: string;
  /**
   * The children's operations say what the whole object is (linkDiff/openDiff: live,
   * unlinkAll/closeAll: gone): children we hold that are not among `seen` are gone.
   */
  diff: boolean;
  /** Child pks among this cycle's findings of the object. */
  seen: Set<string>;
  /** Some finding came from this cycle's pull, not only retries of failed ones: the list is current. */
  pulled: boolean;
}

const OPENING = new Set(['open', 'link', 'linkDiff', 'openDiff']);
/** Operation words that speak for the whole object (the CS schemes, qualys.md §0). */
const OBJECT_OPS = new Set(['linkDiff', 'openDiff', 'unlinkAll', 'closeAll']);
const REOPEN_SIGNAL = /^re-?opened/i;
/** Keys of a ticket's fieldHashes that are our memos, not Jira fields (never diffed or cleared). */
const MEMO = '@';
const ATTACHMENT_MEMO = '@attachment';
const KEEP_MEMO = '@keep';
/** File name of the template's `attachment` text on the ticket (WAS: the finding's result). */
export const ATTACHMENT_NAME = 'qualys-result.txt';
const HOST_LEVEL = new Set(['HOST_UNREACHABLE', 'AUTH_FAILED', 'HOST_RATE_LIMITED', 'HOST_ERROR', 'ABORTED']);

/**
 * Plans and applies the ticket work for one page of staged findings: evaluate each
 * finding against the template, create what is missing (parents first, in bulk),
 * update what changed, move statuses, link/unlink children, then close or reopen
 * parents by their open children. Each step is recorded as it succeeds.
 */
export class TicketWork {
  private readonly linked: boolean;
  /** Children are Jira sub-tasks of the parent (created with `fields.parent`, never linked). */
  readonly subtasks: boolean;
  /**
   * The page's last object, whose children may go on in the next page (pages are in
   * parent order but cut at a fixed size): its gone children are settled once it ends.
   */
  private openObject?: ParentIntent;
  /** Objects with a finding the template could not evaluate: their gone children are not guessed. */
  private readonly unsureObjects = new Set<string>();
  private pendingKeys?: Set<string>;

  constructor(private readonly d: WorkDeps) {
    this.linked = d.scheme.kind === 'linked';
    const childType = d.scheme.tickets.child?.issueType;
    this.subtasks = this.linked && (schemeUsesSubtasks(d.scheme) || (childType !== undefined && d.sink.isSubtaskType?.(d.project, childType) === true));
  }

  async applyPage(page: readonly StagedFinding[]): Promise<void> {
    const { intents, parents, lastParent } = this.evaluate(page);
    const carried = this.openObject;
    this.openObject = undefined;
    if (carried) {
      const same = parents.get(carried.pk);
      if (same) mergeObject(same, carried);
      else await this.settleObject(carried);
    }
    // After a lost or restored database, tickets of findings that are closing now (and of
    // parents with no open child) exist in Jira but not in the state: find them so they
    // close too. Only then: otherwise a fixed finding without a ticket never had one.
    const unknownClosing = [
      ...[...parents.values()].filter((p) => !p.row?.jiraKey && !p.children.some((c) => c.wantOpen)),
      ...intents.filter((i) => !i.wantOpen && !i.row?.jiraKey),
    ];
    if (unknownClosing.length) {
      const lookFor = (await this.stateBehindJira()) ? unknownClosing : unknownClosing.filter((i) => i.row?.state === 'pending');
      if (lookFor.length) await this.adopt(lookFor);
    }
    const newParents = [...parents.values()].filter((p) => !p.row?.jiraKey && p.children.some((c) => c.wantOpen));
    const newTickets = intents.filter((i) => i.wantOpen && !i.row?.jiraKey);
    if (this.subtasks) {
      // A sub-task names its parent's key in the create: parents first, then their children.
      await this.createMissing(newParents);
      await this.createMissing(newTickets.filter((i) => i.parent?.row?.jiraKey));
    } else {
      // Parents and their children go in the same bulk calls: link schemes link after creating.
      await this.createMissing([...newParents, ...newTickets]);
    }
    for (const p of parents.values()) if (!p.row?.jiraKey) this.failChildrenOfMissingParent(p);
    // A parent created again (a person deleted it): its children we hold are linked to it again.
    if (!this.subtasks) for (const p of parents.values()) if (p.fresh && p.row?.jiraKey) await this.guardParent(p, () => this.relinkKnownChildren(p));

    for (const p of parents.values()) if (p.row?.jiraKey && !p.fresh) await this.guardParent(p, () => this.syncFields(p));
    for (const i of intents) {
      if (!i.row?.jiraKey) {
        if (!i.wantOpen) this.d.counts.unchanged++;
        continue;
      }
      await this.guard(i, async () => {
        const changed = i.fresh ? false : await this.syncFields(i, i.wantOpen);
        const moved = await this.syncStatus(i);
        // A ticket reopened just now missed the comment (it was closed when fields synced).
        if (moved && i.wantOpen && i.row) await this.syncComment(i, i.row, true);
        const linkMoved = this.linked && !this.subtasks ? await this.syncLink(i) : false;
        const attached = await this.syncAttachment(i);
        if (!changed && !moved && !linkMoved && !attached && !i.fresh) this.d.counts.unchanged++;
        const row = i.row;
        if (row && (row.lastStatus !== i.decision.key || !!row.fieldHashes[KEEP_MEMO] !== i.keep)) {
          row.lastStatus = i.decision.key;
          row.fieldHashes = withMemo(row.fieldHashes, KEEP_MEMO, i.keep ? '1' : undefined);
          this.d.tickets.put([row]);
        }
      });
    }
    for (const p of parents.values()) {
      // The object may go on in the next page: settle it (gone children, parent status) then.
      if (p === lastParent && p.diff) {
        this.openObject = p;
        continue;
      }
      if (p.diff) await this.settleObject(p);
      else if (p.row?.jiraKey) await this.guardParent(p, () => this.syncParentStatus(p));
    }
    this.record(intents);
  }

  // ---- evaluation -------------------------------------------------------------------

  private evaluate(page: readonly StagedFinding[]) {
    const { scheme, project } = this.d;
    const intents: FindingIntent[] = [];
    const parents = new Map<string, ParentIntent>();
    const byPk = new Map<string, FindingIntent>();
    let lastParent: ParentIntent | undefined;
    if (this.d.hadPending && !this.pendingKeys) this.pendingKeys = new Set(this.d.pending?.list(this.d.job).map((p) => p.fkey) ?? []);
    for (const finding of page) {
      this.d.counts.findings++;
      try {
        const ctx = buildContext(finding, this.d.lookups, project);
        let decision = decideOperation(scheme, ctx, finding.ignored);
        const objectOp = OBJECT_OPS.has(decision.op);
        // A finding gone from a complete listing keeps its object's status (`${state}`), which
        // says nothing about this vulnerability: it is gone.
        const gone = this.isGone(finding);
        if (OPENING.has(decision.op) && gone) decision = this.decisionFor(this.d.goneStatus as string, false, decision);
        if (this.d.routedHere && OPENING.has(decision.op) && !this.d.routedHere(finding)) decision = this.notRouted(decision);
        // `Create` keeps a live vulnerability's ticket open whatever its object's status; a
        // vulnerability the scanner no longer lists is fixed, and its ticket closes.
        const keep = !gone && this.keptOpen(ctx);
        if (keep && !OPENING.has(decision.op)) decision = this.decisionFor(decision.key, true, decision);
        let parent: ParentIntent | undefined;
        if (this.linked) {
          const rendered = renderTicket(scheme, 'parent', ctx, { projectKey: project });
          const pk = scopedKey('parent', rendered.primaryKey);
          parent = parents.get(pk);
          if (!parent) {
            parent = this.intentFor('parent', rendered, pk) as ParentIntent;
            Object.assign(parent, { children: [], objectKey: finding.parentKey, diff: false, seen: new Set<string>(), pulled: false });
            parents.set(pk, parent);
          }
          parent.diff ||= objectOp;
          parent.pulled ||= !this.pendingKeys?.has(finding.key);
          lastParent = parent;
        }
        const role: TicketRole = this.linked ? 'child' : 'single';
        const rendered = renderTicket(scheme, role, ctx, { projectKey: project });
        const pk = scopedKey(role, rendered.primaryKey, parent?.ticket.primaryKey);
        parent?.seen.add(pk);
        const intent: FindingIntent = {
          ...this.intentFor(role, rendered, pk, parent?.pk),
          finding,
          decision,
          wantOpen: OPENING.has(decision.op),
          parent,
          keep,
        };
        // Two findings can render the same Primary Key (the Qualys key has no protocol:
        // 443/tcp and 443/udp). They share one ticket: an open one wins over a closing one.
        if (this.carriedPks.has(pk)) {
          // Its ticket is queued for creation from an earlier page: one ticket, not two.
          this.d.counts.unchanged++;
          continue;
        }
        const same = byPk.get(pk);
        if (same) {
          this.d.counts.unchanged++;
          if (same.wantOpen || !intent.wantOpen) continue;
          intents[intents.indexOf(same)] = intent;
          if (parent) parent.children[parent.children.indexOf(same)] = intent;
          byPk.set(pk, intent);
          continue;
        }
        byPk.set(pk, intent);
        parent?.children.push(intent);
        intents.push(intent);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        this.unsureObjects.add(finding.parentKey);
        this.fail(finding, 'single', finding.key, err);
      }
    }
    return { intents, parents, lastParent };
  }

  /** The finding keeps its status key (so a later return is seen) but its ticket closes. */
  private notRouted(decision: OperationDecision): OperationDecision {
    return this.decisionFor(decision.key, false, decision);
  }

  /**
   * A decision under `key` that opens or closes the ticket, with the operation and Jira
   * status of the scheme's first plain mapping that does (`fallback` when none does).
   */
  private decisionFor(key: string, open: boolean, fallback: OperationDecision): OperationDecision {
    const entries = Object.entries(this.d.scheme.operationMappings).filter(([k, op]) => OPENING.has(op) === open && !k.includes('/'));
    const found = (open ? entries.find(([k]) => !REOPEN_SIGNAL.test(k)) : undefined) ?? entries[0];
    if (!found) return fallback;
    const [mapped, op] = found;
    const workflowStatus = this.d.scheme.workflowMappings[mapped];
    return { key, op, ...(workflowStatus ? { workflowStatus } : {}) };
  }

  /** Staged again by resolution by absence (runCycle's resolveGone). */
  private isGone(f: StagedFinding): boolean {
    const gone = this.d.goneStatus;
    return !!gone && f.status.toLowerCase() === gone.toLowerCase();
  }

  /** CS-Image `jiraTicketAction`: `Create` keeps the ticket open whatever the object's status. */
  private keptOpen(ctx: TemplateContext): boolean {
    const action = this.d.scheme.ticketAction;
    return !!action && renderPlain(action, ctx).trim().toLowerCase() === 'create';
  }

  private intentFor(role: TicketRole, ticket: RenderedTicket, pk: string, parentPk?: string): TicketIntent {
    const marker = markerLabel(role, pk);
    ticket.labels = [...new Set([...ticket.labels, marker, jobLabel(this.d.job)])];
    return { role, ticket, pk, marker, parentPk, row: this.d.tickets.get(this.d.job, pk) };
  }

  // ---- create -----------------------------------------------------------------------

  private async createMissing(items: TicketIntent[]): Promise<void> {
    if (items.length === 0) return;
    // A ticket may exist although we hold no key for it: we crashed between Jira's answer
    // and our write (a pending row), or the database was lost or restored from a backup.
    // Its marker label finds it.
    const lookFor = (await this.stateBehindJira()) ? items : items.filter((i) => i.row?.state === 'pending');
    const notFound = new Set(lookFor.length ? await this.adopt(lookFor) : []);
    const toCreate = items.filter((i) => !lookFor.includes(i) || notFound.has(i));
    const queue = [...this.carry, ...toCreate.map((i) => ({ i, req: this.createRequest(i) }))];
    // Flat schemes send full batches of 50 only and carry the rest to the next page (or
    // finish()), so a pull makes ceil(creates / 50) bulk calls. Linking schemes need their
    // keys within the page (to link children), so they send everything now.
    const now = this.linked ? queue.length : queue.length - (queue.length % 50);
    this.carry = queue.slice(now);
    this.carriedPks = new Set(this.carry.map((c) => c.i.pk));
    await this.send(queue.slice(0, now));
  }

  /** Create what earlier pages carried over and settle the last object; call once after the last page. */
  async finish(): Promise<void> {
    const last = this.openObject;
    this.openObject = undefined;
    if (last) await this.settleObject(last);
    const rest = this.carry;
    this.carry = [];
    this.carriedPks.clear();
    await this.send(rest);
  }

  private carry: Array<{ i: TicketIntent; req: CreateRequest }> = [];
  private carriedPks = new Set<string>();

  private createRequest(i: TicketIntent): CreateRequest {
    const parentKey = this.subtasks && i.role === 'child' ? (i as FindingIntent).parent?.row?.jiraKey : undefined;
    return {
      ref: i.marker,
      fields: parentKey ? this.d.sink.fields(i.ticket, { project: this.d.project, parentKey }) : this.fieldsOf(i),
      // The identity on the ticket itself, whether or not Jira has a "Primary Key" field.
      properties: { vulnbridge: { primaryKey: i.ticket.primaryKey, role: i.role, job: this.d.job, marker: i.marker } },
    };
  }

  private async send(queue: ReadonlyArray<{ i: TicketIntent; req: CreateRequest }>): Promise<void> {
    if (queue.length === 0) return;
    const { io } = this.d;
    const toCreate = queue.map((q) => q.i);
    const requests = queue.map((q) => q.req);
    // Intent first: if we die after Jira answers, the pending row tells the next run to look before creating.
    if (!io.dryRun) this.d.tickets.put(toCreate.map((i) => (i.row = this.newRow(i, 'pending', undefined, undefined, {}))));
    for (let start = 0; start < toCreate.length; start += 50) {
      const batch = toCreate.slice(start, start + 50);
      const results = await io.createMany(requests.slice(start, start + 50));
      const byRef = new Map(results.map((r) => [r.ref, r]));
      const rows: TicketRow[] = [];
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n];
        const result = byRef.get(i.marker);
        if (!result?.key) {
          const owner = 'finding' in i ? (i as FindingIntent).finding : (i as ParentIntent).children[0]?.finding;
          if (owner) this.fail(owner, i.role, i.ticket.primaryKey, result?.error ?? new Error('Jira returned no key'));
          continue;
        }
        i.row = this.newRow(i, 'open', result.key, result.id, { ...hashFields(requests[start + n].fields), [TICKET]: ticketHash(i.ticket) });
        i.row.commentHash = i.ticket.comment ? hashOf(i.ticket.comment) : undefined;
        i.fresh = true;
        rows.push(i.row);
        this.d.counts.created++;
        this.d.onStep({
          op: 'create',
          role: i.role,
          primaryKey: i.ticket.primaryKey,
          summary: i.ticket.summary,
          priority: i.ticket.priority,
          issueType: i.ticket.issueType,
          findingKey: 'finding' in i ? (i as FindingIntent).finding.key : undefined,
        });
      }
      this.d.tickets.put(rows);
      // A file cannot ride along with the create: upload it once the ticket exists.
      for (const i of batch) if ('finding' in i && i.fresh && i.row?.jiraKey) await this.guard(i as FindingIntent, () => this.syncAttachment(i as FindingIntent));
    }
  }

  /** Find tickets by their marker labels and take them over; returns the ones not found. */
  private async adopt(items: TicketIntent[]): Promise<TicketIntent[]> {
    const found = new Map<string, FoundIssue>();
    for (const issue of await this.d.io.findByLabels(this.d.project, items.map((i) => i.marker))) for (const l of issue.labels) found.set(l, issue);
    const adopted: TicketRow[] = [];
    const missing: TicketIntent[] = [];
    for (const i of items) {
      const hit = found.get(i.marker);
      if (!hit) {
        missing.push(i);
        continue;
      }
      i.row = this.newRow(i, hit.status.category === 'done' ? 'closed' : 'open', hit.key, hit.id, {});
      i.row.jiraStatus = hit.status.name;
      i.row.labels = hit.labels;
      // A closing child may still hang on its parent: try the unlink (a no-op when there is no link).
      if (i.role === 'child' && 'wantOpen' in i && !(i as FindingIntent).wantOpen) i.row.linked = true;
      adopted.push(i.row);
      this.d.onStep({ op: 'adopt', role: i.role, primaryKey: i.ticket.primaryKey, key: hit.key });
    }
    if (adopted.length) this.d.tickets.put(adopted);
    return missing;
  }

  private stateBehind?: boolean;

  /**
   * Does Jira hold tickets of this job that the state does not know? One search per
   * cycle (the newest tickets with the job's label) tells a lost or restored database
   * from an intact one; only then is every create preceded by a label lookup.
   */
  private async stateBehindJira(): Promise<boolean> {
    if (this.stateBehind === undefined) {
      const newest = await this.d.io.newestWithLabel(this.d.project, jobLabel(this.d.job), 50);
      const unknown = newest.filter((i) => !this.d.tickets.hasKey(this.d.job, i.key));
      this.stateBehind = unknown.length > 0;
      if (this.stateBehind) {
        this.d.log.warn('Jira holds tickets of this job that the state does not know (lost or restored database?): each new ticket is looked up by its label first', {
          examples: unknown.slice(0, 5).map((i) => i.key),
        });
      }
    }
    return this.stateBehind;
  }

  private newRow(i: TicketIntent, state: TicketRow['state'], key: string | undefined, id: string | undefined, hashes: Record<string, string>): TicketRow {
    return {
      job: this.d.job,
      pk: i.pk,
      role: i.role,
      primaryKey: i.ticket.primaryKey,
      parentPk: i.parentPk,
      marker: i.marker,
      state,
      jiraKey: key,
      jiraId: id,
      // A sub-task hangs under its parent from its creation on: it counts as linked.
      linked: this.subtasks && i.role === 'child',
      fieldHashes: 'keep' in i && (i as FindingIntent).keep ? { ...hashes, [KEEP_MEMO]: '1' } : hashes,
      labels: i.ticket.labels,
      findingKey: 'finding' in i ? (i as FindingIntent).finding.key : undefined,
      lastStatus: 'finding' in i ? (i as FindingIntent).decision.key : undefined,
    };
  }

  private fieldsOf(i: TicketIntent): JiraFields {
    return this.d.sink.fields(i.ticket, { project: this.d.project });
  }

  // ---- existing tickets ---------------------------------------------------------------

  /** Send only the fields whose rendered value changed since what we last sent. */
  private async syncFields(i: TicketIntent, findingOpen = true): Promise<boolean> {
    const row = i.row as TicketRow;
    const key = row.jiraKey as string;
    const labelsSame = sameSet(row.labels, i.ticket.labels);
    // Most tickets are unchanged most cycles: one hash of the rendered ticket settles it,
    // without building Jira's fields (ADF) at all; else one hash over all fields.
    const rendered = ticketHash(i.ticket);
    let fields: JiraFields | undefined;
    let hashes: Record<string, string> | undefined;
    let fieldsSame = labelsSame && row.fieldHashes[TICKET] === rendered;
    if (!fieldsSame) {
      fields = this.fieldsOf(i);
      hashes = { ...hashFields(fields), [TICKET]: rendered };
      fieldsSame = labelsSame && row.fieldHashes[ALL] === hashes[ALL];
      if (fieldsSame) {
        row.fieldHashes = { ...row.fieldHashes, [TICKET]: rendered };
        this.d.tickets.put([row]);
      }
    }
    const commentDue = this.commentDue(i, row, findingOpen);
    if ((!fieldsSame || commentDue) && findingOpen && 'finding' in i) await this.noticeClosedByUser(i as FindingIntent);
    // A ticket a person closed is left alone, edits included, until the finding comes back.
    if (row.state === 'closed-by-user') return false;
    if (fieldsSame || !fields || !hashes) return this.syncComment(i, row, findingOpen);
    const change: JiraFields = {};
    for (const [f, h] of Object.entries(hashes)) if (f !== ALL && f !== TICKET && row.fieldHashes[f] !== h) change[f] = fields[f];
    for (const f of Object.keys(row.fieldHashes)) if (!(f in hashes) && !NEVER_CLEARED.has(f) && !f.startsWith(MEMO)) change[f] = null;
    const addLabels = i.ticket.labels.filter((l) => !row.labels.includes(l));
    const removeLabels = row.labels.filter((l) => !i.ticket.labels.includes(l));
    let changed = false;
    if (Object.keys(change).length || addLabels.length || removeLabels.length) {
      await this.d.io.update(key, { fields: change, addLabels, removeLabels });
      this.d.counts.updated++;
      this.d.onStep({ op: 'update', role: i.role, primaryKey: i.ticket.primaryKey, key, fields: [...Object.keys(change), ...(addLabels.length || removeLabels.length ? ['labels'] : [])] });
      row.fieldHashes = { ...memosOf(row.fieldHashes), ...hashes };
      row.labels = i.ticket.labels;
      changed = true;
      this.d.tickets.put([row]);
    } else {
      // Nothing Jira would see changed (e.g. hashes from an older version): remember the new ones.
      row.fieldHashes = { ...memosOf(row.fieldHashes), ...hashes };
      this.d.tickets.put([row]);
    }
    return (await this.syncComment(i, row, findingOpen)) || changed;
  }

  private commentDue(i: TicketIntent, row: TicketRow, findingOpen: boolean): boolean {
    return !!i.ticket.comment && row.state === 'open' && findingOpen && row.commentHash !== undefined && row.commentHash !== hashOf(i.ticket.comment);
  }

  /**
   * Before writing to a ticket we believe open for a finding that is still open, look
   * whether a person closed it: then it is recorded as closed by the user and left alone
   * (no comments) until the scanner says the finding came back. One read, only when
   * there is something to write.
   */
  private async noticeClosedByUser(i: FindingIntent): Promise<void> {
    const row = i.row as TicketRow;
    if (row.state !== 'open') return;
    const current = await this.d.io.status(row.jiraKey as string);
    if (!current || current.category !== 'done') return;
    row.jiraStatus = current.name;
    row.state = 'closed-by-user';
    this.d.tickets.put([row]);
    this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: `closed by a person (${current.name}); left closed until the scanner reports it Re-Opened` });
  }

  /** The template's comment marks a re-detection (e.g. a new LAST_FOUND_DATETIME). */
  private async syncComment(i: TicketIntent, row: TicketRow, findingOpen: boolean): Promise<boolean> {
    if (!i.ticket.comment || row.state !== 'open' || !findingOpen) return false;
    const h = hashOf(i.ticket.comment);
    if (row.commentHash === h) return false;
    const key = row.jiraKey as string;
    const first = row.commentHash === undefined;
    row.commentHash = h;
    if (!first) {
      await this.d.io.comment(key, i.ticket.comment);
      this.d.counts.commented++;
      this.d.onStep({ op: 'comment', role: i.role, primaryKey: i.ticket.primaryKey, key });
    }
    this.d.tickets.put([row]);
    return !first;
  }

  /**
   * Move the ticket to the status the scanner implies. A ticket a person closed is
   * left alone until the scanner says the finding came back (Re-Opened); we only ask
   * Jira for the current status when we are about to move it.
   */
  private async syncStatus(i: FindingIntent): Promise<boolean> {
    const row = i.row as TicketRow;
    const key = row.jiraKey as string;
    // "Re-Opened" stays on a detection until the next scan: act on it once, when it appears.
    const reopenSignal = (REOPEN_SIGNAL.test(i.decision.key) && row.lastStatus !== i.decision.key) || this.cameBack(i, row);
    if (i.wantOpen) {
      if (row.state === 'open' && !reopenSignal) return false;
      if (row.state === 'closed-by-user' && !reopenSignal) return false;
    } else if (row.state !== 'open') {
      return false;
    }
    const current = await this.d.io.status(key);
    if (current === undefined) return this.deletedInJira(i);
    if (current !== null) {
      row.jiraStatus = current.name;
      const done = current.category === 'done';
      if (i.wantOpen && !done) return this.save(row, 'open');
      if (!i.wantOpen && done) {
        this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key, note: `already ${current.name}` });
        return this.save(row, 'closed');
      }
      if (i.wantOpen && done && row.state === 'open' && !reopenSignal) return this.save(row, 'closed-by-user');
    } else if (i.wantOpen && row.state === 'open') {
      return false;
    }
    const target = i.decision.workflowStatus;
    if (!target) return false;
    return this.move(i, row, target, i.wantOpen ? `finding ${i.decision.key}` : `finding ${i.decision.key}`);
  }

  /** Gone from a complete listing last time, listed again now (sources that resolve by absence). */
  private cameBack(i: FindingIntent, row: TicketRow): boolean {
    const gone = this.d.goneStatus;
    return !!gone && i.wantOpen && row.lastStatus !== undefined && row.lastStatus.split('/')[0]?.toLowerCase() === gone.toLowerCase();
  }

  private async syncLink(i: FindingIntent): Promise<boolean> {
    const row = i.row as TicketRow;
    const parentKey = i.parent?.row?.jiraKey;
    if (!parentKey) return false;
    if (i.wantOpen && !row.linked) {
      try {
        await this.d.io.link(parentKey, row.jiraKey as string);
      } catch (err) {
        // Jira says an issue of the link does not exist: the parent, or the child itself.
        if ((err as { code?: string }).code !== 'TICKET_GONE' || !i.parent || (await this.d.io.status(parentKey)) !== undefined) throw err;
        this.parentGone(i.parent);
        throw new Error('its parent ticket was deleted in Jira; the parent is created again and this ticket linked to it next cycle');
      }
      row.linked = true;
      this.d.tickets.put([row]);
      this.d.counts.linked++;
      this.d.onStep({ op: 'link', parentKey, childKey: row.jiraKey as string, primaryKey: i.ticket.primaryKey });
      return true;
    }
    if (!i.wantOpen && row.linked) {
      await this.d.io.unlink(parentKey, row.jiraKey as string);
      row.linked = false;
      this.d.tickets.put([row]);
      this.d.counts.unlinked++;
      this.d.onStep({ op: 'unlink', parentKey, childKey: row.jiraKey as string, primaryKey: i.ticket.primaryKey });
      return true;
    }
    return false;
  }

  /**
   * The template's `attachment` text (WAS: the finding's result) as a file on the ticket:
   * uploaded once, and again only when the text changed (its hash is kept with the
   * ticket). Only while the ticket and its finding are open.
   */
  private async syncAttachment(i: FindingIntent): Promise<boolean> {
    const row = i.row as TicketRow;
    const text = i.ticket.attachment ? plainText(i.ticket.attachment) : '';
    if (!text.trim() || !i.wantOpen || row.state !== 'open') return false;
    const h = hashOf(text);
    if (row.fieldHashes[ATTACHMENT_MEMO] === h) return false;
    const key = row.jiraKey as string;
    await this.d.io.attach(key, ATTACHMENT_NAME, text);
    row.fieldHashes = withMemo(row.fieldHashes, ATTACHMENT_MEMO, h);
    this.d.tickets.put([row]);
    this.d.counts.updated++;
    this.d.onStep({ op: 'update', role: i.role, primaryKey: i.ticket.primaryKey, key, fields: [`attachment ${ATTACHMENT_NAME}`] });
    return true;
  }

  /**
   * An object's findings are all seen (the pages have moved past it): children we hold
   * for it that are not among them are gone, so they are unlinked (link schemes) and
   * closed; then the parent follows its open children. Not when a finding of the object
   * could not be evaluated, nor when the object only came back as retries of failed
   * findings: then the list of its vulnerabilities is not known to be complete.
   */
  private async settleObject(p: ParentIntent): Promise<void> {
    if (!p.row?.jiraKey) return;
    const owner = p.children[0];
    if (p.pulled && !this.unsureObjects.has(p.objectKey)) {
      for (const c of this.d.tickets.children(this.d.job, p.pk)) {
        if (p.seen.has(c.pk) || !c.jiraKey || c.fieldHashes[KEEP_MEMO]) continue;
        const linkedHere = c.linked && !this.subtasks;
        if (c.state !== 'open' && !linkedHere) continue;
        await this.guardGone(c, () => this.closeGone(p, c));
      }
    }
    await this.guard(owner, () => this.syncParentStatus(p));
  }

  /** A child whose vulnerability the object no longer has: unlink (link schemes) and close it. */
  private async closeGone(p: ParentIntent, c: TicketRow): Promise<void> {
    const parentKey = p.row?.jiraKey as string;
    const key = c.jiraKey as string;
    const step = { role: 'child' as const, primaryKey: c.primaryKey };
    if (c.linked && !this.subtasks) {
      await this.d.io.unlink(parentKey, key);
      c.linked = false;
      this.d.tickets.put([c]);
      this.d.counts.unlinked++;
      this.d.onStep({ op: 'unlink', parentKey, childKey: key, primaryKey: c.primaryKey });
    }
    c.lastStatus = this.d.goneStatus ?? 'gone';
    if (c.state !== 'open') {
      this.d.tickets.put([c]);
      return;
    }
    const current = await this.d.io.status(key);
    if (current === undefined) {
      // Deleted in Jira: nothing left to close.
      this.d.onStep({ op: 'record', ...step, key, note: 'deleted in Jira' });
      Object.assign(c, { jiraKey: undefined, jiraId: undefined, linked: false, state: 'closed' });
      this.d.tickets.put([c]);
      return;
    }
    if (current?.category === 'done') {
      this.d.onStep({ op: 'record', ...step, key, note: `already ${current.name}` });
      c.jiraStatus = current.name;
      this.save(c, 'closed');
      return;
    }
    const target = statusFor(this.d.scheme, false);
    if (!target) {
      this.d.tickets.put([c]);
      return;
    }
    await this.move({ role: 'child', ticket: { primaryKey: c.primaryKey } }, c, target, 'the vulnerability is no longer reported on its object');
  }

  /** A gone child's work: a rejection is logged and counted, and the next cycle tries again. */
  private async guardGone(c: TicketRow, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code && HOST_LEVEL.has(code)) throw err;
      const message = describeError(err);
      this.d.counts.failed++;
      this.d.log.warn('closing a ticket whose vulnerability is gone failed; it is retried next cycle', { key: c.jiraKey, primaryKey: c.primaryKey, error: message });
      this.d.onStep({ op: 'fail', role: 'child', primaryKey: c.primaryKey, findingKey: c.findingKey ?? '', error: message });
    }
  }

  /** A parent closes when no linked open child remains and reopens when one comes back. */
  private async syncParentStatus(p: ParentIntent): Promise<void> {
    const row = p.row as TicketRow;
    const openChildren = this.d.tickets.children(this.d.job, p.pk).filter((c) => c.linked && c.state === 'open').length;
    if (openChildren === 0 && row.state === 'open') {
      const current = await this.d.io.status(row.jiraKey as string);
      if (current === undefined) return;
      if (current?.category === 'done') {
        this.save(row, 'closed');
        return;
      }
      const target = statusFor(this.d.scheme, false);
      if (target) await this.move(p, row, target, 'no open vulnerability tickets remain');
      return;
    }
    const comeBack = row.state === 'closed' || (row.state === 'closed-by-user' && p.children.some((c) => c.wantOpen && REOPEN_SIGNAL.test(c.decision.key)));
    if (openChildren > 0 && comeBack) {
      const target = statusFor(this.d.scheme, true);
      if (target) await this.move(p, row, target, 'a vulnerability ticket is open again');
    }
  }

  private async move(i: { role: TicketRole; ticket: { primaryKey: string } }, row: TicketRow, target: string, reason: string): Promise<boolean> {
    const to = await this.d.io.transition(row.jiraKey as string, target);
    row.jiraStatus = to.name;
    this.save(row, to.category === 'done' ? 'closed' : 'open');
    this.d.counts.transitioned++;
    this.d.onStep({ op: 'transition', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, to: target, reason });
    return true;
  }

  private save(row: TicketRow, state: TicketRow['state']): boolean {
    row.state = state;
    this.d.tickets.put([row]);
    return false;
  }

  /** Deleted in Jira by hand: forget the key; an open finding gets a new ticket next cycle. */
  private deletedInJira(i: FindingIntent): boolean {
    const row = i.row as TicketRow;
    this.d.onStep({ op: 'record', role: i.role, primaryKey: i.ticket.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira' });
    row.jiraKey = undefined;
    row.jiraId = undefined;
    row.linked = false;
    row.state = 'pending';
    this.d.tickets.put([row]);
    if (i.wantOpen) this.d.pending?.markFailed(this.d.job, i.finding, 'ticket was deleted in Jira; recreating');
    return false;
  }

  // ---- failures and records -------------------------------------------------------------

  /** Run one finding's work; a rejection by Jira is recorded and the cycle goes on. */
  private async guard(i: FindingIntent | undefined, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const code = (err as { code?: string }).code;
      // The host is down or we are not allowed in: stop the cycle, nothing more will work.
      if (code && HOST_LEVEL.has(code)) throw err;
      if (!i) throw err;
      if (code === 'TICKET_GONE' && i.row?.jiraKey) {
        this.deletedInJira(i);
        return;
      }
      this.fail(i.finding, i.role, i.ticket.primaryKey, err);
    }
  }

  /** Work on a parent ticket: if Jira no longer has it, it is created again (with its children). */
  private async guardParent(p: ParentIntent, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if ((err as { code?: string }).code === 'TICKET_GONE' && p.row?.jiraKey) {
        this.parentGone(p);
        for (const c of p.children) if (c.wantOpen) this.fail(c.finding, 'child', c.ticket.primaryKey, new Error('its parent ticket was deleted in Jira; it is created again next cycle'));
        return;
      }
      await this.guard(p.children[0], () => Promise.reject(err));
    }
  }

  /**
   * A person deleted a parent ticket: forget its key so it is created again, and mark its
   * children unlinked (Jira dropped the links), or gone with it (sub-tasks die with their
   * parent), so they are linked to, or created under, the new parent. No child is
   * duplicated: a child that still exists keeps its key.
   */
  private parentGone(p: ParentIntent): void {
    const row = p.row as TicketRow;
    this.d.onStep({ op: 'record', role: 'parent', primaryKey: p.ticket.primaryKey, key: row.jiraKey as string, note: 'deleted in Jira; created again, its children linked to the new one' });
    row.jiraKey = undefined;
    row.jiraId = undefined;
    row.state = 'pending';
    this.d.tickets.put([row]);
    const children = this.d.tickets.children(this.d.job, p.pk);
    for (const c of children) {
      c.linked = false;
      if (this.subtasks) {
        c.jiraKey = undefined;
        c.jiraId = undefined;
        c.state = 'pending';
      }
    }
    this.d.tickets.put(children);
    // Rows of this page's intents are the same tickets: keep them in step.
    for (const c of p.children) {
      const fresh = children.find((x) => x.pk === c.pk);
      if (fresh && c.row) Object.assign(c.row, { linked: fresh.linked, jiraKey: fresh.jiraKey, jiraId: fresh.jiraId, state: fresh.state });
    }
  }

  /** Open children we hold for a parent just created again, linked to it (they may not be in this pull). */
  private async relinkKnownChildren(p: ParentIntent): Promise<void> {
    const parentKey = p.row?.jiraKey as string;
    const inPage = new Set(p.children.map((c) => c.pk));
    for (const c of this.d.tickets.children(this.d.job, p.pk)) {
      if (inPage.has(c.pk) || c.linked || c.state !== 'open' || !c.jiraKey) continue;
      await this.d.io.link(parentKey, c.jiraKey);
      c.linked = true;
      this.d.tickets.put([c]);
      this.d.counts.linked++;
      this.d.onStep({ op: 'link', parentKey, childKey: c.jiraKey, primaryKey: c.primaryKey });
    }
  }

  private failChildrenOfMissingParent(p: ParentIntent): void {
    // Retried next cycle, parent first, so each child gets linked then.
    for (const c of p.children) if (c.wantOpen && !this.failedKeys.has(c.finding.key)) this.fail(c.finding, 'child', c.ticket.primaryKey, new Error('its parent ticket could not be created'));
  }

  private readonly failedKeys = new Set<string>();

  private fail(finding: StagedFinding, role: TicketRole, primaryKey: string, err: unknown): void {
    if (this.failedKeys.has(finding.key)) return;
    this.failedKeys.add(finding.key);
    const message = describeError(err);
    this.d.counts.failed++;
    this.d.log.warn('ticket work failed for a finding; it is retried next cycle', { finding: finding.key, primaryKey, error: message });
    this.d.onStep({ op: 'fail', role, primaryKey, findingKey: finding.key, error: message });
    this.d.pending?.markFailed(this.d.job, finding, message);
  }

  private record(intents: readonly FindingIntent[]): void {
    if (!this.d.findingLog) return;
    this.d.findingLog.record(
      this.d.job,
      intents.map((i) => ({
        fkey: i.finding.key,
        parentKey: i.finding.parentKey,
        status: i.decision.key,
        operation: i.decision.op,
        finding: this.d.keepData ? i.finding : undefined,
      })),
      this.d.now?.(),
    );
    if (!this.d.hadPending) return;
    const ok = intents.filter((i) => !this.failedKeys.has(i.finding.key)).map((i) => i.finding.key);
    this.d.pending?.resolved(this.d.job, ok);
  }
}

/** The parent's status when its children are all gone (close) or when one returns (reopen). */
function statusFor(scheme: TicketScheme, open: boolean): string | undefined {
  const entries = Object.entries(scheme.operationMappings).filter(([, op]) => OPENING.has(op) === open);
  const preferred = open ? entries.find(([k]) => REOPEN_SIGNAL.test(k)) : entries.find(([k]) => !k.includes('/'));
  const key = (preferred ?? entries[0])?.[0];
  return key ? scheme.workflowMappings[key] : undefined;
}

/** Pages are cut at a fixed size: an object's findings may go on in the next page. */
function mergeObject(into: ParentIntent, earlier: ParentIntent): void {
  for (const pk of earlier.seen) into.seen.add(pk);
  into.diff ||= earlier.diff;
  into.pulled ||= earlier.pulled;
  into.children.unshift(...earlier.children.filter((c) => !into.children.includes(c)));
}

function memosOf(hashes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(hashes).filter(([k]) => k.startsWith(MEMO)));
}

function withMemo(hashes: Readonly<Record<string, string>>, key: string, value: string | undefined): Record<string, string> {
  const out = { ...hashes };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

function plainText(rich: RichText): string {
  return rich.map((s) => s.text).join('');
}
